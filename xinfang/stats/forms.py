"""The period and scope the statistics pages are asked for (GET parameters)."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from xinfang.cases.models import Category
from xinfang.core import clock
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.scoping import orgs_in_scope, regions_in_scope
from xinfang.stats.counting import Scope
from xinfang.stats.periods import KIND_LABELS, Period, PeriodKind, month, quarter, year
from xinfang.web.forms import OrgChoiceField

EARLIEST_YEAR = 2000


class StatsForm(forms.Form):
    kind = forms.ChoiceField(
        label="统计周期", choices=[(k.value, v) for k, v in KIND_LABELS.items()], required=False
    )
    year = forms.IntegerField(label="年份", required=False, min_value=EARLIEST_YEAR, max_value=2100)
    number = forms.IntegerField(label="月份/季度", required=False, min_value=1, max_value=12)
    date_from = forms.DateField(label="自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    region = OrgChoiceField(
        label="问题发生地", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    responsible = OrgChoiceField(
        label="责任单位", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    category = forms.MultipleChoiceField(
        label="问题性质", choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_in_scope(user)  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = orgs_in_scope(user)  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if name != "category":
                field.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("kind") or PeriodKind.MONTH) == PeriodKind.RANGE:
            start, end = cleaned.get("date_from"), cleaned.get("date_to")
            if not start or not end or start > end:
                self.add_error("date_to", XinfangError(ErrorCode.DATE_RANGE_INVALID).message)
        if cleaned.get("kind") == PeriodKind.QUARTER and (cleaned.get("number") or 1) > 4:
            self.add_error("number", XinfangError(ErrorCode.STATS_PERIOD_INVALID).message)
        return cleaned

    def period(self) -> Period:
        """The asked period; the current month when nothing (or nothing valid) was asked."""
        today: date = timezone.localdate(clock.now())
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        kind = data.get("kind") or PeriodKind.MONTH
        year_number = data.get("year") or today.year
        if kind == PeriodKind.RANGE:
            return Period(PeriodKind.RANGE, data["date_from"], data["date_to"])
        if kind == PeriodKind.YEAR:
            return year(year_number)
        if kind == PeriodKind.QUARTER:
            return quarter(year_number, data.get("number") or (today.month - 1) // 3 + 1)
        return month(year_number, data.get("number") or today.month)

    def scope(self) -> Scope:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Scope(
            region_id=data["region"].pk if data.get("region") else None,
            responsible_id=data["responsible"].pk if data.get("responsible") else None,
            categories=tuple(data.get("category") or ()),
        )
