"""Forms of the supervision pages: parse what a person typed and keep it for redisplay.

Who may act, the target unit and the dates are checked by the actions.
"""

from typing import Any

from django import forms

from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines.models import WarningLevel
from xinfang.orgs.models import Organisation, User
from xinfang.supervision.actions import EscalationInput, NoticeInput
from xinfang.supervision.models import SupervisionKind
from xinfang.supervision.selectors import BoardFilter, board_units
from xinfang.web.forms import OrgChoiceField, add_bootstrap_classes

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LEVEL_CHOICES = [
    ("", "全部"),
    (WarningLevel.OVERDUE, "已超期"),
    (WarningLevel.DUE_SOON, "即将到期"),
    (WarningLevel.NORMAL, "正常"),
]


class BoardFilterForm(forms.Form):
    unit = OrgChoiceField(
        label="责任单位", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    level = forms.ChoiceField(label="预警", choices=LEVEL_CHOICES, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = board_units(user)  # type: ignore[attr-defined]
        add_bootstrap_classes(self)

    def to_filter(self) -> BoardFilter:
        """Only valid values filter; an invalid one (a unit outside the scope) never widens the list,
        the view refuses it."""
        if not self.is_bound or not self.is_valid():
            return BoardFilter()
        return BoardFilter(unit=self.cleaned_data["unit"], level=self.cleaned_data["level"])


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=SupervisionKind.choices, initial=SupervisionKind.REMIND)
    demand = forms.CharField(
        label="催办事项 / 督办要求", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    problems = forms.CharField(
        label="存在问题（督办单）", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_due = forms.DateField(label="回复期限", widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _coded_messages(self)
        add_bootstrap_classes(self)

    def to_input(self, deadline: Any) -> NoticeInput:
        data = self.cleaned_data
        return NoticeInput(
            demand=data["demand"], answer_due=data["answer_due"], deadline=deadline, problems=data["problems"]
        )


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label="升级理由（如：逾期未回复、回复内容未落实）",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    demand = forms.CharField(label="督办要求", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    answer_due = forms.DateField(label="回复期限", widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _coded_messages(self)
        add_bootstrap_classes(self)

    def to_input(self) -> EscalationInput:
        data = self.cleaned_data
        return EscalationInput(reason=data["reason"], demand=data["demand"], answer_due=data["answer_due"])


class AnswerForm(forms.Form):
    answer = forms.CharField(label="书面回复", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _coded_messages(self)
        add_bootstrap_classes(self)


# A blank or unreadable field says the same coded message the action would.
_FIELD_CODES = {
    "demand": ErrorCode.SUPERVISION_DEMAND_REQUIRED,
    "answer_due": ErrorCode.SUPERVISION_ANSWER_DUE_INVALID,
    "answer": ErrorCode.SUPERVISION_ANSWER_REQUIRED,
}


def _coded_messages(form: forms.Form) -> None:
    for name, code in _FIELD_CODES.items():
        if name in form.fields:
            message = XinfangError(code).message
            form.fields[name].error_messages.update(required=message, invalid=message)
