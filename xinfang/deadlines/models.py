"""Holiday schedules (节假日安排), entered yearly by an administrator from the State Council notice.

A year counts as known once its HolidayYear row exists; periods reaching into a
year without one are computed on weekends only and marked provisional.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models

from xinfang.core.errors import ErrorCode, XinfangError


class HolidayYear(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField(
        "依据", max_length=200, help_text="如：国务院办公厅关于2027年部分节假日安排的通知"
    )
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假（工作日休息）"
    WORKDAY = "workday", "调休上班（周末上班）"


class HolidayDay(models.Model):
    """Only the days that differ from an ordinary week: weekdays off and weekends worked."""

    # Days belong to a year so the admin enters a year's schedule on one page.
    holiday_year = models.ForeignKey(
        HolidayYear, on_delete=models.CASCADE, related_name="days", verbose_name="年度"
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=HolidayKind.choices)
    name = models.CharField("节日", max_length=30, help_text="如：春节")

    class Meta:
        verbose_name = "节假日调整日"
        verbose_name_plural = "节假日调整日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        if not isinstance(self.date, date):
            return
        try:
            # In the admin the year may still be unsaved (entered on the same page): compare its number.
            year = self.holiday_year.year
        except HolidayYear.DoesNotExist:
            year = None
        if year is not None and self.date.year != year:
            raise ValidationError({"date": str(XinfangError(ErrorCode.HOLIDAY_OUTSIDE_YEAR))})
        weekend = self.date.weekday() >= 5
        if (self.kind == HolidayKind.HOLIDAY and weekend) or (
            self.kind == HolidayKind.WORKDAY and not weekend
        ):
            raise ValidationError({"kind": str(XinfangError(ErrorCode.HOLIDAY_KIND_WEEKDAY))})
