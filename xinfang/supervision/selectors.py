"""Reads for supervision: the board of clocks, notices, a unit's warnings; and the
permission-checked getters (`access_*`).

Everything that touches a case starts from `cases_visible_to`, so a neighbouring
township's clocks and an accusation against the user's own unit never show. Who may
act is decided here too (`can_supervise`, `can_answer`), so pages show only the
buttons the actions will accept.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from xinfang.cases.access import cases_visible_to
from xinfang.cases.states import FINISHED
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines import rules
from xinfang.deadlines.models import Deadline, DeadlineState, WarningLevel
from xinfang.orgs.models import Organisation, OrgKind, User
from xinfang.orgs.roles import Role
from xinfang.orgs.scoping import org_ids_in_scope, orgs_in_scope, scope_root
from xinfang.supervision.models import DeadlineAlert, Supervision
from xinfang.supervision.sweep import warning_horizon, work_clocks

# Who sends reminders and supervision notices; unit heads only to units below their office.
CAN_SUPERVISE = frozenset({Role.SUPERVISOR, Role.UNIT_HEAD})
# Who answers one in writing for the unit it is addressed to.
CAN_ANSWER = frozenset({Role.HANDLER, Role.UNIT_HEAD})


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.organisation_id is not None)


# --- who may ----------------------------------------------------------------------------------------


def may_target(user: User, target: Organisation) -> bool:
    """The target lies below the user's scope root: a county's supervisors chase the county's
    departments and townships, not the county government itself (the city does that)."""
    root = scope_root(user)
    return root is not None and target.pk != root.pk and target.path.startswith(root.path)


def can_supervise(user: User, target: Organisation) -> bool:
    """Supervisors anywhere in their scope; unit heads only of an office above the target."""
    if not _active(user) or user.role not in CAN_SUPERVISE or not may_target(user, target):
        return False
    return user.role == Role.SUPERVISOR or target.pk != user.organisation_id


def answering_units(user: User) -> list[int]:
    """The units a user answers for: their own, and for a petition bureau also the government
    it works for (复查 decisions are the county's, handled by its bureau)."""
    if not _active(user):
        return []
    assert user.organisation is not None
    units = [user.organisation.pk]
    if user.organisation.kind == OrgKind.PETITION_BUREAU and user.organisation.parent_id is not None:
        units.append(user.organisation.parent_id)
    return units


def can_answer(user: User, supervision: Supervision) -> bool:
    return user.role in CAN_ANSWER and supervision.target_org_id in answering_units(user)


def target_of(
    deadline: Deadline | None, case_responsible: Organisation | None, receiving: Organisation
) -> Organisation:
    """Whom a notice goes to: the unit answering for the clock, else for the case."""
    if deadline is not None and deadline.responsible_org is not None:
        return deadline.responsible_org
    return case_responsible or receiving


# --- levels as the board shows them -----------------------------------------------------------------


@dataclass(frozen=True)
class Horizon:
    today: date
    soon_until: date

    @classmethod
    def now(cls) -> "Horizon":
        today = timezone.localdate()
        return cls(today, warning_horizon(today))

    def level(self, due_on: date) -> str:
        """What the sweep sets for a running work clock due on `due_on` (read live, so a page
        never lags the five-minute sweep)."""
        if due_on < self.today:
            return WarningLevel.OVERDUE
        if due_on <= self.soon_until:
            return WarningLevel.DUE_SOON
        return WarningLevel.NORMAL


# --- the board ----------------------------------------------------------------------------------------


@dataclass
class BoardFilter:
    unit: Organisation | None = None
    level: str = ""  # "", or a WarningLevel value


def board_deadlines(user: User, filters: BoardFilter, horizon: Horizon) -> QuerySet[Deadline]:
    """Running work clocks of cases the user may see, answered for by a unit in the user's
    scope, worst first: most days overdue, then due soonest.

    Walks the (state, due_on) index in order, or a unit's (responsible_org, state, due_on)."""
    if not _active(user):
        return Deadline.objects.none()
    clocks = Deadline.objects.filter(work_clocks(), case__in=cases_visible_to(user))
    if filters.unit is not None:
        clocks = clocks.filter(responsible_org=filters.unit)
    else:
        clocks = clocks.filter(responsible_org_id__in=org_ids_in_scope(user))
    if filters.level == WarningLevel.OVERDUE:
        clocks = clocks.filter(due_on__lt=horizon.today)
    elif filters.level == WarningLevel.DUE_SOON:
        clocks = clocks.filter(due_on__gte=horizon.today, due_on__lte=horizon.soon_until)
    elif filters.level == WarningLevel.NORMAL:
        clocks = clocks.filter(due_on__gt=horizon.soon_until)
    return clocks.order_by("due_on", "id")


def with_board_relations(clocks: QuerySet[Deadline]) -> QuerySet[Deadline]:
    """What a board row shows: the case, the unit, and how many notices the clock has had."""
    sent = (
        Supervision.objects.filter(deadline=OuterRef("pk"))
        .order_by()
        .values("deadline")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        clocks.select_related("case", "responsible_org", "responsible_org__parent")
        .defer("case__facts", "case__request")
        .annotate(notices_sent=Coalesce(Subquery(sent, output_field=IntegerField()), 0))
    )


@dataclass(frozen=True)
class BoardRow:
    deadline: Deadline
    label: str
    article: str
    level: str
    days_left: int  # negative when overdue
    can_supervise: bool

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)


def board_rows(user: User, clocks: list[Deadline], horizon: Horizon) -> list[BoardRow]:
    rows = []
    for deadline in clocks:
        period = rules.BY_CODE.get(deadline.kind)
        unit = deadline.responsible_org
        rows.append(
            BoardRow(
                deadline=deadline,
                label=period.label if period else deadline.kind,
                article=period.article if period else "",
                level=horizon.level(deadline.due_on),
                days_left=(deadline.due_on - horizon.today).days,
                can_supervise=unit is not None and can_supervise(user, unit),
            )
        )
    return rows


def board_units(user: User) -> QuerySet[Organisation]:
    """Units the board can be filtered by: those in the user's scope."""
    return orgs_in_scope(user).order_by("path")


def access_board_deadline(user: User, deadline_id: int | str) -> Deadline:
    """A running clock of a case the user may see (a notice is sent about it)."""
    try:
        pk = int(deadline_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.CASE_NOT_FOUND) from None
    deadline = (
        Deadline.objects.filter(pk=pk, case__in=cases_visible_to(user))
        .select_related("case", "responsible_org", "responsible_org__parent")
        .first()
    )
    if deadline is None:
        raise XinfangError(ErrorCode.CASE_NOT_FOUND)
    return deadline


# --- notices --------------------------------------------------------------------------------------------


def supervisions_visible_to(user: User) -> QuerySet[Supervision]:
    if not _active(user):
        return Supervision.objects.none()
    return Supervision.objects.filter(case__in=cases_visible_to(user))


def access_supervision(user: User, supervision_id: int | str) -> Supervision:
    try:
        pk = int(supervision_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.SUPERVISION_NOT_FOUND) from None
    supervision = (
        supervisions_visible_to(user)
        .select_related(
            "case",
            "target_org__parent",
            "issuing_org__parent",
            "issued_by",
            "answered_by",
            "document",
            "deadline",
            "escalated_from",
        )
        .filter(pk=pk)
        .first()
    )
    if supervision is None:
        raise XinfangError(ErrorCode.SUPERVISION_NOT_FOUND)
    return supervision


def notices_to_unit(user: User) -> QuerySet[Supervision]:
    """Unanswered notices addressed to the user's unit(s) on open cases, the oldest due first.
    An escalated notice is answered on its successor, so only the newest of a chain shows."""
    return (
        supervisions_visible_to(user)
        .filter(target_org_id__in=answering_units(user), answered_at__isnull=True, escalation_of__isnull=True)
        .exclude(case__status__in=[str(status) for status in FINISHED])
        .select_related("case", "issuing_org__parent")
        .order_by("answer_due", "id")
    )


def notices_listed(user: User) -> QuerySet[Supervision]:
    """The notices page: every notice on a case the user may see, newest first."""
    return supervisions_visible_to(user).select_related(
        "case", "target_org__parent", "issuing_org__parent", "issued_by"
    )


def notices_of_case(user: User, case_id: int) -> QuerySet[Supervision]:
    return supervisions_visible_to(user).filter(case_id=case_id).select_related("target_org__parent")


# --- a unit's warnings (workbench) -------------------------------------------------------------------------


def unit_warnings(user: User, horizon: Horizon) -> QuerySet[Deadline]:
    """The user's unit's running work clocks that are due soon or overdue, worst first."""
    units = answering_units(user)
    if not units:
        return Deadline.objects.none()
    return (
        Deadline.objects.filter(
            work_clocks(),
            responsible_org_id__in=units,
            due_on__lte=horizon.soon_until,
            case__in=cases_visible_to(user),
        )
        .select_related("case")
        .order_by("due_on", "id")
    )


def open_alerts(user: User) -> QuerySet[DeadlineAlert]:
    """Alerts to the user's unit(s) nobody there has acknowledged, for clocks still at that level."""
    units = answering_units(user)
    if not units:
        return DeadlineAlert.objects.none()
    return DeadlineAlert.objects.filter(
        responsible_org_id__in=units,
        deadline__level=F("level"),
        acknowledged_at__isnull=True,
        deadline__state=DeadlineState.RUNNING,
        deadline__case__in=cases_visible_to(user),
    )


def access_alert(user: User, alert_id: int | str) -> DeadlineAlert:
    """An alert to the user's unit on a case they may see."""
    try:
        pk = int(alert_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.ALERT_NOT_FOUND) from None
    alert = (
        DeadlineAlert.objects.filter(
            pk=pk,
            responsible_org_id__in=answering_units(user),
            deadline__case__in=cases_visible_to(user),
        )
        .select_related("deadline")
        .first()
    )
    if alert is None:
        raise XinfangError(ErrorCode.ALERT_NOT_FOUND)
    return alert


@dataclass(frozen=True)
class WarningRow:
    deadline: Deadline
    label: str
    level: str
    days_left: int
    alert: DeadlineAlert | None  # unacknowledged: the row offers 「知悉」

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)


@dataclass(frozen=True)
class WorkbenchWarnings:
    """The workbench's 「期限预警」 panel for the user's unit(s)."""

    rows: list[WarningRow]
    overdue: int
    due_soon: int
    notices: list[Supervision]


def workbench_warnings(user: User, limit: int = 10) -> WorkbenchWarnings:
    horizon = Horizon.now()
    clocks = unit_warnings(user, horizon)
    shown = list(clocks[:limit])
    alerts = {
        alert.deadline_id: alert for alert in open_alerts(user).filter(deadline_id__in=[d.pk for d in shown])
    }
    rows = []
    for deadline in shown:
        period = rules.BY_CODE.get(deadline.kind)
        rows.append(
            WarningRow(
                deadline=deadline,
                label=period.label if period else deadline.kind,
                level=horizon.level(deadline.due_on),
                days_left=(deadline.due_on - horizon.today).days,
                alert=alerts.get(deadline.pk),
            )
        )
    return WorkbenchWarnings(
        rows=rows,
        overdue=clocks.filter(due_on__lt=horizon.today).count(),
        due_soon=clocks.filter(due_on__gte=horizon.today).count(),
        notices=list(notices_to_unit(user)[:limit]),
    )
