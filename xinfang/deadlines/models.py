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


class DeadlineState(models.TextChoices):
    RUNNING = "running", "计时中"
    PAUSED = "paused", "暂停计时"  # a hearing pauses the re-review clock (Art.36)
    CLOSED = "closed", "已结束"


class WarningLevel(models.TextChoices):
    """Set by the periodic sweep (xinfang.supervision); never by hand."""

    NORMAL = "normal", "正常"
    DUE_SOON = "due_soon", "即将到期"  # yellow
    OVERDUE = "overdue", "已超期"  # red


class Deadline(models.Model):
    """One statutory clock on one case (ARCHITECTURE rule 3): history and statistics are plain queries.

    `due_on` is the date in force: the statutory due date, moved by an extension or by the days a
    hearing paused the clock. `statutory_due_on` keeps the first computation for the record.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="deadlines")
    kind = models.CharField("期限", max_length=30)  # a code of xinfang.deadlines.rules
    responsible_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="责任单位", null=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField("起算日")
    days = models.PositiveSmallIntegerField("天数")
    unit = models.CharField("计算方式", max_length=10)
    statutory_due_on = models.DateField("法定期限")
    due_on = models.DateField("截止日期")
    provisional = models.BooleanField("暂定", default=False)
    extended_days = models.PositiveSmallIntegerField("延长天数", default=0)
    extension_reason = models.CharField("延期理由", max_length=500, blank=True)
    paused_on = models.DateField("暂停日", null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField("累计暂停天数", default=0)
    state = models.CharField(
        "状态", max_length=10, choices=DeadlineState.choices, default=DeadlineState.RUNNING
    )
    closed_on = models.DateField("结束日", null=True, blank=True)
    closed_by = models.CharField("结束于", max_length=40, blank=True)  # the transition code
    level = models.CharField("预警", max_length=10, choices=WarningLevel.choices, default=WarningLevel.NORMAL)
    petitioner_window = models.BooleanField(default=False)  # binds the petitioner, not a unit

    class Meta:
        verbose_name = "期限"
        verbose_name_plural = "期限"
        ordering = ["case_id", "id"]
        indexes = [
            # The sweep walks running clocks by due date; boards read a unit's running clocks.
            models.Index(fields=["state", "due_on"], name="deadline_state_due"),
            models.Index(fields=["responsible_org", "state", "due_on"], name="deadline_org_state_due"),
            # Unit assessment counts a period's clocks of one kind by their due date.
            models.Index(fields=["kind", "due_on"], name="deadline_kind_due"),
        ]
        constraints = [
            # One running clock of a kind per case: starting it again is a bug, not a second clock.
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=~models.Q(state="closed"),
                name="one_live_deadline_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"

    @property
    def is_live(self) -> bool:
        return self.state != DeadlineState.CLOSED

    @property
    def met_on_time(self) -> bool | None:
        if self.closed_on is None:
            return None
        return self.closed_on <= self.due_on
