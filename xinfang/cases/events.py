"""One helper per event type; all go through `append_event`, which chains hashes.

Callers hold the case row lock (or have just created the case) inside the
action's transaction, so `seq` and `prev_hash` cannot race.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from xinfang.cases import states
from xinfang.cases.models import Case, CaseEvent
from xinfang.core import clock
from xinfang.orgs.models import User

GENESIS_HASH = "0" * 64


class EventKind:
    REGISTERED = "registered"
    ATTACHMENT_ADDED = "attachment_added"
    IMPORTED = "imported"
    MERGED_IN = "merged_in"
    QUERY_CODE_ISSUED = "query_code_issued"
    ARCHIVE_BUILT = "archive_built"
    SUGGESTIONS_ACCEPTED = "suggestions_accepted"
    # documents (文书)
    DOCUMENT_ISSUED = "document_issued"
    # leader work (领导接访与包案)
    RECEPTION_LINKED = "reception_linked"
    LEADER_ASSIGNED = "leader_assigned"
    LEADER_STEP = "leader_step"
    SETTLED = "settled"
    # supervision (催办、督办)
    REMINDER_SENT = "reminder_sent"
    SUPERVISION_SENT = "supervision_sent"
    SUPERVISION_ESCALATED = "supervision_escalated"
    SUPERVISION_ANSWERED = "supervision_answered"


KIND_LABELS = {
    EventKind.REGISTERED: "登记",
    EventKind.ATTACHMENT_ADDED: "添加附件",
    EventKind.IMPORTED: "历史台账导入",
    EventKind.MERGED_IN: "并入重复事项",
    EventKind.QUERY_CODE_ISSUED: "发放查询码",
    EventKind.ARCHIVE_BUILT: "生成归档案卷",
    EventKind.SUGGESTIONS_ACCEPTED: "采用智能建议",
    EventKind.DOCUMENT_ISSUED: "出具文书",
    EventKind.RECEPTION_LINKED: "领导接待日登记",
    EventKind.LEADER_ASSIGNED: "领导包案",
    EventKind.LEADER_STEP: "包案工作记录",
    EventKind.SETTLED: "息访息诉",
    EventKind.REMINDER_SENT: "催办",
    EventKind.SUPERVISION_SENT: "督办",
    EventKind.SUPERVISION_ESCALATED: "升级督办",
    EventKind.SUPERVISION_ANSWERED: "督办回复",
    # Each lifecycle transition is recorded under its own code (转送, 受理, 延期 …).
    **{transition.code: transition.label for transition in states.TRANSITIONS},
}


def event_hash(
    prev_hash: str,
    case_id: int,
    seq: int,
    kind: str,
    actor_id: int | None,
    at: datetime,
    data: dict[str, Any],
) -> str:
    """The hash of one event, over its fields and the previous event's hash.

    The time is hashed in UTC, so it reads back the same from any database."""
    at_utc = at.astimezone(UTC).isoformat()
    payload = json.dumps(
        [prev_hash, case_id, seq, kind, actor_id, at_utc, data],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def append_event(case: Case, kind: str, actor: User | None, data: dict[str, Any]) -> CaseEvent:
    last = CaseEvent.objects.filter(case=case).order_by("-seq").only("seq", "hash").first()
    seq = last.seq + 1 if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    at = clock.now().replace(microsecond=0)
    digest = event_hash(prev_hash, case.pk, seq, kind, actor.pk if actor else None, at, data)
    event = CaseEvent.objects.create(
        case=case, seq=seq, kind=kind, actor=actor, at=at, data=data, prev_hash=prev_hash, hash=digest
    )
    Case.objects.filter(pk=case.pk).update(history_length=seq, history_head=digest)
    case.history_length, case.history_head = seq, digest
    return event


def record_registered(case: Case, actor: User) -> CaseEvent:
    return append_event(
        case,
        EventKind.REGISTERED,
        actor,
        {"number": case.number, "channel": case.channel, "receiving_org": case.receiving_org_id},
    )


def record_imported(case: Case, actor: User, source: str, row: int) -> CaseEvent:
    return append_event(
        case, EventKind.IMPORTED, actor, {"number": case.number, "source": source, "row": row}
    )


def record_attachment_added(case: Case, actor: User, attachment_id: int, name: str, sha256: str) -> CaseEvent:
    return append_event(
        case, EventKind.ATTACHMENT_ADDED, actor, {"attachment": attachment_id, "name": name, "sha256": sha256}
    )


def record_transition(
    case: Case, actor: User | None, code: str, from_status: str, data: dict[str, Any]
) -> CaseEvent:
    """A lifecycle step: the transition's code is the event's kind; `data` says what was decided."""
    return append_event(case, code, actor, {"from": from_status, "to": case.status, **data})


def record_document_issued(
    case: Case, actor: User, document_id: int, kind: str, number: str, sha256: str
) -> CaseEvent:
    return append_event(
        case,
        EventKind.DOCUMENT_ISSUED,
        actor,
        {"document": document_id, "kind": kind, "number": number, "sha256": sha256},
    )


# --- leader work (领导接访与包案) ---------------------------------------------
# The texts (plan, step, note) go into the hashed data, so an edited row in
# xinfang.leaders no longer matches the case's history.


def record_reception_linked(
    case: Case, actor: User, reception_day_id: int, held_on: str, leader_id: int, appointment_id: int | None
) -> CaseEvent:
    return append_event(
        case,
        EventKind.RECEPTION_LINKED,
        actor,
        {
            "reception_day": reception_day_id,
            "date": held_on,
            "leader": leader_id,
            "appointment": appointment_id,
        },
    )


def record_leader_assigned(
    case: Case, actor: User, leader_case_id: int, leader_id: int, target_date: str, plan: str
) -> CaseEvent:
    return append_event(
        case,
        EventKind.LEADER_ASSIGNED,
        actor,
        {"leader_case": leader_case_id, "leader": leader_id, "target_date": target_date, "plan": plan},
    )


def record_leader_step(
    case: Case, actor: User, leader_case_id: int, step_id: int, on: str, text: str
) -> CaseEvent:
    return append_event(
        case,
        EventKind.LEADER_STEP,
        actor,
        {"leader_case": leader_case_id, "step": step_id, "on": on, "text": text},
    )


def record_settled(case: Case, actor: User, leader_case_id: int, leader_id: int, note: str) -> CaseEvent:
    return append_event(
        case, EventKind.SETTLED, actor, {"leader_case": leader_case_id, "leader": leader_id, "note": note}
    )


def record_merged_in(case: Case, actor: User, duplicate: Case) -> CaseEvent:
    return append_event(
        case, EventKind.MERGED_IN, actor, {"duplicate": duplicate.pk, "duplicate_number": duplicate.number}
    )


def record_suggestions_accepted(case: Case, actor: User, accepted: list[dict[str, Any]]) -> CaseEvent:
    """Which suggestions a person accepted, each with the model version that made it."""
    return append_event(case, EventKind.SUGGESTIONS_ACCEPTED, actor, {"accepted": accepted})


def record_archive_built(case: Case, actor: User, sha256: str, size: int, files: int) -> CaseEvent:
    return append_event(
        case, EventKind.ARCHIVE_BUILT, actor, {"sha256": sha256, "size": size, "files": files}
    )


# --- supervision (催办、督办) ---------------------------------------------------
# The demand and the answer go into the hashed data, like the leader texts above.


def _supervision_data(
    supervision_id: int,
    target_org_id: int,
    deadline_id: int | None,
    answer_due: str,
    demand: str,
    document: str,
) -> dict[str, Any]:
    return {
        "supervision": supervision_id,
        "target_org": target_org_id,
        "deadline": deadline_id,
        "answer_due": answer_due,
        "demand": demand,
        "document": document,
    }


def record_reminder_sent(
    case: Case,
    actor: User,
    supervision_id: int,
    target_org_id: int,
    deadline_id: int | None,
    answer_due: str,
    demand: str,
    document: str,
) -> CaseEvent:
    data = _supervision_data(supervision_id, target_org_id, deadline_id, answer_due, demand, document)
    return append_event(case, EventKind.REMINDER_SENT, actor, data)


def record_supervision_sent(
    case: Case,
    actor: User,
    supervision_id: int,
    target_org_id: int,
    deadline_id: int | None,
    answer_due: str,
    demand: str,
    document: str,
) -> CaseEvent:
    data = _supervision_data(supervision_id, target_org_id, deadline_id, answer_due, demand, document)
    return append_event(case, EventKind.SUPERVISION_SENT, actor, data)


def record_supervision_escalated(
    case: Case,
    actor: User,
    supervision_id: int,
    escalated_from_id: int,
    escalation: str,
    target_org_id: int,
    deadline_id: int | None,
    answer_due: str,
    demand: str,
    document: str,
) -> CaseEvent:
    data = _supervision_data(supervision_id, target_org_id, deadline_id, answer_due, demand, document)
    return append_event(
        case,
        EventKind.SUPERVISION_ESCALATED,
        actor,
        {**data, "escalated_from": escalated_from_id, "escalation": escalation},
    )


def record_supervision_answered(case: Case, actor: User, supervision_id: int, answer: str) -> CaseEvent:
    return append_event(
        case, EventKind.SUPERVISION_ANSWERED, actor, {"supervision": supervision_id, "answer": answer}
    )


def record_query_code_issued(case: Case, actor: User) -> CaseEvent:
    return append_event(case, EventKind.QUERY_CODE_ISSUED, actor, {})
