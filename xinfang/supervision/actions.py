"""Reminders (催办), supervision notices (督办), their escalation and the unit's written answer
(条例 Art.40: a body that shirks, delays or falsifies is chased, then 约谈, 通报, 挂牌督办).

Every action locks the case row first, checks that the case is still open and that
the actor may act, then writes in one transaction: the notice, its document (催办单 /
督办单, numbered by the documents app) and the case's history event. A refused step
raises XinfangError and writes nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.cases import events
from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import Case
from xinfang.core import clock
from xinfang.core.clock import chinese_date
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.documents.actions import do_issue_document
from xinfang.documents.kinds import DocumentKind
from xinfang.documents.models import CaseDocument
from xinfang.orgs.models import Organisation, User
from xinfang.supervision.models import (
    DeadlineAlert,
    Escalation,
    Supervision,
    SupervisionKind,
    next_escalation,
)
from xinfang.supervision.selectors import CAN_ANSWER, CAN_SUPERVISE, can_answer, can_supervise, target_of

# The latest answer date a notice may set: a notice is about days and weeks, not seasons.
MAX_ANSWER_DAYS = 90


@dataclass
class NoticeInput:
    demand: str  # 催办事项 / 督办要求
    answer_due: date | None
    deadline: Deadline | None = None  # the clock the notice is about, if any
    problems: str = ""  # 存在问题 (督办单 only)


@dataclass
class EscalationInput:
    reason: str  # why: no answer by the date, or an answer that does not do
    demand: str
    answer_due: date | None


def _lock_open_case(case: Case, actor: User) -> Case:
    """The case row locked; refused if the actor cannot see it or it is finished."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not cases_visible_to(actor).filter(pk=locked.pk).exists():
        raise XinfangError(ErrorCode.CASE_NOT_FOUND)
    if not locked.is_open:
        raise XinfangError(ErrorCode.SUPERVISION_CASE_FINISHED, locked.status_label)
    return locked


def _check_supervisor(actor: User, target: Organisation) -> None:
    if actor.role not in CAN_SUPERVISE:
        raise XinfangError(ErrorCode.SUPERVISION_NOT_ALLOWED)
    if not can_supervise(actor, target):
        raise XinfangError(ErrorCode.SUPERVISION_TARGET_INVALID, target.full_name)


def check_notice_text(demand: str, answer_due: date | None) -> list[XinfangError]:
    """Every problem with what was typed, each tied to its form field."""
    problems = []
    if not demand.strip():
        problems.append(XinfangError(ErrorCode.SUPERVISION_DEMAND_REQUIRED, field="demand"))
    today = timezone.localdate()
    if answer_due is None or not today < answer_due <= today + timedelta(days=MAX_ANSWER_DAYS):
        problems.append(XinfangError(ErrorCode.SUPERVISION_ANSWER_DUE_INVALID, field="answer_due"))
    return problems


def _live_deadline_of(case: Case, deadline: Deadline | None) -> Deadline | None:
    if deadline is None:
        return None
    live = (
        Deadline.objects.filter(pk=deadline.pk, case=case)
        .exclude(state=DeadlineState.CLOSED)
        .select_related("responsible_org")
        .first()
    )
    if live is None:
        raise XinfangError(ErrorCode.SUPERVISION_DEADLINE_INVALID, field="deadline")
    return live


def _issue(
    *, actor: User, case: Case, kind: str, target: Organisation, demand: str, answer_due: date, problems: str
) -> CaseDocument:
    fields = {"demand": demand, "answer_by_date": answer_due.isoformat()}
    if kind == DocumentKind.SUPERVISION_NOTICE:
        fields["problems"] = problems
    try:
        return do_issue_document(
            actor=actor,
            case=case,
            kind=kind,
            fields=fields,
            issuing_org=actor.organisation,
            addressee=target.full_name,
        )
    except XinfangError as error:
        # The document names its date field answer_by_date; the forms call it answer_due.
        if error.field == "answer_by_date":
            error.field = "answer_due"
        raise


def _send(*, actor: User, case: Case, data: NoticeInput, kind: SupervisionKind) -> Supervision:
    with transaction.atomic():
        case = _lock_open_case(case, actor)
        deadline = _live_deadline_of(case, data.deadline)
        target = target_of(deadline, case.responsible_org, case.receiving_org)
        _check_supervisor(actor, target)
        problems = check_notice_text(data.demand, data.answer_due)
        if problems:
            raise problems[0]
        assert data.answer_due is not None and actor.organisation is not None
        demand = data.demand.strip()
        document_kind = (
            DocumentKind.REMINDER if kind == SupervisionKind.REMIND else DocumentKind.SUPERVISION_NOTICE
        )
        document = _issue(
            actor=actor,
            case=case,
            kind=document_kind,
            target=target,
            demand=demand,
            answer_due=data.answer_due,
            problems=data.problems.strip(),
        )
        supervision = Supervision.objects.create(
            case=case,
            kind=kind,
            target_org=target,
            deadline=deadline,
            issued_by=actor,
            issuing_org=actor.organisation,
            issued_at=clock.now(),
            demand=demand,
            answer_due=data.answer_due,
            document=document,
        )
        record = (
            events.record_reminder_sent if kind == SupervisionKind.REMIND else events.record_supervision_sent
        )
        record(
            case,
            actor,
            supervision.pk,
            target.pk,
            deadline.pk if deadline else None,
            data.answer_due.isoformat(),
            demand,
            document.number,
        )
    return supervision


def do_send_reminder(*, actor: User, case: Case, data: NoticeInput) -> Supervision:
    """催办: a 催办单 to the unit answering for the clock (or the case)."""
    return _send(actor=actor, case=case, data=data, kind=SupervisionKind.REMIND)


def do_send_supervision_notice(*, actor: User, case: Case, data: NoticeInput) -> Supervision:
    """督办: a 督办单 to the unit answering for the clock (or the case)."""
    return _send(actor=actor, case=case, data=data, kind=SupervisionKind.SUPERVISE)


def _locked_notice(supervision: Supervision) -> Supervision:
    return (
        # Only the notice row is locked: PostgreSQL cannot lock the nullable side of the outer joins.
        Supervision.objects.select_for_update(of=("self",))
        .select_related("target_org__parent", "document", "deadline")
        .get(pk=supervision.pk)
    )


def do_escalate(*, actor: User, supervision: Supervision, data: EscalationInput) -> Supervision:
    """The next step of 约谈 › 通报 › 挂牌督办 on a notice not answered by its date, or answered
    in a way that does not do: a new 督办单 linked to the one it escalates."""
    with transaction.atomic():
        case = _lock_open_case(supervision.case, actor)
        previous = _locked_notice(supervision)
        target = previous.target_org
        _check_supervisor(actor, target)
        if Supervision.objects.filter(escalated_from=previous).exists():
            raise XinfangError(ErrorCode.SUPERVISION_ALREADY_ESCALATED)
        step = next_escalation(previous.escalation)
        if step is None:
            raise XinfangError(ErrorCode.SUPERVISION_ESCALATION_AT_TOP)
        if not previous.is_answered and previous.answer_due >= timezone.localdate():
            raise XinfangError(
                ErrorCode.SUPERVISION_ESCALATION_TOO_EARLY, f"回复期限：{chinese_date(previous.answer_due)}"
            )
        problems = check_notice_text(data.demand, data.answer_due)
        if problems:
            raise problems[0]
        assert data.answer_due is not None and actor.organisation is not None
        demand = data.demand.strip()
        document = _issue(
            actor=actor,
            case=case,
            kind=DocumentKind.SUPERVISION_NOTICE,
            target=target,
            demand=f"{step.label}：{demand}",
            answer_due=data.answer_due,
            problems=_escalation_grounds(previous, data.reason.strip()),
        )
        try:
            with transaction.atomic():
                escalated = Supervision.objects.create(
                    case=case,
                    kind=SupervisionKind.SUPERVISE,
                    escalation=step,
                    target_org=target,
                    deadline=previous.deadline,
                    escalated_from=previous,
                    issued_by=actor,
                    issuing_org=actor.organisation,
                    issued_at=clock.now(),
                    demand=demand,
                    answer_due=data.answer_due,
                    document=document,
                )
        except IntegrityError:
            # Another supervisor escalated it a moment ago (both waited on the case lock).
            raise XinfangError(ErrorCode.SUPERVISION_ALREADY_ESCALATED) from None
        events.record_supervision_escalated(
            case,
            actor,
            escalated.pk,
            previous.pk,
            step,
            target.pk,
            previous.deadline_id,
            data.answer_due.isoformat(),
            demand,
            document.number,
        )
    return escalated


def _escalation_grounds(previous: Supervision, reason: str) -> str:
    """存在问题 of the escalating 督办单: which notice went unheeded, and why it is not enough."""
    state = "回复未达到要求" if previous.is_answered else "逾期未回复"
    grounds = (
        f"我单位于{chinese_date(timezone.localtime(previous.issued_at).date())}发出{previous.title}"
        f"（{previous.document.number}），要求于{chinese_date(previous.answer_due)}前书面回复，{state}。"
    )
    return f"{grounds}{reason}" if reason else grounds


def do_answer_supervision(*, actor: User, supervision: Supervision, answer: str) -> Supervision:
    """The unit's written answer (书面回复), by its handler or head; once per notice."""
    with transaction.atomic():
        case = _lock_open_case(supervision.case, actor)
        notice = _locked_notice(supervision)
        if actor.role not in CAN_ANSWER or not can_answer(actor, notice):
            raise XinfangError(ErrorCode.SUPERVISION_ANSWER_NOT_ALLOWED)
        if notice.is_answered:
            raise XinfangError(ErrorCode.SUPERVISION_ALREADY_ANSWERED)
        if Supervision.objects.filter(escalated_from=notice).exists():
            raise XinfangError(ErrorCode.SUPERVISION_ALREADY_ESCALATED)
        text = answer.strip()
        if not text:
            raise XinfangError(ErrorCode.SUPERVISION_ANSWER_REQUIRED, field="answer")
        notice.answer = text
        notice.answered_by = actor
        notice.answered_at = clock.now()
        notice.save(update_fields=["answer", "answered_by", "answered_at"])
        events.record_supervision_answered(case, actor, notice.pk, text)
    return notice


def do_acknowledge_alert(*, actor: User, alert: DeadlineAlert) -> DeadlineAlert:
    """Someone of the responsible unit has seen the warning (知悉); it leaves the workbench.
    The alert is not the case's history, so no case event: it records who and when itself.
    The caller obtained `alert` through selectors.access_alert (the actor's unit)."""
    # Only the first acknowledgement counts; a second click (or a colleague's) changes nothing.
    DeadlineAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=clock.now()
    )
    alert.refresh_from_db()
    return alert


def escalation_label(supervision: Supervision) -> str | None:
    """The step an escalation of `supervision` would take (what the form offers), if any."""
    step = next_escalation(supervision.escalation)
    return Escalation(step).label if step is not None else None
