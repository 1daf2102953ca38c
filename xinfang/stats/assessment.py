"""Unit assessment (考核): per responsible unit and period, the rates petition offices are
measured by, each with its formula (FORMULAS, shown on the page and in the export).

A unit's figures are those of the cases it is the responsible unit of (责任单位), among the
cases the user may see (cases.access): its deadline clocks, its conclusions, the ratings
of its answers, the reminders and supervision notices it received. A rate with nothing to
divide by is None and shows "—", never 0 % or an error.

Dates are Asia/Shanghai days. "Concluded" (办结) is the conclude step of the lifecycle, dated
by its history event. Whether 基本满意 counts as satisfied is settings.STATS_BASIC_SATISFIED.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import Appeal, Case, CaseEvent, CaseParty, Rating, Satisfaction
from xinfang.core import clock
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.orgs.models import Organisation, User
from xinfang.stats.periods import Period, rate
from xinfang.supervision.models import Supervision, SupervisionKind

CONCLUDE = "conclude"

FORMULAS = (
    ("及时受理率", "期内到期的受理告知期限中按期告知的件数 ÷ 期内到期（已告知或已逾期）的件数"),
    (
        "按期办结率",
        "期内到期的办理期限（含批准延期）中按期出具处理意见的件数 ÷ 期内到期（已办理或已逾期）的件数",
    ),
    ("参评率", "期内办结件中信访人已评价的件数 ÷ 期内办结件数"),
    ("满意率", "期内评价中满意（{basic}）的件数 ÷ 期内评价件数"),
    ("重复信访率", "期内收到的重复信访件数 ÷ 期内收到的件数"),
    ("一次性化解率", "期内办结件中未申请复查、复核且其后同一信访人未再信访的件数 ÷ 期内办结件数"),
    ("初信初访化解率", "期内收到的初信初访件中期末前办结的件数 ÷ 期内收到的初信初访件数"),
    ("重信重访化解率", "期内收到的重信重访件中期末前办结的件数 ÷ 期内收到的重信重访件数"),
    ("积案化解率", "期初仍未办结的往期件中期内办结的件数 ÷ 期初仍未办结的往期件数"),
    ("超期件数", "期内到期而逾期办理（或至今未办）的期限数（信访人申请期限不计）"),
    ("收到催办 / 督办", "期内向该单位发出的催办单、督办单份数"),
)


def formulas() -> list[tuple[str, str]]:
    basic = "含基本满意" if settings.STATS_BASIC_SATISFIED else "不含基本满意"
    return [(name, text.format(basic=basic)) for name, text in FORMULAS]


@dataclass
class UnitFigures:
    unit: Organisation
    acceptance_due: int = 0
    acceptance_on_time: int = 0
    handling_due: int = 0
    handling_on_time: int = 0
    concluded: int = 0
    concluded_rated: int = 0
    rated: int = 0
    satisfied: int = 0
    received: int = 0
    received_repeat: int = 0
    resolved_once: int = 0
    first_received: int = 0
    first_resolved: int = 0
    repeat_resolved: int = 0
    backlog: int = 0
    backlog_resolved: int = 0
    overdue: int = 0
    reminders: int = 0
    supervisions: int = 0

    @property
    def rates(self) -> dict[str, float | None]:
        return {
            "acceptance": rate(self.acceptance_on_time, self.acceptance_due),
            "on_time": rate(self.handling_on_time, self.handling_due),
            "participation": rate(self.concluded_rated, self.concluded),
            "satisfaction": rate(self.satisfied, self.rated),
            "repeat": rate(self.received_repeat, self.received),
            "resolved_once": rate(self.resolved_once, self.concluded),
            "first_resolution": rate(self.first_resolved, self.first_received),
            "repeat_resolution": rate(self.repeat_resolved, self.received_repeat),
            "backlog_resolution": rate(self.backlog_resolved, self.backlog),
        }


RATE_LABELS = {
    "acceptance": "及时受理率",
    "on_time": "按期办结率",
    "participation": "参评率",
    "satisfaction": "满意率",
    "repeat": "重复信访率",
    "resolved_once": "一次性化解率",
    "first_resolution": "初信初访化解率",
    "repeat_resolution": "重信重访化解率",
    "backlog_resolution": "积案化解率",
}
# Ranking: the higher the better, except the repeat rate (lower is better).
LOWER_IS_BETTER = frozenset({"repeat"})


@dataclass
class Assessment:
    period: Period
    units: list[UnitFigures] = field(default_factory=list)


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _between(period: Period) -> tuple[datetime, datetime]:
    return _start(period.start), _start(period.end + timedelta(days=1))


def _count_by_unit(queryset: QuerySet, unit_field: str) -> dict[int, int]:  # type: ignore[type-arg]
    return {
        row[unit_field]: row["n"]
        for row in queryset.order_by().values(unit_field).annotate(n=Count("id"))
        if row[unit_field] is not None
    }


def assess(user: User, period: Period) -> Assessment:
    visible = cases_visible_to(user)
    start, end = _between(period)
    today = timezone.localdate(clock.now())
    tally: dict[int, UnitFigures] = {}
    counts: dict[str, dict[int, int]] = {}

    # All the period's clocks in one pass: due in the period, counted by kind and outcome. A clock
    # still running and not yet due says nothing about the unit, so "due" means done or late.
    closed = Q(state=DeadlineState.CLOSED)
    done_or_late = closed | Q(due_on__lt=today)
    on_time = closed & Q(closed_on__lte=F("due_on"))
    late = (closed & Q(closed_on__gt=F("due_on"))) | (~closed & Q(due_on__lt=today))
    clock_counts = (
        Deadline.objects.filter(
            case__in=visible, due_on__range=(period.start, period.end), responsible_org__isnull=False
        )
        .order_by()
        .values("responsible_org_id")
        .annotate(
            acceptance_due=Count("id", filter=Q(kind="acceptance_notice") & done_or_late),
            acceptance_on_time=Count("id", filter=Q(kind="acceptance_notice") & on_time),
            handling_due=Count("id", filter=Q(kind="handling") & done_or_late),
            handling_on_time=Count("id", filter=Q(kind="handling") & on_time),
            overdue=Count("id", filter=Q(petitioner_window=False) & late),
        )
    )
    for row in clock_counts:
        for name in ("acceptance_due", "acceptance_on_time", "handling_due", "handling_on_time", "overdue"):
            counts.setdefault(name, {})[row["responsible_org_id"]] = row[name]

    concluded_events = CaseEvent.objects.filter(kind=CONCLUDE, at__gte=start, at__lt=end)
    concluded = visible.filter(Exists(concluded_events.filter(case_id=OuterRef("pk"))))
    counts["concluded"] = _count_by_unit(concluded, "responsible_org_id")
    counts["concluded_rated"] = _count_by_unit(concluded.filter(rating__isnull=False), "responsible_org_id")
    appealed = Appeal.objects.filter(case_id=OuterRef("pk"))
    # Came back: a later case of one of the same petitioners.
    later = CaseParty.objects.filter(
        case__in=visible,  # a later case the user cannot see must not show through a rate
        petitioner_id__in=CaseParty.objects.filter(case_id=OuterRef(OuterRef("pk"))).values("petitioner_id"),
        case__received_at__gt=OuterRef(OuterRef("received_at")),
    )
    came_back = Case.objects.filter(pk=OuterRef("pk")).filter(Exists(later))
    counts["resolved_once"] = _count_by_unit(
        concluded.exclude(Exists(appealed)).exclude(Exists(came_back)), "responsible_org_id"
    )

    satisfied_levels = [Satisfaction.SATISFIED]
    if settings.STATS_BASIC_SATISFIED:
        satisfied_levels.append(Satisfaction.BASICALLY_SATISFIED)
    ratings = Rating.objects.filter(case__in=visible, rated_at__gte=start, rated_at__lt=end)
    counts["rated"] = _count_by_unit(ratings, "case__responsible_org_id")
    counts["satisfied"] = _count_by_unit(
        ratings.filter(level__in=satisfied_levels), "case__responsible_org_id"
    )

    received = visible.filter(received_at__gte=start, received_at__lt=end)
    concluded_by_end = Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), kind=CONCLUDE, at__lt=end))
    counts["received"] = _count_by_unit(received, "responsible_org_id")
    counts["received_repeat"] = _count_by_unit(received.filter(is_repeat=True), "responsible_org_id")
    counts["first_received"] = _count_by_unit(received.filter(is_repeat=False), "responsible_org_id")
    counts["first_resolved"] = _count_by_unit(
        received.filter(is_repeat=False).filter(concluded_by_end), "responsible_org_id"
    )
    counts["repeat_resolved"] = _count_by_unit(
        received.filter(is_repeat=True).filter(concluded_by_end), "responsible_org_id"
    )
    concluded_before = Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), kind=CONCLUDE, at__lt=start))
    backlog = visible.filter(received_at__lt=start).exclude(concluded_before)
    counts["backlog"] = _count_by_unit(backlog, "responsible_org_id")
    counts["backlog_resolved"] = _count_by_unit(
        backlog.filter(Exists(concluded_events.filter(case_id=OuterRef("pk")))), "responsible_org_id"
    )

    notices = Supervision.objects.filter(case__in=visible, issued_at__gte=start, issued_at__lt=end)
    counts["reminders"] = _count_by_unit(notices.filter(kind=SupervisionKind.REMIND), "target_org_id")
    counts["supervisions"] = _count_by_unit(notices.filter(kind=SupervisionKind.SUPERVISE), "target_org_id")

    unit_ids = {unit for values in counts.values() for unit in values}
    units = Organisation.objects.filter(pk__in=unit_ids).select_related("parent")
    for unit in units:
        figures = tally.setdefault(unit.pk, UnitFigures(unit=unit))
        for name, values in counts.items():
            setattr(figures, name, values.get(unit.pk, 0))
    return Assessment(period=period, units=sorted(tally.values(), key=lambda f: f.unit.path))


def ranked(assessment: Assessment, by: str) -> list[UnitFigures]:
    """Units ordered by one rate, best first; units without that rate ("—") last."""
    if by not in RATE_LABELS:
        by = "on_time"
    sign = 1 if by in LOWER_IS_BETTER else -1

    def key(figures: UnitFigures) -> tuple[int, float, str]:
        value = figures.rates[by]
        return (value is None, sign * (value or 0.0), figures.unit.path)

    return sorted(assessment.units, key=key)
