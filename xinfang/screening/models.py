"""矛盾纠纷排查台账: the screening ledger.

Grid workers (网格员), information officers (信息员) and staff report the disputes and
risks they find, each with a place, a description, a level, a responsible unit and a
deadline for resolving it; the ledger is gone through in weekly and monthly rounds
(排查轮次), and a risk is closed (销号) by the responsible unit with a note and evidence.
A risk describes a matter and a place; it never scores a person.

Nothing here is read for a user without going through xinfang.screening.selectors,
which scopes every list by the organisation tree.
"""

from django.conf import settings
from django.db import models

from xinfang.core.models import TimeStampedModel
from xinfang.screening import periods


class PeriodKind(models.TextChoices):
    WEEKLY = periods.WEEKLY, "周排查"
    MONTHLY = periods.MONTHLY, "月排查"


class RoundStatus(models.TextChoices):
    OPEN = "open", "进行中"  # risks may be reported into it
    CLOSED = "closed", "已结束"  # the round is over; its risks stay open until 销号


class ScreeningRound(TimeStampedModel):
    """One weekly or monthly screening run by an organisation over its area."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="组织排查单位", on_delete=models.PROTECT, related_name="+"
    )
    period_kind = models.CharField("排查周期", max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    status = models.CharField("状态", max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="组织人", on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "排查轮次"
        verbose_name_plural = "排查轮次"
        ordering = ["-period_start", "organisation_id", "id"]
        constraints = [
            # One round per organisation and period: a second one would split the ledger.
            models.UniqueConstraint(
                fields=["organisation", "period_kind", "period_start"], name="one_screening_round_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.full_name} {self.kind_label} {self.period_label}"

    @property
    def kind_label(self) -> str:
        return PeriodKind(self.period_kind).label

    @property
    def period_label(self) -> str:
        return periods.period_label(self.period_kind, self.period_start, self.period_end)

    @property
    def status_label(self) -> str:
        return RoundStatus(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class ReporterKind(models.TextChoices):
    GRID_WORKER = "grid_worker", "网格员"
    INFO_OFFICER = "info_officer", "信息员"
    STAFF = "staff", "工作人员"


class RiskLevel(models.TextChoices):
    HIGH = "high", "重大"
    MEDIUM = "medium", "较大"
    LOW = "low", "一般"


# Worst first on the board.
LEVEL_RANK = {RiskLevel.HIGH: 0, RiskLevel.MEDIUM: 1, RiskLevel.LOW: 2}


class RiskStatus(models.TextChoices):
    OPEN = "open", "未销号"  # being resolved; overdue once its deadline has passed
    CLOSED = "closed", "已销号"  # resolved, with a closing note and evidence


class ScreeningRisk(TimeStampedModel):
    """A dispute or risk found in screening (排查出的矛盾纠纷), until it is closed (销号).

    The description is free text and may name people; ID numbers and phone numbers are
    refused (nothing here is encrypted)."""

    round = models.ForeignKey(
        ScreeningRound,
        verbose_name="排查轮次",
        null=True,
        blank=True,  # an ad-hoc report (随时发现随时上报)
        on_delete=models.PROTECT,
        related_name="risks",
    )
    reporting_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="上报单位", on_delete=models.PROTECT, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上报人", on_delete=models.PROTECT, related_name="+"
    )
    reporter_kind = models.CharField("上报人身份", max_length=20, choices=ReporterKind.choices)
    place_region = models.ForeignKey(
        "orgs.Organisation", verbose_name="发生地", on_delete=models.PROTECT, related_name="+"
    )
    place_address = models.CharField("详细地点", max_length=200, blank=True)
    description = models.TextField("基本情况")
    level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices)
    responsible_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField("化解时限")
    related_case = models.ForeignKey(
        "cases.Case",
        verbose_name="关联信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField("状态", max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    # 销号: who closed it, when, how it was resolved, and the evidence (kept outside the web root).
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closing_note = models.TextField("化解情况", blank=True)
    evidence_name = models.CharField("佐证材料", max_length=255, blank=True)
    evidence_storage_name = models.CharField(max_length=100, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveBigIntegerField(default=0)
    evidence_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "矛盾纠纷排查"
        verbose_name_plural = "矛盾纠纷排查"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The board walks open risks by deadline; each scope column has its own index.
            models.Index(fields=["status", "deadline"], name="screening_risk_status_due"),
            models.Index(fields=["responsible_org", "status"], name="screening_risk_unit"),
            models.Index(fields=["reporting_org", "status"], name="screening_risk_reporter_org"),
            models.Index(fields=["place_region", "status"], name="screening_risk_place"),
        ]
        constraints = [
            # A closed risk always carries its closing record (销号 needs a note and evidence).
            models.CheckConstraint(
                condition=models.Q(status="open")
                | (
                    models.Q(closed_at__isnull=False, closed_by__isnull=False)
                    & ~models.Q(closing_note="")
                    & ~models.Q(evidence_storage_name="")
                ),
                name="screening_risk_closed_with_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.place_region.name} {self.level_label} {self.description[:20]}"

    @property
    def level_label(self) -> str:
        return RiskLevel(self.level).label

    @property
    def status_label(self) -> str:
        return RiskStatus(self.status).label

    @property
    def reporter_kind_label(self) -> str:
        return ReporterKind(self.reporter_kind).label

    @property
    def is_open(self) -> bool:
        return self.status == RiskStatus.OPEN
