"""Forms of the leader-work pages: parse and validate what a person typed; no writes here.

Business rules (scope, roles, dates) are checked by the actions; these forms
only turn input into values and keep it for redisplay on an error.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from xinfang.core.errors import XinfangError
from xinfang.leaders.actions import ReceptionDayInput
from xinfang.leaders.models import AppointmentStatus, DayPart, ReceptionAppointment, ReceptionDay
from xinfang.leaders.selectors import (
    BoardFilter,
    leader_case_leader_choices,
    leader_cases_visible_to,
    reception_leader_choices,
)
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.roles import Role
from xinfang.orgs.scoping import orgs_in_scope
from xinfang.people.identity import check_phone
from xinfang.web.forms import OrgChoiceField, add_bootstrap_classes

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        org = obj.organisation.full_name if obj.organisation else ""
        return f"{obj}（{org}）" if org else str(obj)


class ReceptionDayForm(forms.Form):
    organisation = OrgChoiceField(
        label="接待单位", queryset=Organisation.objects.none(), empty_label="请选择"
    )
    leader = LeaderChoiceField(label="接待领导", queryset=User.objects.none(), empty_label="请选择")
    date = forms.DateField(label="接待日期", widget=DATE_WIDGET)
    day_part = forms.ChoiceField(label="时段", choices=DayPart.choices, initial=DayPart.MORNING)
    start_time = forms.TimeField(label="开始时间（可选）", required=False, widget=TIME_WIDGET)
    end_time = forms.TimeField(label="结束时间（可选）", required=False, widget=TIME_WIDGET)
    place = forms.CharField(label="接待地点", max_length=100)
    topics = forms.CharField(label="接待主题/备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = orgs_in_scope(user)  # type: ignore[attr-defined]
        self.fields["leader"].queryset = reception_leader_choices(user)  # type: ignore[attr-defined]
        add_bootstrap_classes(self)

    def to_input(self) -> ReceptionDayInput:
        data = self.cleaned_data
        return ReceptionDayInput(
            organisation=data["organisation"],
            leader=data["leader"],
            date=data["date"],
            day_part=data["day_part"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            place=data["place"],
            topics=data["topics"],
        )


class AppointmentForm(forms.Form):
    petitioner_name = forms.CharField(label="预约人姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30)
    head_count = forms.IntegerField(label="人数", min_value=1, max_value=9999, initial=1)
    matter = forms.CharField(label="反映事项摘要", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)

    def clean_phone(self) -> str:
        try:
            return check_phone(self.cleaned_data["phone"])
        except XinfangError as error:
            raise ValidationError(str(error), code=error.code.value) from None


class CancelReceptionDayForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)


class AppointmentOutcomeForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(AppointmentStatus.ATTENDED, "已到访"), (AppointmentStatus.NO_SHOW, "未到访")]
    )


class LinkCaseForm(forms.Form):
    """Link a case already registered (信访形式: 领导接待日) to the day, optionally to a booking."""

    case_number = forms.CharField(label="信访事项编号", max_length=40)
    appointment = forms.ModelChoiceField(
        label="对应预约（可选）",
        queryset=ReceptionAppointment.objects.none(),
        required=False,
        empty_label="（无）",
    )

    def __init__(self, *args: Any, day: ReceptionDay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appointment"].queryset = day.appointments.filter(case__isnull=True)  # type: ignore[attr-defined]
        add_bootstrap_classes(self)


class LeaderCaseForm(forms.Form):
    case_number = forms.CharField(label="信访事项编号", max_length=40)
    leader = LeaderChoiceField(label="包案领导", queryset=User.objects.none(), empty_label="请选择")
    target_date = forms.DateField(label="化解时限", widget=DATE_WIDGET)
    plan = forms.CharField(label="化解方案", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leader_case_leader_choices(user)  # type: ignore[attr-defined]
        add_bootstrap_classes(self)


class LeaderStepForm(forms.Form):
    on = forms.DateField(label="日期", widget=DATE_WIDGET)
    text = forms.CharField(
        label="工作内容",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：约见信访人，当面听取诉求；召开协调会"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)


class SettleForm(forms.Form):
    note = forms.CharField(
        label="息访息诉情况说明",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：问题已解决，信访人签署息访承诺书"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)


SETTLED_CHOICES = [("", "全部"), ("0", "未息访"), ("1", "已息访")]
SHOW_MINE, SHOW_ALL = "mine", "all"


class BoardFilterForm(forms.Form):
    show = forms.ChoiceField(
        label="范围", required=False, choices=[(SHOW_MINE, "我包案的"), (SHOW_ALL, "管辖范围内全部")]
    )
    leader = LeaderChoiceField(
        label="包案领导", queryset=User.objects.none(), required=False, empty_label="全部"
    )
    settled = forms.ChoiceField(label="息访", required=False, choices=SETTLED_CHOICES)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_leader = user.role == Role.LEADER
        if not self.is_leader:
            del self.fields["show"]
        leaders = User.objects.filter(pk__in=leader_cases_visible_to(user).values("leader_id"))
        self.fields["leader"].queryset = leaders.select_related("organisation").order_by("full_name")  # type: ignore[attr-defined]
        add_bootstrap_classes(self)

    def to_filter(self) -> BoardFilter:
        # A field that did not validate is left out; an invalid value never widens the list
        # beyond the user's own 包案 for a leader.
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        settled = data.get("settled")
        return BoardFilter(
            leader_id=data["leader"].pk if data.get("leader") else None,
            settled=None if not settled else settled == "1",
            only_mine=self.is_leader and data.get("show") != SHOW_ALL,
        )
