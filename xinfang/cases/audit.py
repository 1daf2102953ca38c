"""Verification of the hash-chained case history (`xinfang audit verify`).

Each case's events form a chain: event n stores the hash of event n-1 and
its own hash over its fields. Recomputing every hash finds an edited row; a
gap in `seq` or a wrong `prev_hash` finds a deleted or inserted one. Removing
a case's newest events leaves a shorter chain that is valid in itself, so each
case also keeps the length and hash of its newest link (`Case.history_length`,
`history_head`, written with every event); a chain that ends elsewhere, or a case
whose events are gone, is reported too.
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


def _heads() -> Iterator[tuple[int, int, str]]:
    """(case id, length, newest hash) of every case that records its head, in id order."""
    return (
        Case.objects.exclude(history_head="")
        .order_by("pk")
        .values_list("pk", "history_length", "history_head")
        .iterator(chunk_size=5000)
    )


class _HeadCheck:
    """Walks the recorded heads alongside the chains (both in case id order)."""

    def __init__(self) -> None:
        self._heads = _heads()
        self._next = next(self._heads, None)

    def chain_ended(self, case_id: int, length: int, last_hash: str) -> BrokenLink | None:
        missing = self._skip_to(case_id)
        if missing:
            return missing
        if self._next is not None and self._next[0] == case_id:
            _, recorded_length, recorded_head = self._next
            self._next = next(self._heads, None)
            if (recorded_length, recorded_head) != (length, last_hash):
                return BrokenLink(
                    case_id,
                    length,
                    f"记录在第 {length} 条结束，但应有 {recorded_length} 条（最新记录被删除）",
                )
        return None

    def _skip_to(self, case_id: int | None) -> BrokenLink | None:
        """A recorded head with no chain before `case_id` (None: the end) means its events are gone."""
        if self._next is not None and (case_id is None or self._next[0] < case_id):
            return BrokenLink(self._next[0], 1, f"应有 {self._next[1]} 条记录，实际一条也没有（记录被删除）")
        return None

    def finished(self) -> BrokenLink | None:
        return self._skip_to(None)


def verify_history() -> VerifyResult:
    cases = events = 0
    current_case: int | None = None
    expected_seq, prev_hash = 1, GENESIS_HASH
    heads = _HeadCheck()
    for event in _events():
        if event.case_id != current_case:
            if current_case is not None:
                cut = heads.chain_ended(current_case, expected_seq - 1, prev_hash)
                if cut:
                    return VerifyResult(cases, events, cut)
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
    if current_case is not None:
        cut = heads.chain_ended(current_case, expected_seq - 1, prev_hash)
        if cut:
            return VerifyResult(cases, events, cut)
    return VerifyResult(cases, events, heads.finished())
