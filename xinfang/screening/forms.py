"""Forms of the screening pages: parse and keep what a person typed; no writes here.

Business rules (scope, roles, dates, 销号 requirements) are checked by the actions, so a
required note or file missing comes back with the action's code, not a generic message.
"""

from typing import Any

from django import forms

from xinfang.cases.models import Case
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.scoping import orgs_in_scope
from xinfang.screening.actions import RiskInput
from xinfang.screening.models import PeriodKind, ReporterKind, RiskLevel, RiskStatus, ScreeningRound
from xinfang.screening.selectors import (
    RiskFilter,
    open_rounds_for,
    place_choices,
    responsible_choices,
    rounds_visible_to,
    today,
)
from xinfang.web.forms import OrgChoiceField, add_bootstrap_classes

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ScreeningRound) -> str:  # type: ignore[override]
        return str(obj)


class OrgFullNameField(forms.ModelChoiceField):
    """Units named as people say them (西湖区住建局), indented by their place in the tree."""

    def label_from_instance(self, obj: Organisation) -> str:  # type: ignore[override]
        return "\u3000" * max(0, obj.depth - 2) + obj.full_name


class RiskForm(forms.Form):
    round = RoundChoiceField(
        label="排查轮次",
        queryset=ScreeningRound.objects.none(),
        required=False,
        empty_label="（不属于排查轮次：随时发现随时上报）",
        error_messages={"invalid_choice": XinfangError(ErrorCode.SCREENING_ROUND_CLOSED).message},
    )
    reporter_kind = forms.ChoiceField(label="上报人身份", choices=ReporterKind.choices)
    place_region = OrgChoiceField(
        label="发生地",
        queryset=Organisation.objects.none(),
        empty_label="请选择",
        error_messages={"invalid_choice": XinfangError(ErrorCode.SCREENING_PLACE_INVALID).message},
    )
    place_address = forms.CharField(label="详细地点", max_length=200, required=False)
    description = forms.CharField(
        label="基本情况",
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "placeholder": "矛盾纠纷涉及哪些方面、起因、涉及人数、目前状况（不写身份证号和电话）",
            }
        ),
    )
    level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices, initial=RiskLevel.LOW)
    responsible_org = OrgFullNameField(
        label="责任单位",
        queryset=Organisation.objects.none(),
        empty_label="请选择",
        error_messages={"invalid_choice": XinfangError(ErrorCode.SCREENING_RESPONSIBLE_INVALID).message},
    )
    deadline = forms.DateField(label="化解时限", widget=DATE_WIDGET)
    related_case = forms.CharField(label="关联信访事项编号（可选）", max_length=40, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = open_rounds_for(user)  # type: ignore[attr-defined]
        self.fields["place_region"].queryset = place_choices(user).order_by("path")  # type: ignore[attr-defined]
        self.fields["responsible_org"].queryset = (  # type: ignore[attr-defined]
            responsible_choices(user).select_related("parent").order_by("path")
        )
        add_bootstrap_classes(self)

    def to_input(self, related_case: Case | None) -> RiskInput:
        data = self.cleaned_data
        return RiskInput(
            reporter_kind=data["reporter_kind"],
            place_region=data["place_region"],
            place_address=data["place_address"],
            description=data["description"],
            level=data["level"],
            responsible_org=data["responsible_org"],
            deadline=data["deadline"],
            screening_round=data["round"],
            related_case=related_case,
        )


class CloseRiskForm(forms.Form):
    note = forms.CharField(
        label="化解情况说明",
        required=False,  # required by the action, which says why (销号须填写…)
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "如：经村调委会调解，双方签订调解协议，补偿款已付清"}
        ),
    )
    evidence = forms.FileField(
        label="佐证材料",
        required=False,  # required by the action
        help_text="调解协议、现场照片、会议记录等：JPG、PNG、PDF、Word 或 Excel 文件。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)


class RoundForm(forms.Form):
    organisation = OrgFullNameField(
        label="组织排查单位", queryset=Organisation.objects.none(), empty_label="请选择"
    )
    period_kind = forms.ChoiceField(label="排查周期", choices=PeriodKind.choices, initial=PeriodKind.WEEKLY)
    day = forms.DateField(
        label="排查期间内任一日期",
        widget=DATE_WIDGET,
        help_text="周排查为该日所在的一周（周一至周日），月排查为该日所在的月份。",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"day": today(), "organisation": user.organisation_id})
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
            orgs_in_scope(user).select_related("parent").order_by("path")
        )
        add_bootstrap_classes(self)


class RiskFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *RiskStatus.choices])
    level = forms.ChoiceField(label="风险等级", required=False, choices=[("", "全部"), *RiskLevel.choices])
    overdue = forms.BooleanField(label="只看已超期", required=False)
    due_soon = forms.BooleanField(label="只看7日内到期", required=False)
    round = RoundChoiceField(
        label="排查轮次", queryset=ScreeningRound.objects.none(), required=False, empty_label="全部"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = (  # type: ignore[attr-defined]
            rounds_visible_to(user).select_related("organisation__parent").order_by("-period_start", "id")
        )
        add_bootstrap_classes(self)

    def to_filter(self) -> RiskFilter:
        """A field that did not validate is left out; an invalid value never widens the list
        beyond the user's scope (the list starts from risks_visible_to)."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        chosen = data.get("round")
        return RiskFilter(
            status=data.get("status") or "",
            level=data.get("level") or "",
            overdue=bool(data.get("overdue")),
            due_soon=bool(data.get("due_soon")),
            round_id=chosen.pk if chosen else None,
        )
