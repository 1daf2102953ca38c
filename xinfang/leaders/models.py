"""Leader work: reception days (领导接待日) with their appointments and the cases
registered there, and leader case ownership (领导包案) with its work record.

Nothing here is read for a user without going through xinfang.leaders.selectors,
which starts every list that touches a case from cases.access.
"""

from django.conf import settings
from django.db import models

from xinfang.core.models import TimeStampedModel


class ReceptionStatus(models.TextChoices):
    PLANNED = "planned", "已安排"
    HELD = "held", "已接待"
    CANCELLED = "cancelled", "已取消"


class DayPart(models.TextChoices):
    MORNING = "morning", "上午"
    AFTERNOON = "afternoon", "下午"
    FULL_DAY = "full", "全天"


# Which parts of a day overlap: a leader cannot receive in two places at once.
OVERLAPPING_PARTS: dict[str, frozenset[str]] = {
    DayPart.MORNING: frozenset({DayPart.MORNING, DayPart.FULL_DAY}),
    DayPart.AFTERNOON: frozenset({DayPart.AFTERNOON, DayPart.FULL_DAY}),
    DayPart.FULL_DAY: frozenset({DayPart.MORNING, DayPart.AFTERNOON, DayPart.FULL_DAY}),
}


class ReceptionDay(TimeStampedModel):
    """A leader's reception day (领导接待日): who receives, where, when."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="接待单位", on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接待领导", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("接待日期")
    day_part = models.CharField("时段", max_length=10, choices=DayPart.choices, default=DayPart.MORNING)
    # Optional precise hours within the half-day, as announced to the public.
    start_time = models.TimeField("开始时间", null=True, blank=True)
    end_time = models.TimeField("结束时间", null=True, blank=True)
    place = models.CharField("接待地点", max_length=100)
    topics = models.TextField("接待主题/备注", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ReceptionStatus.choices, default=ReceptionStatus.PLANNED
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安排人", on_delete=models.PROTECT, related_name="+"
    )
    # Who marked it held or cancelled, and when.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "领导接待日"
        verbose_name_plural = "领导接待日"
        ordering = ["-date", "day_part", "id"]
        indexes = [models.Index(fields=["organisation", "-date"], name="reception_day_org_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.when_label} {self.leader}（{self.place}）"

    @property
    def when_label(self) -> str:
        part = DayPart(self.day_part).label
        if self.start_time and self.end_time:
            return f"{part} {self.start_time:%H:%M}–{self.end_time:%H:%M}"
        return part

    @property
    def status_label(self) -> str:
        return ReceptionStatus(self.status).label


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    ATTENDED = "attended", "已到访"
    NO_SHOW = "no_show", "未到访"


class ReceptionAppointment(models.Model):
    """A booking (预约) to be received by the leader. The phone is stored like a
    petitioner's: encrypted, with a blind index and a mask for pages."""

    reception_day = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="appointments")
    petitioner_name = models.CharField("预约人姓名", max_length=50)
    phone_cipher = models.TextField(blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    phone_mask = models.CharField("联系电话", max_length=20, blank=True)
    matter = models.TextField("反映事项摘要")
    head_count = models.PositiveIntegerField("人数", default=1)
    status = models.CharField(
        "到访情况", max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="登记的信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接待预约"
        verbose_name_plural = "接待预约"
        ordering = ["booked_at", "id"]

    def __str__(self) -> str:
        return f"{self.petitioner_name}（{self.phone_mask}）"

    @property
    def status_label(self) -> str:
        return AppointmentStatus(self.status).label


class ReceptionDayCase(models.Model):
    """A case registered at a reception day (信访形式: 领导接待日)."""

    reception_day = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="linked_cases")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        ReceptionAppointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "接待日登记的信访事项"
        verbose_name_plural = "接待日登记的信访事项"
        ordering = ["linked_at", "id"]
        constraints = [
            # A petition is received once: at one reception day at most.
            models.UniqueConstraint(fields=["case"], name="case_at_one_reception_day")
        ]


class LeaderCase(models.Model):
    """A leader's ownership of a hard case (领导包案) until the petitioner stops (息访息诉)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name="信访事项", on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="包案领导", on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安排人", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("包案时间")
    plan = models.TextField("化解方案")
    target_date = models.DateField("化解时限")
    # Settled is closed: no more steps, and the same leader may take the case again later.
    settled = models.BooleanField("息访息诉", default=False)
    settled_at = models.DateTimeField("息访时间", null=True, blank=True)
    settled_note = models.TextField("息访情况说明", blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "领导包案"
        verbose_name_plural = "领导包案"
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "leader"],
                condition=models.Q(settled=False),
                name="one_open_leader_case_per_case_and_leader",
            )
        ]
        indexes = [models.Index(fields=["leader", "settled", "target_date"], name="leader_case_board")]

    def __str__(self) -> str:
        return f"{self.leader} 包案 {self.case_id}"


class LeaderCaseStep(models.Model):
    """One piece of work done on a 包案 (约见信访人、召开协调会 …)."""

    leader_case = models.ForeignKey(LeaderCase, on_delete=models.PROTECT, related_name="steps")
    on = models.DateField("日期")
    text = models.TextField("工作内容")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "包案工作记录"
        verbose_name_plural = "包案工作记录"
        ordering = ["on", "id"]
