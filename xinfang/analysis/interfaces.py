"""What each text-analysis capability offers, as small Protocols. Pure; no Django.

A deployment chooses the backend of each capability in settings (ANALYSIS_BACKENDS,
see registry.py), so a stronger model (an on-premise large language model behind an
OpenAI-compatible endpoint, say) can replace a built-in one without touching callers.
Everything here suggests; nothing changes a case until a person accepts it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Suggestion:
    """One ranked suggestion: `value` is what accepting it would set (a topic id, a category
    code, an organisation id), `label` what the registrar reads, `reason` why it was made."""

    value: str
    label: str
    confidence: float  # 0..1
    reason: str = ""


@dataclass(frozen=True)
class Message:
    """A petition text as the batch commands read it (id,user,title,time,text[,likes,dislikes])."""

    id: str
    title: str
    text: str
    user: str = ""
    time: str = ""
    likes: int = 0
    dislikes: int = 0


@dataclass(frozen=True)
class DuplicateGroup:
    ids: tuple[str, ...]
    score: float  # 0..1, how surely they state the same matter


@dataclass(frozen=True)
class RiskSignal:
    """A flag on a matter (never a score of a person): its code, a Chinese label and the evidence."""

    code: str
    label: str
    evidence: str


@dataclass(frozen=True)
class ReplyCheck:
    """What a 信访处理意见书 draft lacks, part by part, and whether it answers the request."""

    missing: tuple[str, ...]  # Chinese names of the missing parts
    unanswered_terms: tuple[str, ...]  # key terms of the request the draft never addresses
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unanswered_terms


class TopicSuggester(Protocol):
    """内容分类: ranked topics (first level at least) for a petition's text."""

    version: str

    def suggest(self, title: str, text: str, *, limit: int = 3) -> list[Suggestion]: ...


class KindSuggester(Protocol):
    """问题性质: suggestion / accusation / appeal, and whether a legal route exists (诉访分离)."""

    version: str

    def suggest(self, title: str, text: str, *, limit: int = 3) -> list[Suggestion]: ...


class DuplicateFinder(Protocol):
    """Groups of two or more messages that state the same matter."""

    def groups(self, messages: Sequence[Message]) -> list[DuplicateGroup]: ...


@dataclass(frozen=True)
class ReplyContext:
    """What a reply drafter may know of a case: its own text and classification, with ID numbers,
    phone numbers and its petitioners' names removed, and nothing of other cases (a draft is
    addressed to this petitioner)."""

    title: str
    facts: str  # the petitioner's account as registered
    request: str
    topic: str  # the topic's full name ("城乡建设 › 住房保障与房地产 › 物业服务")
    category: str  # cases.models.Category value: suggestion / accusation / appeal
    received: str  # "2026年12月1日"
    unit: str  # the handling unit's full name
    review_notice: str  # the statutory sentence on 复查 for this case (Art.35)


@dataclass(frozen=True)
class ReplyDraft:
    """A proposed 信访处理意见书, part by part (the keys of the reply form: request, facts_found,
    reasons, decision, legal_basis, review_notice). What only the handler can write is marked
    【待填写：…】, which the reply check lists until it is replaced."""

    parts: dict[str, str]
    version: str
    notes: tuple[str, ...] = ()


class ReplyDrafter(Protocol):
    """答复起草: a first draft for the handler to complete; it never issues anything."""

    version: str

    def draft(self, context: ReplyContext) -> ReplyDraft: ...


class SimilarCaseSearch(Protocol):
    """相似案件: earlier cases whose text reads like this one, as (case id, 0..1 score), best first.

    Ids only: the caller reads the cases through cases.access, so no backend can widen what a
    user sees. A case is findable as soon as its registration commits."""

    version: str

    def search(
        self, *, title: str, facts: str, request: str, place_address: str = "", accused: str = "", limit: int
    ) -> list[tuple[int, float]]: ...


@dataclass(frozen=True)
class PersonCandidate:
    """A recorded petitioner who may be the person being registered, with how sure and why."""

    petitioner_id: int
    score: float  # 0..1; an ID number 1.0, a phone 0.97, a name and address alike below
    reasons: tuple[str, ...]


class PersonMatcher(Protocol):
    """同一信访人: recorded petitioners who may be this person, best first.

    Petitioner ids only: the caller reads their cases through cases.access."""

    version: str

    def candidates(
        self, *, name: str, address: str = "", id_number: str = "", phones: Sequence[str] = ()
    ) -> list[PersonCandidate]: ...


class RiskDetector(Protocol):
    def signals(self, title: str, text: str) -> list[RiskSignal]: ...


class ReplyChecker(Protocol):
    def check(self, *, request: str, parts: dict[str, str]) -> ReplyCheck: ...


@dataclass(frozen=True)
class Hotspot:
    """热点: a cluster of recent messages about one matter in one place, ranked by heat, explained."""

    rank: int  # 1 the hottest
    place: str  # the place as its messages name it (A市A5区魅力之城小区); "" where none is named
    period: str  # first–last day of its recent messages: "2019-01-05至2019-01-20"
    heat: float
    ids: tuple[str, ...]  # its messages in the recent window, oldest first
    summary: str  # one Chinese sentence: place, period, count, persons, growth, key terms
    terms: tuple[str, ...] = ()
    count: int = 0  # messages in the recent window
    persons: int = 0  # their distinct writers
    likes: int = 0
    baseline: float | None = None  # messages per window before the recent one; None: no earlier data
    growth: float | None = None  # (count + 1) / (baseline + 1) - 1
    early_warning: bool = False
    warning_reason: str = ""
    representative_ids: tuple[str, ...] = ()


class HotspotFinder(Protocol):
    """热点发现: emerging clusters of similar messages by topic and place, hottest first.

    `now` is a time in the messages' own format ("" for the newest message's); the recent
    window is the `window_days` up to it, compared with the cluster's own earlier windows.
    `history_from` says from when the caller read every message (so quiet earlier windows count
    as quiet); without it the earliest message is taken for the start of the data."""

    def hotspots(
        self,
        messages: Sequence[Message],
        *,
        now: str = "",
        window_days: int = 30,
        top: int = 10,
        history_from: str = "",
    ) -> list[Hotspot]: ...
