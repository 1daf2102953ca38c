"""Risk signals (风险预警): extreme-intent words in a petition, and the case facts that call
for attention. Pure; no Django.

Signals describe a matter and where it stands, never a person: there is no score, only
flags with the words or facts that raised them, for a person to weigh.

Words come from data/risk_words.csv (category, its Chinese label, the word, and longer
phrases that contain the word without meaning it: 跳楼价, 进京证, 拥堵路段). A word that is
mostly harmless alone is listed only in the phrases that make it a threat: 聚集 as
聚集到, 聚集上访, 业主聚集 …, since 人口聚集 or 人群聚集的场所 say nothing of intent. A word is
not a threat when a negation governs it inside its clause: 不会去北京, 绝不会自杀,
没有堵路, 不想拉横幅. "Governs" is kept narrow on purpose, because petitions are full of
conditionals whose negation belongs to the government's side: in 如果再不解决就去北京 the
不 negates 解决, and the 就 that follows starts the petitioner's consequence, so the
threat stands. So a negation counts only when it stands at most a few characters before
the word (one, for a lone 不), with no consequence marker (就, 才, 便, 则, 那) between
them; and 不得不, 不排除, 不惜, 不怕, 要不, 不然, 大不了 are not negations at all. Clauses
end at sentence and clause punctuation and at 但/但是/可是, which turn the sense around.
"""

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from xinfang.analysis.backends.folding import fold_fast
from xinfang.analysis.interfaces import RiskSignal

LEXICON = Path(__file__).resolve().parent.parent / "data" / "risk_words.csv"

# Longest first, so 绝对不会 is taken whole rather than as 不会.
NEGATIONS = sorted(
    "不 不会 不要 不想 不打算 不准备 不再 不用 不能 不必 不愿 不愿意 不敢 不该 不应 绝不 决不 绝对不 "
    "从不 从未 从来不 没 没有 未 并未 并没有 无意 并非 不是 不存在 别 勿 拒绝".split(),
    key=len,
    reverse=True,
)
# Look like negations, mean the opposite (or nothing): 不得不去北京 is a threat.
# 不解决 and its kind negate what the petitioner demands, not the threat that follows.
NOT_NEGATIONS = (
    "不得不", "不排除", "不惜", "不怕", "要不", "不然", "不管", "不论", "不少", "不断", "不停", "不久",
    "大不了", "别人", "未来", "不解决", "不处理", "不答复", "不给",
)  # fmt: skip
CONSEQUENCE = frozenset("就才便则那")
# Characters allowed between a negation and the word it governs: a few after 不会 or 没有
# (不会再去北京), one after a lone 不/没/未 (不去北京, 没去上访), which is too common a
# character to trust further away (想不开多次想寻死).
NEGATION_REACH = 4
SHORT_NEGATION_REACH = 1
_CLAUSE_END = re.compile(r"[,.!?;:，。！？；：、…\n]|但是|可是|但")
_SPACE = re.compile(r"\s+")
EVIDENCE_CHARS = 60


@dataclass(frozen=True)
class Term:
    word: str
    category: str
    label: str
    exceptions: tuple[str, ...]


@cache
def lexicon(path: Path = LEXICON) -> tuple[Term, ...]:
    """The risk words, folded as texts are (so traditional or full-width entries still match)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(
            Term(
                word=_prepare(row["word"]),
                category=row["category"].strip(),
                label=row["label"].strip(),
                exceptions=tuple(_prepare(e) for e in (row["except"] or "").split("|") if e.strip()),
            )
            for row in csv.DictReader(handle)
            if row["word"].strip()
        )


def _prepare(text: str) -> str:
    # Folded, and without spaces: "去 北京" in a pasted text is still 去北京.
    return _SPACE.sub("", fold_fast(text))


def clauses(text: str) -> list[str]:
    return [clause for clause in _CLAUSE_END.split(_prepare(text)) if clause]


def _excepted(clause: str, start: int, term: Term) -> bool:
    """The match lies inside one of the word's harmless phrases (跳楼 in 跳楼价)."""
    for phrase in term.exceptions:
        offset = phrase.find(term.word)
        begin = start - offset
        if offset >= 0 and begin >= 0 and clause.startswith(phrase, begin):
            return True
    return False


def negated(clause: str, start: int) -> bool:
    """Whether a negation governs the word starting at `start` of the clause."""
    before = clause[:start]
    for distance in range(NEGATION_REACH + 1):
        end = len(before) - distance
        between = before[end:]
        if any(char in CONSEQUENCE for char in between):
            return False
        for cue in NEGATIONS:
            if len(cue) == 1 and distance > SHORT_NEGATION_REACH:
                continue
            if end >= len(cue) and before.endswith(cue, 0, end):
                cue_start = end - len(cue)
                return not _looks_like_negation_only(before, cue_start)
    return False


def _looks_like_negation_only(before: str, cue_start: int) -> bool:
    # The cue is part of 不得不, 不排除, 要不 ... (look a few characters either side).
    window = before[max(0, cue_start - 2) : cue_start + 4]
    return any(phrase in window for phrase in NOT_NEGATIONS)


@dataclass(frozen=True)
class WordHit:
    term: Term
    clause: str
    negated: bool


def word_hits(text: str, terms: Iterable[Term] | None = None) -> list[WordHit]:
    """Every lexicon word found in the text, clause by clause, with its negation."""
    terms = tuple(terms) if terms is not None else lexicon()
    hits = []
    for clause in clauses(text):
        for term in terms:
            start = clause.find(term.word)
            while start >= 0:
                if not _excepted(clause, start, term):
                    hits.append(WordHit(term, clause, negated(clause, start)))
                start = clause.find(term.word, start + 1)
    return hits


def _evidence(clause: str, word: str) -> str:
    start = clause.find(word)
    left = max(0, start - (EVIDENCE_CHARS - len(word)) // 2)
    piece = clause[left : left + EVIDENCE_CHARS]
    return (
        ("…" if left else "")
        + piece.replace(word, f"【{word}】", 1)
        + ("…" if left + EVIDENCE_CHARS < len(clause) else "")
    )


class LexiconRiskDetector:
    """Extreme-intent words from the lexicon, one signal per category, negation handled."""

    def signals(self, title: str, text: str) -> list[RiskSignal]:
        found: dict[str, list[WordHit]] = {}
        for hit in word_hits(title) + word_hits(text):
            if not hit.negated:
                found.setdefault(hit.term.category, []).append(hit)
        signals = []
        for category, hits in found.items():
            first = hits[0]
            evidence = f"“{_evidence(first.clause, first.term.word)}”"
            if len(hits) > 1:
                evidence += f"（共{len(hits)}处）"
            signals.append(RiskSignal(code=f"words.{category}", label=first.term.label, evidence=evidence))
        return signals


# ---------------------------------------------------------------- case facts


class DeadlineState:
    """What the deadline sweep says of the case's nearest running clock (期限预警)."""

    NONE = ""
    DUE_SOON = "due_soon"  # 即将到期
    OVERDUE = "overdue"  # 已超期


@dataclass(frozen=True)
class CaseFacts:
    """Facts of a case the caller already knows; each may raise one signal.

    `place` names where the matter happened (region and address) and is quoted in the
    evidence, so a signal reads as a statement about a matter in a place.
    """

    place: str = ""
    head_count: int = 0
    collective: bool = False  # 集体访: 5 or more people with a common request
    skip_level: bool = False  # 越级访
    earlier_cases: int = 0  # earlier cases on the same matter or by the same petitioner (重复信访)
    deadline: str = DeadlineState.NONE
    deadline_label: str = ""  # which clock, e.g. 办理期限
    deadline_due: date | None = None


def case_signals(facts: CaseFacts, word_signals: Sequence[RiskSignal] = ()) -> list[RiskSignal]:
    """The signals of a case: its facts first (they are certain), then the words found."""
    where = f"（{facts.place}）" if facts.place else ""
    signals = []
    if facts.collective or facts.head_count >= 5:
        people = f"{facts.head_count}人" if facts.head_count else "5人以上"
        signals.append(RiskSignal("case.collective", "集体访", f"{people}联名或集体反映同一事项{where}"))
    if facts.skip_level:
        signals.append(RiskSignal("case.skip_level", "越级访", f"越过有权处理的机关向上级反映{where}"))
    if facts.earlier_cases > 0:
        signals.append(
            RiskSignal(
                "case.repeat", "重复信访", f"同一事项或同一信访人此前已登记{facts.earlier_cases}件{where}"
            )
        )
    clock = facts.deadline_label or "办理期限"
    due = f"（{facts.deadline_due.isoformat()}）" if facts.deadline_due else ""
    if facts.deadline == DeadlineState.OVERDUE:
        signals.append(RiskSignal("case.overdue", "已超期", f"{clock}已过{due}"))
    elif facts.deadline == DeadlineState.DUE_SOON:
        signals.append(RiskSignal("case.due_soon", "即将到期", f"{clock}即将届满{due}"))
    return signals + list(word_signals)
