"""Reads of the screening ledger for a user, and the permission-checked getters (`access_*`).

A risk is visible when its reporting organisation, its responsible unit or its place lies
in the user's scope (orgs.scoping: the user's subtree; a petition bureau's jurisdiction),
so a grid worker's report reaches the township and county above it and a neighbouring
township never sees it. A missing and a hidden risk get the same answer, so ids cannot be
probed. A round is visible to the organisations in its area (its subtree, who report into
it) and to those above it. The system's own signals come from cases through
`cases_visible_to` only.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When

from xinfang.cases.access import cases_visible_to
from xinfang.cases.selectors import LedgerFilter, ledger_cases
from xinfang.core import clock
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines.models import WarningLevel
from xinfang.orgs.models import Organisation, OrgKind, User
from xinfang.orgs.roles import Role
from xinfang.orgs.scoping import higher_body, orgs_in_scope, scope_root
from xinfang.screening.models import (
    LEVEL_RANK,
    RiskLevel,
    RiskStatus,
    RoundStatus,
    ScreeningRisk,
    ScreeningRound,
)
from xinfang.supervision.selectors import BoardFilter, Horizon, board_deadlines

# Who reports risks: every staff role that works cases (grid workers and information
# officers have accounts of their township or village, as registrars or handlers).
CAN_REPORT_RISK = frozenset({Role.REGISTRAR, Role.HANDLER, Role.UNIT_HEAD, Role.SUPERVISOR, Role.LEADER})
# Who organises a round (and ends it): the heads of the organisation and its supervisors.
CAN_RUN_ROUND = frozenset({Role.UNIT_HEAD, Role.SUPERVISOR, Role.LEADER})
# Who closes a risk (销号) for the responsible unit or for the organisation that ran the round.
CAN_CLOSE_RISK = frozenset({Role.HANDLER, Role.UNIT_HEAD, Role.SUPERVISOR, Role.LEADER})
# How far ahead "due soon" looks, in calendar days.
DUE_SOON_DAYS = 7
# The system signals count cases received in the last 30 days.
SIGNAL_DAYS = 30


def today() -> date:
    """Today in Asia/Shanghai: a deadline is kept until the end of its day."""
    return clock.local_now().date()


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.organisation_id is not None)


def in_scope(user: User, organisation: Organisation | None) -> bool:
    root = scope_root(user)
    return root is not None and organisation is not None and organisation.path.startswith(root.path)


def acting_units(user: User) -> list[int]:
    """The units a user acts for: their own, and for a petition bureau also the government it
    works for (the county's screening is run by its bureau)."""
    if not _active(user):
        return []
    assert user.organisation is not None
    units = [user.organisation.pk]
    if user.organisation.kind == OrgKind.PETITION_BUREAU and user.organisation.parent_id is not None:
        units.append(user.organisation.parent_id)
    return units


# --- who may (pages use these to show or hide buttons; actions enforce them) ----------------------


def can_report_risk(user: User) -> bool:
    return _active(user) and user.role in CAN_REPORT_RISK


def can_run_round(user: User, organisation: Organisation | None = None) -> bool:
    if not _active(user) or user.role not in CAN_RUN_ROUND:
        return False
    return organisation is None or in_scope(user, organisation)


def can_close_risk(user: User, risk: ScreeningRisk) -> bool:
    """The responsible unit, or the organisation that ran the risk's round, by its staff who act."""
    if not _active(user) or user.role not in CAN_CLOSE_RISK:
        return False
    units = acting_units(user)
    if risk.responsible_org_id in units:
        return True
    return risk.round is not None and risk.round.organisation_id in units


# --- what a report may name ----------------------------------------------------------------------


def place_choices(user: User) -> QuerySet[Organisation]:
    """Territorial units in the user's scope: where a risk may be said to be."""
    from xinfang.orgs.models import TERRITORIAL_KINDS

    return orgs_in_scope(user).filter(kind__in=TERRITORIAL_KINDS)


def responsible_choices(user: User) -> QuerySet[Organisation]:
    """Units a risk may be given to: those of the user's own level and of the level above (a
    village's grid worker names its township, a township the county's departments)."""
    root = scope_root(user)
    if root is None:
        return Organisation.objects.none()
    area = higher_body(root) or root
    return Organisation.objects.filter(path__startswith=area.path)


# --- rounds --------------------------------------------------------------------------------------


def rounds_visible_to(user: User) -> QuerySet[ScreeningRound]:
    """Rounds run in the user's scope, and those run above it (which the user reports into)."""
    root = scope_root(user)
    if not _active(user) or root is None:
        return ScreeningRound.objects.none()
    return ScreeningRound.objects.filter(
        Q(organisation__in=orgs_in_scope(user)) | Q(organisation_id__in=root.ancestor_ids())
    )


def access_round(user: User, round_id: int | str) -> ScreeningRound:
    try:
        pk = int(round_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.SCREENING_ROUND_NOT_FOUND) from None
    found = rounds_visible_to(user).select_related("organisation__parent").filter(pk=pk).first()
    if found is None:
        raise XinfangError(ErrorCode.SCREENING_ROUND_NOT_FOUND)
    return found


def open_rounds_for(user: User) -> QuerySet[ScreeningRound]:
    """Rounds a report may be filed under: visible and still open, newest first."""
    return (
        rounds_visible_to(user)
        .filter(status=RoundStatus.OPEN)
        .select_related("organisation__parent")
        .order_by("-period_start", "id")
    )


def round_list(user: User) -> QuerySet[ScreeningRound]:
    """Rounds with the number of risks the user may see in each (a count must not reveal
    risks of a neighbouring township reported into a county round)."""
    visible = risks_visible_to(user)
    return (
        rounds_visible_to(user)
        .select_related("organisation__parent", "created_by")
        .annotate(
            risk_count=Count("risks", filter=Q(risks__in=visible), distinct=True),
            open_count=Count(
                "risks", filter=Q(risks__in=visible, risks__status=RiskStatus.OPEN), distinct=True
            ),
        )
        .order_by("-period_start", "organisation__path", "id")
    )


# --- risks ---------------------------------------------------------------------------------------


def risks_visible_to(user: User) -> QuerySet[ScreeningRisk]:
    if not _active(user):
        return ScreeningRisk.objects.none()
    scope = orgs_in_scope(user).values("id")
    return ScreeningRisk.objects.filter(
        Q(reporting_org_id__in=scope) | Q(responsible_org_id__in=scope) | Q(place_region_id__in=scope)
    )


def access_risk(user: User, risk_id: int | str) -> ScreeningRisk:
    """The risk, or SCREENING_RISK_NOT_FOUND: missing and hidden look the same."""
    try:
        pk = int(risk_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.SCREENING_RISK_NOT_FOUND) from None
    risk = (
        risks_visible_to(user)
        .select_related(
            "round__organisation__parent",
            "reporting_org__parent",
            "reporter",
            "place_region",
            "responsible_org__parent",
            "closed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if risk is None:
        raise XinfangError(ErrorCode.SCREENING_RISK_NOT_FOUND)
    return risk


def visible_related_case(user: User, risk: ScreeningRisk) -> bool:
    """Whether the page may link the risk's case: only if the viewer may see that case too."""
    return (
        risk.related_case_id is not None and cases_visible_to(user).filter(pk=risk.related_case_id).exists()
    )


@dataclass
class RiskFilter:
    status: str = ""  # "", or a RiskStatus value
    level: str = ""  # "", or a RiskLevel value
    overdue: bool = False
    due_soon: bool = False
    round_id: int | None = None


# Board order: open past the deadline, then open, then closed.
OVERDUE, OPEN, CLOSED = 0, 1, 2


def ledger_risks(user: User, filters: RiskFilter, on: date | None = None) -> QuerySet[ScreeningRisk]:
    """The ledger worst first: overdue, then open, then closed; within each the higher level,
    then the nearer deadline. Overdue is computed on read (open and deadline before today)."""
    day = on or today()
    risks = risks_visible_to(user)
    if filters.status:
        risks = risks.filter(status=filters.status)
    if filters.level:
        risks = risks.filter(level=filters.level)
    if filters.overdue:
        risks = risks.filter(status=RiskStatus.OPEN, deadline__lt=day)
    if filters.due_soon:
        risks = risks.filter(
            status=RiskStatus.OPEN, deadline__gte=day, deadline__lte=day + timedelta(days=DUE_SOON_DAYS)
        )
    if filters.round_id:
        risks = risks.filter(round_id=filters.round_id)
    return risks.annotate(
        urgency=SqlCase(
            When(status=RiskStatus.OPEN, deadline__lt=day, then=Value(OVERDUE)),
            When(status=RiskStatus.OPEN, then=Value(OPEN)),
            default=Value(CLOSED),
            output_field=IntegerField(),
        ),
        level_rank=SqlCase(
            *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
            output_field=IntegerField(),
        ),
    ).order_by("urgency", "level_rank", "deadline", "id")


def with_row_relations(risks: QuerySet[ScreeningRisk]) -> QuerySet[ScreeningRisk]:
    return risks.select_related(
        "round", "reporting_org__parent", "reporter", "place_region", "responsible_org__parent"
    )


def overdue_risks(user: User, on: date | None = None) -> QuerySet[ScreeningRisk]:
    return ledger_risks(user, RiskFilter(overdue=True), on)


def due_soon_risks(user: User, on: date | None = None) -> QuerySet[ScreeningRisk]:
    return ledger_risks(user, RiskFilter(due_soon=True), on)


@dataclass(frozen=True)
class BoardCounts:
    open_high: int
    open_medium: int
    open_low: int
    overdue: int
    due_soon: int
    closed: int

    @property
    def open_total(self) -> int:
        return self.open_high + self.open_medium + self.open_low


def board_counts(user: User, on: date | None = None) -> BoardCounts:
    """Counts of the risks the user may see, per level (open ones) and per status."""
    day = on or today()
    is_open = Q(status=RiskStatus.OPEN)
    figures = risks_visible_to(user).aggregate(
        open_high=Count("id", filter=is_open & Q(level=RiskLevel.HIGH)),
        open_medium=Count("id", filter=is_open & Q(level=RiskLevel.MEDIUM)),
        open_low=Count("id", filter=is_open & Q(level=RiskLevel.LOW)),
        overdue=Count("id", filter=is_open & Q(deadline__lt=day)),
        due_soon=Count(
            "id", filter=is_open & Q(deadline__gte=day, deadline__lte=day + timedelta(days=DUE_SOON_DAYS))
        ),
        closed=Count("id", filter=Q(status=RiskStatus.CLOSED)),
    )
    return BoardCounts(**figures)


# --- the system's own signals, beside the ledger ------------------------------------------------


@dataclass(frozen=True)
class SystemSignals:
    """Read-only counts from the cases the user may see; each links to the page that lists them."""

    since: date
    collective: int  # 集体访 received since `since`
    repeat: int  # 重复信访 received since `since`
    overdue_deadlines: int  # running work clocks past their due date (the supervision board's list)

    @property
    def collective_query(self) -> str:
        return f"collective=true&date_from={self.since.isoformat()}"

    @property
    def repeat_query(self) -> str:
        return f"repeat=true&date_from={self.since.isoformat()}"

    @property
    def overdue_query(self) -> str:
        return f"level={WarningLevel.OVERDUE}"


def system_signals(user: User, on: date | None = None) -> SystemSignals:
    """The same queries the linked pages run (the case ledger, the supervision board), so a
    count and the list behind its link agree."""
    since = (on or today()) - timedelta(days=SIGNAL_DAYS)
    return SystemSignals(
        since=since,
        collective=ledger_cases(user, LedgerFilter(date_from=since, collective=True)).count(),
        repeat=ledger_cases(user, LedgerFilter(date_from=since, repeat=True)).count(),
        overdue_deadlines=board_deadlines(
            user, BoardFilter(level=WarningLevel.OVERDUE), Horizon.now()
        ).count(),
    )
