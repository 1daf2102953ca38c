"""Deadline warnings (预警) and the notices that chase a unit: reminders (催办) and supervision
notices (督办) with their escalation (约谈 › 通报 › 挂牌督办) and the unit's written answer.

A DeadlineAlert is written by the periodic sweep (sweep.py) the first time a clock
reaches a warning level; it is the system's reminder to the responsible unit and
stays on that unit's workbench until someone there acknowledges it. A Supervision
is written by a person through actions.py, always with its document (催办单/督办单).
"""

from django.conf import settings
from django.db import models

from xinfang.deadlines.models import WarningLevel


class DeadlineAlert(models.Model):
    """A clock reached `level` (due soon or overdue): at most one row per clock and level, so
    sweeps running at once, or again, never warn twice."""

    deadline = models.ForeignKey(
        "deadlines.Deadline", verbose_name="期限", on_delete=models.PROTECT, related_name="alerts"
    )
    level = models.CharField("预警", max_length=10, choices=WarningLevel.choices)
    created_at = models.DateTimeField("预警时间")
    # Copied from the clock, so a unit's open alerts are one indexed read.
    responsible_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="责任单位", null=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField("知悉时间", null=True, blank=True)

    class Meta:
        verbose_name = "期限预警"
        verbose_name_plural = "期限预警"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "level"], name="one_alert_per_deadline_level")
        ]
        indexes = [
            # A unit's workbench reads its unacknowledged alerts.
            models.Index(
                fields=["responsible_org", "created_at"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="alert_open_by_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.level}"


class SupervisionKind(models.TextChoices):
    REMIND = "remind", "催办"
    SUPERVISE = "supervise", "督办"


class Escalation(models.TextChoices):
    """How hard a supervision notice presses (条例 Art.40 and local practice), in order."""

    NONE = "none", "一般督办"
    INTERVIEW = "interview", "约谈"
    PUBLIC_NOTICE = "public_notice", "通报"
    LISTED = "listed", "挂牌督办"


ESCALATION_ORDER: tuple[Escalation, ...] = (
    Escalation.NONE,
    Escalation.INTERVIEW,
    Escalation.PUBLIC_NOTICE,
    Escalation.LISTED,
)


def next_escalation(current: str) -> Escalation | None:
    """The step after `current`; None after 挂牌督办, the last."""
    position = ESCALATION_ORDER.index(Escalation(current))
    return ESCALATION_ORDER[position + 1] if position + 1 < len(ESCALATION_ORDER) else None


class Supervision(models.Model):
    """A reminder (催办单) or supervision notice (督办单) to the unit answering for a case or clock."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="supervisions")
    kind = models.CharField("类别", max_length=10, choices=SupervisionKind.choices)
    escalation = models.CharField(
        "督办方式", max_length=20, choices=Escalation.choices, default=Escalation.NONE
    )
    target_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="被督办单位", on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.ForeignKey(
        "deadlines.Deadline",
        verbose_name="期限",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    # The notice this one escalates; one escalation per notice, so two supervisors clicking
    # at once make one.
    escalated_from = models.OneToOneField(
        "self",
        verbose_name="升级自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalation_of",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT, related_name="+"
    )
    issuing_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="督办单位", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("督办时间")
    demand = models.TextField("督办要求")
    answer_due = models.DateField("回复期限")
    document = models.ForeignKey(
        "documents.CaseDocument", verbose_name="文书", on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField("书面回复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField("回复时间", null=True, blank=True)

    class Meta:
        verbose_name = "催办督办"
        verbose_name_plural = "催办督办"
        ordering = ["-issued_at", "-id"]
        indexes = [
            # A unit's unanswered notices (workbench, its notice list).
            models.Index(
                fields=["target_org", "answer_due"],
                condition=models.Q(answered_at__isnull=True),
                name="supervision_open_by_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def title(self) -> str:
        """催办单, 督办单, or 督办单（约谈） for an escalated one."""
        if self.kind == SupervisionKind.REMIND:
            return "催办单"
        if self.escalation == Escalation.NONE:
            return "督办单"
        return f"督办单（{self.get_escalation_display()}）"
