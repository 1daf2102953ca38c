"""One helper per event type; all go through `append_event`, which chains hashes.

Callers hold the case row lock (or have just created the case) inside the
action's transaction, so `seq` and `prev_hash` cannot race.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from xinfang.cases.models import Case, CaseEvent
from xinfang.core import clock
from xinfang.orgs.models import User

GENESIS_HASH = "0" * 64


class EventKind:
    REGISTERED = "registered"
    ATTACHMENT_ADDED = "attachment_added"
    IMPORTED = "imported"


KIND_LABELS = {
    EventKind.REGISTERED: "登记",
    EventKind.ATTACHMENT_ADDED: "添加附件",
    EventKind.IMPORTED: "历史台账导入",
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
    return CaseEvent.objects.create(
        case=case, seq=seq, kind=kind, actor=actor, at=at, data=data, prev_hash=prev_hash, hash=digest
    )


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
