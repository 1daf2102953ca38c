"""Topic suggestions from keywords: the bootstrap before any model is trained, and the step
from a first-level class down to a third-level topic. Pure; no Django.

Keywords come from two files:
- the topic tree (xinfang/cases/data/topics.csv, 一级 › 二级 › 三级): each third-level
  topic's own name and the words of its second- and third-level names (物业服务 →
  物业服务, 物业, 服务); words found under three or more first-level classes (管理, 服务)
  say nothing and are dropped;
- data/topic_cues.csv: hand-picked words per first-level class (工资, 欠薪 → 劳动和社会保障).

A keyword counts once if it occurs in the folded text. Its weight is 1 / (number of
first-level classes it belongs to), so a word shared by two classes counts half for each.
The result explains itself: the words found are the reason.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from xinfang.analysis.text import DATA_DIR, fold, segmenter

TOPICS_CSV = Path(__file__).resolve().parent.parent / "cases" / "data" / "topics.csv"
CUES_CSV = DATA_DIR / "topic_cues.csv"
# The separator of Topic.full_name (cases.topics).
SEPARATOR = " › "
# Words of topic names that occur in petitions of every kind, so they point nowhere.
_EMPTY_WORDS = frozenset(
    "其他 其它 问题 管理 有关 相关 工作 综合 时间 城区 城市 处理 办理 设施 居民 生产 人员 标准 调整 "
    "发放 政策 行业 监管 建设 服务".split()
)
# A word in the leaves of this many first-level classes is too common to mean anything.
_TOO_COMMON = 3


@dataclass(frozen=True)
class RuleMatch:
    value: str  # Topic.full_name: a first-level name, or "一级 › 二级 › 三级"
    score: float
    words: tuple[str, ...]


@dataclass
class TopicRules:
    # first-level name -> keyword -> weight
    classes: dict[str, dict[str, float]] = field(default_factory=dict)
    # first-level name -> leaf full name -> its keywords (specific to the leaf's class)
    leaves: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    # first-level name -> keyword -> how many of the class's leaves have it
    owners: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, str, str]], cues: Iterable[tuple[str, Iterable[str]]]
    ) -> "TopicRules":
        words_of_leaf: dict[str, set[str]] = {}
        class_of_leaf: dict[str, str] = {}
        for first, second, third in rows:
            full_name = SEPARATOR.join((first, second, third))
            words: set[str] = set()
            for name in (second, third):
                name = fold(name)
                if name not in _EMPTY_WORDS:
                    words.add(name.replace("、", ""))
                    words.update(word for word in segmenter().cut(name, places=False) if len(word) >= 2)
            words_of_leaf[full_name] = {word for word in words if word not in _EMPTY_WORDS}
            class_of_leaf[full_name] = first
        classes_of_word: dict[str, set[str]] = defaultdict(set)
        for full_name, leaf_words in words_of_leaf.items():
            for word in leaf_words:
                classes_of_word[word].add(class_of_leaf[full_name])
        cue_classes: dict[str, set[str]] = defaultdict(set)
        cue_list = [(first, [fold(word) for word in words]) for first, words in cues]
        for first, cue_words in cue_list:
            for word in cue_words:
                cue_classes[word].add(first)
        rules = cls()
        for full_name, leaf_words in words_of_leaf.items():
            first = class_of_leaf[full_name]
            kept = frozenset(word for word in leaf_words if len(classes_of_word[word]) < _TOO_COMMON)
            rules.leaves.setdefault(first, {})[full_name] = kept
            for word in kept:
                owners = classes_of_word[word] | cue_classes.get(word, set())
                rules.classes.setdefault(first, {})[word] = 1 / len(owners)
        for first, cue_words in cue_list:
            for word in cue_words:
                owners = classes_of_word.get(word, set()) | cue_classes[word]
                rules.classes.setdefault(first, {})[word] = 1 / len(owners)
        for first, leaves in rules.leaves.items():
            counts = rules.owners.setdefault(first, defaultdict(int))
            for kept_words in leaves.values():
                for word in kept_words:
                    counts[word] += 1
        return rules

    def rank(self, title: str, text: str) -> list[RuleMatch]:
        """First-level classes whose keywords occur, best first (ties by name)."""
        return self.rank_folded(fold(f"{title}\n{text}"))

    def rank_folded(self, folded: str) -> list[RuleMatch]:
        matches = []
        for first, keywords in self.classes.items():
            found = sorted((word for word in keywords if word in folded), key=lambda w: (-keywords[w], w))
            if found:
                matches.append(RuleMatch(first, sum(keywords[word] for word in found), tuple(found)))
        matches.sort(key=lambda match: (-match.score, match.value))
        return matches

    def leaf(self, first: str, title: str, text: str) -> RuleMatch | None:
        """The third-level topic of `first` whose name words occur most, if any does.

        A leaf needs a word that is its own (not shared with another leaf of the class),
        or its whole name, so 物业 alone does not pick between 物业服务 and 小区管理."""
        return self.leaf_folded(first, fold(f"{title}\n{text}"))

    def leaf_folded(self, first: str, folded: str) -> RuleMatch | None:
        owners = self.owners.get(first, {})
        best: RuleMatch | None = None
        for full_name, words in sorted(self.leaves.get(first, {}).items()):
            found = tuple(sorted((word for word in words if word in folded), key=lambda w: (-len(w), w)))
            if not found:
                continue
            whole = fold(full_name.rsplit(SEPARATOR, 1)[-1]) in folded
            if not (whole or any(owners[word] == 1 for word in found)):
                continue
            score = sum(1 / owners[word] for word in found) + (1.0 if whole else 0.0)
            if best is None or score > best.score:
                best = RuleMatch(full_name, score, found)
        return best


def read_taxonomy(path: Path = TOPICS_CSV) -> list[tuple[str, str, str]]:
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) >= 3 and row[0] != "一级分类" and all(part.strip() for part in row[:3]):
                first, second, third = (part.strip() for part in row[:3])
                rows.append((first, second, third))
    return rows


def read_cues(path: Path = CUES_CSV) -> list[tuple[str, list[str]]]:
    cues = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) >= 2 and row[0] != "一级分类":
                cues.append((row[0].strip(), row[1].split()))
    return cues


@cache
def default_rules() -> TopicRules:
    return TopicRules.from_rows(read_taxonomy(), read_cues())
