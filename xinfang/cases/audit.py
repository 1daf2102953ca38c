"""Verification of the hash-chained case history (`xinfang audit verify`).

Each case's events form a chain: event n stores the hash of event n-1 and
its own hash over its fields. Recomputing every hash finds an edited row; a
gap in `seq` or a wrong `prev_hash` finds a deleted or inserted one. (Removing
a case's newest events leaves a shorter valid chain; the registration event
and the case's own record of its last event are left for the lifecycle work.)
"""

from collections.abc import Iterator
from dataclasses import dataclass

from xinfang.cases.events import GENESIS_HASH, event_hash
from xinfang.cases.models import Case, CaseEvent


@dataclass(frozen=True)
class BrokenLink:
    case_id: int
    seq: int
    reason: str

    def describe(self) -> str:
        number = Case.objects.filter(pk=self.case_id).values_list("number", flat=True).first() or "?"
        return f"信访件 {number}（id {self.case_id}）第 {self.seq} 条记录：{self.reason}"


@dataclass(frozen=True)
class VerifyResult:
    cases: int
    events: int
    first_broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def _events() -> Iterator[CaseEvent]:
    return CaseEvent.objects.order_by("case_id", "seq").iterator(chunk_size=5000)


def verify_history() -> VerifyResult:
    cases = events = 0
    current_case: int | None = None
    expected_seq, prev_hash = 1, GENESIS_HASH
    for event in _events():
        if event.case_id != current_case:
            current_case, expected_seq, prev_hash = event.case_id, 1, GENESIS_HASH
            cases += 1
        events += 1
        broken = None
        if event.seq != expected_seq:
            broken = f"序号应为 {expected_seq}，实为 {event.seq}（记录被删除或插入）"
        elif event.prev_hash != prev_hash:
            broken = "前一条记录的哈希不符（链条被改动）"
        elif (
            event_hash(prev_hash, event.case_id, event.seq, event.kind, event.actor_id, event.at, event.data)
            != event.hash
        ):
            broken = "记录内容与其哈希不符（记录被篡改）"
        if broken:
            return VerifyResult(cases, events, BrokenLink(event.case_id, event.seq, broken))
        expected_seq, prev_hash = expected_seq + 1, event.hash
    return VerifyResult(cases, events, None)
