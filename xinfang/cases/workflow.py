"""The only writer of Case.status: moves a case along the transition table (states.py).

An action locks the case (`lock_case`), validates its own input, and calls `apply`,
which checks state, role and acting body against the table, applies the
transition's deadline effects, saves the new status and writes one history event,
all in the action's transaction. A refused step raises XinfangError and, the
transaction rolling back, changes nothing.

Concurrency: the case row is locked for the whole action, so of two people acting
at once the second waits and then finds the case moved on. Forms also carry the
sequence number of the last event the user saw (`expected_seq`); if the case has
moved since, the step is refused with CASE_CHANGED rather than applied to a case
the user has not seen.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.cases import events, states
from xinfang.cases.models import Appeal, Case, CaseEvent
from xinfang.cases.signals import send_case_changed_on_commit
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines import clocks
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.scoping import scope_root


def today() -> date:
    return timezone.localdate()


def lock_case(case: Case, *, expected_seq: int | None = None) -> Case:
    """The case re-read under a row lock; CASE_CHANGED if someone acted since the user looked."""
    assert transaction.get_connection().in_atomic_block, "lock_case runs inside the action's transaction"
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_seq is not None and last_seq(locked) != expected_seq:
        raise XinfangError(ErrorCode.CASE_CHANGED)
    return locked


def last_seq(case: Case) -> int:
    last = CaseEvent.objects.filter(case=case).order_by("-seq").values_list("seq", flat=True).first()
    return last or 0


# -- who may act -------------------------------------------------------------------------


def acting_org(case: Case, transition: states.Transition) -> Organisation | None:
    """The body whose people perform this step (None: anyone who can see the case)."""
    if transition.body == states.RECEIVING:
        return case.receiving_org
    if transition.body == states.RESPONSIBLE:
        return case.responsible_org or case.receiving_org
    if transition.body == states.REVIEWING:
        appeal = open_appeal(case)
        return appeal.body if appeal else None
    return None


def _acts_for(actor: User, org: Organisation, *, reviewing: bool) -> bool:
    """A member of the body itself: neither a unit above it (a city may not act for a county's
    department) nor one inside it (a village may not act for its township). A review body (a
    government) also acts through its petition bureau, whose scope root it is."""
    own = actor.organisation
    if own is None:
        return False
    return own == org or (reviewing and scope_root(actor) == org)


def check_transition(case: Case, code: str, actor: User | None) -> list[XinfangError]:
    """Why `actor` may not perform `code` on `case` now: wrong state, role or body (empty if allowed).

    `actor` None is the petitioner acting through the citizens' portal."""
    transition = states.BY_CODE.get(code)
    if transition is None:
        return [XinfangError(ErrorCode.ACTION_UNKNOWN, code)]
    problems = []
    status = states.Status(case.status)
    if status not in transition.sources:
        problems.append(
            XinfangError(
                ErrorCode.WRONG_STATUS, f"当前环节：{states.LABELS[status]}；操作：{transition.label}"
            )
        )
    role = states.PETITIONER if actor is None else actor.role
    if role not in transition.roles:
        problems.append(XinfangError(ErrorCode.WRONG_ROLE, f"操作：{transition.label}"))
    elif actor is not None and transition.body != states.ANY_IN_SCOPE:
        org = acting_org(case, transition)
        reviewing = transition.body == states.REVIEWING
        if org is None or not _acts_for(actor, org, reviewing=reviewing):
            problems.append(
                XinfangError(ErrorCode.WRONG_BODY, f"应由{org.full_name if org else '上级机关'}办理")
            )
        elif reviewing and actor.organisation_id == case.responsible_org_id:
            # A bureau that handled a case itself does not review its own answer.
            problems.append(XinfangError(ErrorCode.WRONG_BODY, "原办理单位不能复查、复核本单位的处理意见"))
    if code == "report_assigned" and not problems and live_deadline(case, states.ASSIGNED_REPORT) is None:
        # Only a 交办 case reports to the office that assigned it; any other ends with a reply.
        problems.append(XinfangError(ErrorCode.NOT_ASSIGNED_CASE))
    if code in ("open_hearing", "close_hearing") and not problems:
        paused = Deadline.objects.filter(
            case=case, kind="rereview_decision", state=DeadlineState.PAUSED
        ).exists()
        if paused == (code == "open_hearing"):
            problems.append(XinfangError(ErrorCode.HEARING_STATE))
    return problems


def require_transition(case: Case, code: str, actor: User | None) -> None:
    """Raise the first reason `actor` may not perform `code` on `case` now."""
    problems = check_transition(case, code, actor)
    if problems:
        raise problems[0]


def allowed_transitions(case: Case, actor: User) -> list[states.Transition]:
    """The steps this user may take on this case now (what the case page offers)."""
    return [
        transition
        for transition in states.transitions_from(states.Status(case.status))
        if not check_transition(case, transition.code, actor)
    ]


# -- applying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extension:
    days: int
    reason: str


def apply(
    case: Case,
    code: str,
    *,
    actor: User | None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    report_due: date | None = None,
    extension: Extension | None = None,
) -> CaseEvent:
    """Move `case` (locked by `lock_case`) along `code`; `changes` are case fields the step sets."""
    require_transition(case, code, actor)
    transition = states.BY_CODE[code]
    on = today()
    from_status = case.status
    changes = changes or {}
    for name, value in changes.items():
        setattr(case, name, value)

    if transition.target in states.FINISHED:
        # A finished case has no clock left to run, whatever step finished it.
        clocks.close_all_deadlines(case.pk, on=on, by=code)
    elif transition.stops:
        clocks.close_deadlines(case.pk, transition.stops, on=on, by=code)
    for kind in transition.extends:
        assert extension is not None, f"{code} extends {kind}: pass the extension"
        for deadline in clocks.live_deadlines(case.pk, [kind]):
            clocks.extend_deadline(deadline, days=extension.days, reason=extension.reason)
    for kind in transition.pauses:
        for deadline in clocks.live_deadlines(case.pk, [kind]):
            clocks.pause_deadline(deadline, on=on)
    for kind in transition.resumes:
        for deadline in clocks.live_deadlines(case.pk, [kind]):
            clocks.resume_deadline(deadline, on=on)
    for kind in transition.starts:
        clocks.open_deadline(
            case.pk,
            kind,
            started_on=on,
            responsible_org=_responsible_for(case, kind),
            due_on=report_due if kind == states.ASSIGNED_REPORT else None,
        )

    case.status = transition.target
    case.save(update_fields=["status", "updated_at", *changes])
    send_case_changed_on_commit(case.pk, code, actor.pk if actor else None)
    return events.record_transition(case, actor, code, from_status, data or {})


def _responsible_for(case: Case, kind: str) -> Organisation | None:
    """Who answers for a clock: the deciding body for review decisions, else the handling unit."""
    if kind == "route":
        return case.receiving_org
    if kind in ("review_decision", "rereview_decision"):
        appeal = open_appeal(case)
        return appeal.body if appeal else None
    return case.responsible_org or case.receiving_org


def open_appeal(case: Case) -> Appeal | None:
    """The undecided review or re-review of the case, if any."""
    return case.appeals.filter(decided_on__isnull=True).select_related("body").order_by("-id").first()


def start_route_clock(case: Case) -> Deadline:
    """Registration starts the first clock: a petition bureau routes within 15 日 (Art.22); any
    other office that receives a petition tells the petitioner within 15 日 whether it accepts (Art.23)."""
    from xinfang.orgs.models import OrgKind

    code = "route" if case.receiving_org.kind == OrgKind.PETITION_BUREAU else "acceptance_notice"
    return clocks.open_deadline(
        case.pk,
        code,
        started_on=timezone.localtime(case.received_at).date(),
        responsible_org=case.receiving_org,
    )


def begin(case: Case, code: str, *, actor: User | None, expected_seq: int | None) -> Case:
    """Lock the case and check the step before the action validates its own input, so a
    wrong state or role is reported as such rather than as a missing field."""
    locked = lock_case(case, expected_seq=expected_seq)
    require_transition(locked, code, actor)
    return locked


def live_deadline(case: Case, kind: str) -> Deadline | None:
    return Deadline.objects.filter(case=case, kind=kind).exclude(state=DeadlineState.CLOSED).first()
