"""Labelled same-matter pairs for the duplicate benchmark, built from ../shared/data at run time.

    .venv/bin/python bench/duplicate_pairs.py [--data ../shared/data] [--seed 1] [--show unsure]

Nothing is written into the repository: the pool and its labels are rebuilt in memory
on every run (bench/duplicates.py imports build()), deterministically for a seed. With
no --show it prints the counts as one JSON object; `--show unsure|positive|negative`
prints the real pairs of that kind with their titles and texts, for reading by hand.

The pool is every message of messages_unlabeled, messages_with_replies and
messages_dev_labeled (ids prefixed u/r/d; a message present in two files under the same
id with the same title and text is kept once), plus synthetic reposts of real messages.

Labels (full description in docs/benchmarks.md, "Smart intake: duplicates"):

- Real pairs are drawn from four universes that hold the likely duplicates and the hard
  non-duplicates: the same user; titles alike (rapidfuzz ratio ≥ 70); the same specific
  place in the title (a place name found in 2–30 titles); the same topic word in the
  title. Each is labelled by edit-distance rules on the texts (rapidfuzz, not the
  detector's shingles): same matter when the texts are copies (ratio ≥ 85, or the shorter
  one, of 60+ characters, found in the longer with partial_ratio ≥ 90); different
  matters when ratio < 35, partial_ratio < 50 and the titles differ (ratio < 60); pairs
  in between were read by hand and their verdicts are REVIEWED below; pairs in between
  not reviewed are left out (counted in the output).
- Synthetic reposts: SYNTHETIC_SOURCES real messages, each given one to three variants
  (punctuation and full-width, traditional characters, a sentence inserted or deleted,
  truncation, a co-signer's name and greeting, a changed title, typos, or several of
  these). A variant states the same matter as its source and as the source's same-matter
  partners, and not as the source's different-matter partners.
- Random pairs of different messages (rule-checked as different matters).
"""

import argparse
import csv
import json
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from opencc import OpenCC
from rapidfuzz import fuzz

from xinfang.analysis.backends.duplicates import canonical
from xinfang.analysis.interfaces import Message

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
FILES = (
    ("u", "messages_unlabeled.csv"),
    ("r", "messages_with_replies.csv"),
    ("d", "messages_dev_labeled.csv"),
)
SYNTHETIC_SOURCES = 600
RANDOM_NEGATIVES = 3000
MAX_PAIRS_PER_UNIVERSE = 4000

# SAME: one matter in shared wording, what the finder must group; REWRITTEN: one matter in
# different words (measured apart: wording is all the finder compares); DIFFERENT: two matters.
SAME, REWRITTEN, DIFFERENT, UNSURE = "same", "rewritten", "different", "unsure"
VERDICTS = {"R": SAME, "W": REWRITTEN, "D": DIFFERENT}

# Real pairs read by hand (all 189 that the rules left unsure, plus overruled rule labels).
# R: the same matter in shared wording (a repost, an edited copy, a co-signed letter);
# W: the same matter in the writer's own words (a follow-up, a neighbour's letter);
# D: different matters; ?: cannot tell (left out). Keys are sorted id pairs.
REVIEWED: dict[tuple[str, str], str] = {
    ("d1018", "d160141"): "D",
    ("d104720", "u102271"): "D",
    ("d167053", "d167074"): "W",
    ("d185198", "u122412"): "W",
    ("d42766", "r93271"): "D",
    ("d457", "r47633"): "D",
    ("d52270", "r37390"): "D",
    ("d52270", "r45959"): "D",
    ("d82017", "d86259"): "D",
    ("r103744", "r35717"): "D",
    ("r104076", "r88222"): "D",
    ("r104076", "r92194"): "D",
    ("r104077", "r119151"): "W",
    ("r104077", "r98095"): "W",
    ("r104080", "r98520"): "D",
    ("r105569", "r105661"): "D",
    ("r105661", "r119739"): "D",
    ("r10792", "u10788"): "R",
    ("r107933", "r108077"): "D",
    ("r107940", "r119790"): "D",
    ("r107978", "r107987"): "?",
    ("r108043", "r114593"): "D",
    ("r108139", "r120872"): "D",
    ("r110416", "r110467"): "R",
    ("r110441", "r110461"): "D",
    ("r112186", "r118583"): "W",
    ("r113246", "r114593"): "D",
    ("r114511", "u129781"): "D",
    ("r114512", "r118365"): "R",
    ("r114615", "r114626"): "W",
    ("r116231", "u327372"): "?",
    ("r116948", "r47790"): "D",
    ("r117012", "r117042"): "D",
    ("r119151", "r119178"): "W",
    ("r119151", "r98070"): "W",
    ("r119151", "r98413"): "W",
    ("r119178", "r98095"): "W",
    ("r119197", "r47623"): "D",
    ("r11996", "r12724"): "R",
    ("r11996", "r17053"): "W",
    ("r120428", "r124185"): "R",
    ("r120872", "r133321"): "D",
    ("r12181", "u12182"): "R",
    ("r12193", "r12712"): "R",
    ("r122040", "r18603"): "D",
    ("r122533", "r134524"): "D",
    ("r123895", "r36422"): "D",
    ("r123895", "r7482"): "D",
    ("r123919", "r132104"): "D",
    ("r123919", "r78479"): "D",
    ("r124128", "r132119"): "W",
    ("r126390", "r126392"): "W",
    ("r12724", "r17053"): "W",
    ("r128710", "r128713"): "W",
    ("r131394", "r131442"): "R",
    ("r131939", "r131988"): "D",
    ("r132104", "r78479"): "D",
    ("r135120", "r135123"): "W",
    ("r137179", "r33581"): "D",
    ("r139942", "r59841"): "D",
    ("r144792", "r144848"): "W",
    ("r152415", "u152360"): "W",
    ("r16172", "r17927"): "D",
    ("r163473", "r163528"): "D",
    ("r163473", "r163531"): "D",
    ("r163528", "r163531"): "D",
    ("r16443", "r24816"): "D",
    ("r16490", "r18493"): "D",
    ("r16595", "r18778"): "D",
    ("r16662", "r16691"): "D",
    ("r16971", "r16979"): "W",
    ("r16996", "r17356"): "W",
    ("r16996", "r18876"): "D",
    ("r17091", "r17834"): "D",
    ("r17101", "r24974"): "D",
    ("r17117", "u12555"): "D",
    ("r17356", "r18876"): "D",
    ("r17372", "r25141"): "W",
    ("r17841", "r17928"): "D",
    ("r17869", "r17915"): "W",
    ("r179601", "r37785"): "D",
    ("r179661", "r34098"): "D",
    ("r179661", "r38407"): "D",
    ("r18288", "r25582"): "R",
    ("r18398", "r18414"): "W",
    ("r18398", "r25627"): "W",
    ("r18413", "r18435"): "W",
    ("r18413", "r25633"): "W",
    ("r18414", "r25627"): "W",
    ("r18437", "r18516"): "W",
    ("r18437", "r25528"): "D",
    ("r18443", "r25484"): "D",
    ("r18443", "r25488"): "D",
    ("r18443", "r25526"): "D",
    ("r18603", "r6049"): "D",
    ("r18603", "r6802"): "D",
    ("r18603", "r76348"): "D",
    ("r18603", "r86687"): "D",
    ("r18603", "u151061"): "D",
    ("r18646", "r18914"): "W",
    ("r18894", "r19116"): "?",
    ("r18938", "r19637"): "W",
    ("r19149", "r19200"): "W",
    ("r19762", "u25886"): "W",
    ("r20276", "r20893"): "D",
    ("r22854", "r22990"): "D",
    ("r22854", "r22996"): "D",
    ("r22990", "r22996"): "W",
    ("r23153", "r23158"): "W",
    ("r23425", "r78477"): "D",
    ("r23425", "r78479"): "D",
    ("r23425", "r96770"): "D",
    ("r23770", "r23809"): "W",
    ("r23778", "r23809"): "?",
    ("r23852", "r23854"): "D",
    ("r24581", "r25302"): "?",
    ("r24730", "u16226"): "W",
    ("r25484", "r25488"): "D",
    ("r25488", "r25493"): "D",
    ("r32781", "r81632"): "D",
    ("r32835", "r39099"): "W",
    ("r33064", "r33254"): "W",
    ("r33246", "r8756"): "D",
    ("r33353", "r81632"): "D",
    ("r33757", "r37205"): "D",
    ("r34098", "r38407"): "D",
    ("r34212", "r35985"): "W",
    ("r34212", "u38740"): "W",
    ("r35576", "r35592"): "D",
    ("r35717", "r85026"): "D",
    ("r36422", "r7482"): "D",
    ("r37262", "r37390"): "D",
    ("r37262", "r47533"): "D",
    ("r37661", "r37662"): "W",
    ("r39099", "r39102"): "W",
    ("r44574", "u42367"): "W",
    ("r4627", "r5154"): "D",
    ("r47616", "r47830"): "D",
    ("r47633", "r47660"): "D",
    ("r47633", "r48012"): "D",
    ("r47660", "r48012"): "D",
    ("r5175", "r5196"): "D",
    ("r5196", "r5413"): "D",
    ("r5420", "r5694"): "D",
    ("r58213", "r58237"): "R",
    ("r58213", "r58252"): "R",
    ("r6049", "r6802"): "D",
    ("r6481", "r7102"): "W",
    ("r6802", "r86687"): "D",
    ("r6802", "u151061"): "D",
    ("r68578", "r92194"): "D",
    ("r72336", "r78479"): "D",
    ("r74247", "r74410"): "W",
    ("r75998", "r76006"): "W",
    ("r78479", "r92030"): "D",
    ("r78479", "r96770"): "D",
    ("r81763", "r84646"): "D",
    ("r82156", "r84646"): "D",
    ("r83256", "r85115"): "D",
    ("r84570", "u81723"): "W",
    ("r87862", "r88488"): "D",
    ("r88359", "r96779"): "D",
    ("r90330", "u95840"): "W",
    ("r92030", "r92194"): "D",
    ("r92050", "r93021"): "D",
    ("r92194", "r93271"): "D",
    ("r93021", "r93040"): "D",
    ("r93024", "r93090"): "W",
    ("r94222", "u95840"): "W",
    ("r9511", "u1223"): "D",
    ("r96757", "r96779"): "D",
    ("r98070", "r98095"): "W",
    ("r98070", "r98413"): "W",
    ("r98095", "r98413"): "W",
    ("u101545", "u107724"): "R",
    ("u124929", "u43995"): "D",
    ("u130214", "u130217"): "W",
    ("u15643", "u31508"): "D",
    ("u161457", "u77870"): "W",
    ("u175809", "u62662"): "D",
    ("u21331", "u21370"): "R",
    ("u22425", "u24110"): "R",
    ("u25777", "u27928"): "D",
    ("u26369", "u26371"): "R",
    ("u37864", "u37884"): "W",
    ("u4185", "u9240"): "D",
    ("u4208", "u8019"): "D",
    ("u4328", "u4330"): "R",
    ("u95736", "u96175"): "D",
    # rule positives read and overruled: the same question asked about two different cities
    ("r39447", "u47541"): "D",
}

_PLACE = re.compile(
    r"([\u4e00-\u9fa5]{2,6}(?:小区|村|社区|街道|镇|乡|中学|小学|学校|幼儿园|医院|公司|花园|广场|市场|大厦|大道|路))"
)
TOPIC_WORDS = (
    "物业", "停车", "拖欠", "工资", "噪音", "扰民", "拆迁", "征收", "学位", "入学", "户口", "社保",
    "医保", "公积金", "养老", "油烟", "垃圾", "污染", "违建", "违章", "公交", "幼儿园", "补课",
    "驾校", "房产证", "不动产", "退休", "教师", "电梯", "停水", "停电", "路灯", "补偿", "安置",
)  # fmt: skip


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    label: str  # SAME, REWRITTEN or DIFFERENT
    kind: str  # where the pair comes from: real-<universe>, synthetic-<variant>, random


@dataclass
class Benchmark:
    messages: list[Message]
    pairs: list[Pair]
    counts: dict[str, int]


def load_pool(data: Path) -> list[Message]:
    seen: dict[str, tuple[str, str]] = {}
    messages = []
    for prefix, name in FILES:
        with open(data / name, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if seen.get(row["id"]) == (row["title"], row["text"]):
                    continue
                seen.setdefault(row["id"], (row["title"], row["text"]))
                messages.append(
                    Message(
                        id=f"{prefix}{row['id']}", user=row["user"], title=row["title"],
                        text=row["text"], time=row["time"],
                    )
                )  # fmt: skip
    return messages


def rule_label(first: Message, second: Message) -> str:
    """Same / different / unsure, by edit distance on the canonical texts (not shingles)."""
    a, b = canonical("", first.text), canonical("", second.text)
    if a == b and a:
        return SAME
    shorter, longer = sorted((a, b), key=len)
    ratio = fuzz.ratio(a, b)
    partial = fuzz.partial_ratio(shorter, longer) if shorter else 0.0
    if ratio >= 85 or (len(shorter) >= 60 and partial >= 90):
        return SAME
    titles = fuzz.ratio(canonical(first.title, ""), canonical(second.title, ""))
    if ratio < 35 and partial < 50 and titles < 60:
        return DIFFERENT
    return UNSURE


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _universes(messages: list[Message], generator: random.Random) -> dict[str, set[tuple[str, str]]]:
    from rapidfuzz import process

    universes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    by_user: dict[str, list[str]] = defaultdict(list)
    by_place: dict[str, list[str]] = defaultdict(list)
    by_topic: dict[str, list[str]] = defaultdict(list)
    for message in messages:
        by_user[message.user].append(message.id)
        for place in set(_PLACE.findall(message.title)):
            by_place[place].append(message.id)
        for word in TOPIC_WORDS:
            if word in message.title:
                by_topic[word].append(message.id)
    for ids in by_user.values():
        universes["same-user"].update(_key(a, b) for a, b in combinations(ids, 2))
    for ids in by_place.values():
        if 2 <= len(ids) <= 30:
            universes["same-place"].update(_key(a, b) for a, b in combinations(ids, 2))
    topic_pairs = sorted({_key(a, b) for ids in by_topic.values() for a, b in combinations(ids, 2)})
    universes["same-topic"] = set(
        generator.sample(topic_pairs, min(MAX_PAIRS_PER_UNIVERSE, len(topic_pairs)))
    )
    titles = [canonical(m.title, "") for m in messages]
    scores = process.cdist(titles, titles, scorer=fuzz.ratio, score_cutoff=70, workers=-1)
    for i, j in zip(*scores.nonzero(), strict=True):
        if i < j:
            universes["similar-title"].add(_key(messages[i].id, messages[j].id))
    return universes


def real_pairs(messages: list[Message], generator: random.Random) -> tuple[list[Pair], dict[str, int]]:
    by_id = {m.id: m for m in messages}
    labelled: dict[tuple[str, str], Pair] = {}
    counts: dict[str, int] = defaultdict(int)
    skipped: set[tuple[str, str]] = set()
    for universe, keys in sorted(_universes(messages, generator).items()):
        for key in sorted(keys):
            if key in labelled or key in skipped:
                continue
            label = rule_label(by_id[key[0]], by_id[key[1]])
            verdict = REVIEWED.get(key)
            if verdict == "?" or (verdict is None and label == UNSURE):
                skipped.add(key)
                counts["real, read by hand: cannot tell" if verdict else "real unsure, not read"] += 1
                continue
            if verdict is not None:
                counts[f"real, {'unsure' if label == UNSURE else 'rule label'} read by hand"] += 1
                label = VERDICTS[verdict]
            labelled[key] = Pair(key[0], key[1], label, f"real-{universe}")
    return list(labelled.values()), counts


# ---------------------------------------------------------------- synthetic reposts

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_GENERIC_SENTENCES = (
    "此事已向有关部门多次反映，至今没有结果。",
    "恳请领导高度重视，尽快给予答复。",
    "多次拨打12345热线，没有回复：",
    "希望相关部门能够认真调查处理，谢谢！",
    "再次反映此问题，请领导关注。",
)
_GREETINGS = ("尊敬的领导：", "尊敬的市长您好：", "各位领导好！", "您好，", "尊敬的有关部门负责人：")
_NAMES = ("张建国", "李秀英", "王志强", "刘桂兰", "陈伟", "杨丽", "赵军", "黄海燕")
_HALF_TO_FULL = {
    ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
}
_PUNCT_SWAP = {"，": ",", "。": ".", "：": ":", "！": "!", "？": "?", "（": "(", "）": ")", "；": ";"}
_SIMILAR_CHARS = "的地得在再己已以那哪做作到道象像帐账即既"


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s]


def _punctuation_and_width(text: str, generator: random.Random) -> str:
    swapped = "".join(_PUNCT_SWAP.get(c, c) if generator.random() < 0.6 else c for c in text)
    swapped = swapped.translate(_HALF_TO_FULL)
    return re.sub(r"([,.!?])", lambda m: m.group(1) + (" " if generator.random() < 0.5 else ""), swapped)


def _insert_sentence(text: str, generator: random.Random, others: list[Message]) -> str:
    parts = _sentences(text)
    extra = generator.choice(_GENERIC_SENTENCES)
    if generator.random() < 0.5:
        # A sentence borrowed from another message: short against both texts, as a quoted
        # line is, so the repost does not also become a copy of the donor.
        donor = _sentences(generator.choice(others).text)
        fitting = [
            s for s in donor if len(s) <= min(40, len(text) // 4) and 3 * len(s) <= sum(map(len, donor))
        ]
        if fitting:
            extra = generator.choice(fitting)
    parts.insert(generator.randint(0, len(parts)), extra)
    return "".join(parts)


def _delete_sentence(text: str, generator: random.Random) -> str:
    # Only a minor sentence: a message stripped of its one long sentence no longer states
    # its matter ("您好。此致敬礼"), so then the last fifth goes instead.
    parts = _sentences(text)
    minor = [n for n, part in enumerate(parts) if 3 * len(part) <= len(text)]
    if not minor:
        return text[: max(1, len(text) * 4 // 5)]
    del parts[generator.choice(minor)]
    return "".join(parts)


def _truncate(text: str, generator: random.Random) -> str:
    return text[: max(1, int(len(text) * generator.uniform(0.5, 0.8)))]


def _cosigner(text: str, generator: random.Random) -> str:
    body = re.sub(r"^(尊敬的[^：:，,]{0,12}[：:，,]|[^：:]{0,8}(您好|你好)[：:，,！!])", "", text)
    name = generator.choice(_NAMES)
    opening = generator.choice(_GREETINGS)
    if generator.random() < 0.5:
        return f"{opening}我是{name}，与其他业主联名反映：{body}"
    return f"{opening}{body}联名人：{name}、{generator.choice(_NAMES)}等"


def _typos(text: str, generator: random.Random) -> str:
    chars = list(text)
    for _ in range(max(1, len(chars) // 80)):
        chars[generator.randrange(len(chars))] = generator.choice(_SIMILAR_CHARS)
    return "".join(chars)


def _new_title(title: str, generator: random.Random) -> str:
    return (
        generator.choice(("再次反映：", "关于", "紧急求助：", ""))
        + title
        + generator.choice(("的问题", "", "！"))
    )


class _Traditional:
    converter: OpenCC | None = None

    @classmethod
    def convert(cls, text: str) -> str:
        if cls.converter is None:
            cls.converter = OpenCC("s2t")
        return cls.converter.convert(text)


VARIANTS = ("punctuation-width", "traditional", "insert-sentence", "delete-sentence", "truncate",
            "cosigner", "title", "typos", "combined")  # fmt: skip


def make_variant(source: Message, kind: str, generator: random.Random, others: list[Message]) -> Message:
    title, text = source.title, source.text
    steps = [kind] if kind != "combined" else generator.sample(VARIANTS[:-1], 3)
    for step in steps:
        if step == "punctuation-width":
            text = _punctuation_and_width(text, generator)
        elif step == "traditional":
            title, text = _Traditional.convert(title), _Traditional.convert(text)
        elif step == "insert-sentence":
            text = _insert_sentence(text, generator, others)
        elif step == "delete-sentence":
            text = _delete_sentence(text, generator)
        elif step == "truncate":
            text = _truncate(text, generator)
        elif step == "cosigner":
            text = _cosigner(text, generator)
        elif step == "title":
            title = _new_title(title, generator)
        elif step == "typos":
            text = _typos(text, generator)
    return Message(id="", user=f"S{generator.randrange(10**6):06d}", title=title, text=text, time=source.time)


# ---------------------------------------------------------------- the whole set


def _clusters(pairs: list[Pair]) -> dict[str, str]:
    """Ground-truth clusters: ids joined by same-matter labels (labels are transitive)."""
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for pair in pairs:
        if pair.label == SAME:
            parent[find(pair.a)] = find(pair.b)
    return {item: find(item) for item in parent}


def build(data: Path = DEFAULT_DATA, seed: int = 1) -> Benchmark:
    generator = random.Random(seed)
    real = load_pool(data)
    pairs, counts = real_pairs(real, generator)
    # Sources long enough that a truncated or shortened copy still states the matter.
    eligible = [m for m in real if len(m.text) >= 60]
    sources = generator.sample(eligible, SYNTHETIC_SOURCES)
    synthetic: list[Message] = []
    variant_pairs: list[Pair] = []
    for number, source in enumerate(sources):
        for copy in range(generator.choice((1, 1, 2, 3))):
            kind = generator.choice(VARIANTS)
            variant = make_variant(source, kind, generator, real)
            variant = Message(**{**variant.__dict__, "id": f"s{number}-{copy}"})
            synthetic.append(variant)
            variant_pairs.append(Pair(source.id, variant.id, SAME, f"synthetic-{kind}"))
    pairs += variant_pairs
    # A variant differs from everything its source differs from.
    different_from: dict[str, list[str]] = defaultdict(list)
    for pair in pairs:
        if pair.label == DIFFERENT:
            different_from[pair.a].append(pair.b)
            different_from[pair.b].append(pair.a)
    for pair in variant_pairs:
        for other in different_from.get(pair.a, [])[:3]:
            pairs.append(Pair(pair.b, other, DIFFERENT, "synthetic-hard-negative"))
    # Random pairs, kept only when the rules call them different (a few are copies).
    by_id = {m.id: m for m in real}
    known = {_key(p.a, p.b) for p in pairs}
    ids = sorted(by_id)
    while counts["random"] < RANDOM_NEGATIVES:
        key = _key(*generator.sample(ids, 2))
        if key not in known and rule_label(by_id[key[0]], by_id[key[1]]) == DIFFERENT:
            known.add(key)
            pairs.append(Pair(key[0], key[1], DIFFERENT, "random"))
            counts["random"] += 1
    # Same-matter labels are transitive: a variant of A is the same matter as A's copy B.
    cluster = _clusters(pairs)
    members: dict[str, list[str]] = defaultdict(list)
    for item, cluster_root in sorted(cluster.items()):
        members[cluster_root].append(item)
    for group in members.values():
        for a, b in combinations(group, 2):
            if _key(a, b) not in known:
                known.add(_key(a, b))
                pairs.append(Pair(a, b, SAME, "transitive"))

    # Drop a "different" label that the clusters contradict: the two are in one cluster, or
    # their clusters are one matter rewritten (counted; it should be rare).
    def root(item: str) -> str:
        return cluster.get(item, item)

    rewritten = {frozenset((root(p.a), root(p.b))) for p in pairs if p.label == REWRITTEN}
    consistent = [
        p for p in pairs
        if p.label != DIFFERENT
        or (root(p.a) != root(p.b) and frozenset((root(p.a), root(p.b))) not in rewritten)
    ]  # fmt: skip
    counts["contradictions dropped"] = len(pairs) - len(consistent)
    counts["messages"] = len(real) + len(synthetic)
    counts["synthetic messages"] = len(synthetic)
    for label in (SAME, REWRITTEN, DIFFERENT):
        counts[f"{label} pairs"] = sum(p.label == label for p in consistent)
    return Benchmark(messages=real + synthetic, pairs=consistent, counts=dict(counts))


def _show(data: Path, seed: int, which: str) -> None:
    generator = random.Random(seed)
    messages = load_pool(data)
    by_id = {m.id: m for m in messages}
    for universe, keys in sorted(_universes(messages, generator).items()):
        for key in sorted(keys):
            first, second = by_id[key[0]], by_id[key[1]]
            label = rule_label(first, second)
            if label != {"unsure": UNSURE, "positive": SAME, "negative": DIFFERENT}[which]:
                continue
            if key in REVIEWED:
                continue
            print(f"== {key} {universe}")
            for message in (first, second):
                print(f"   [{message.user}] {message.title} | {message.text[:160]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", choices=("unsure", "positive", "negative"))
    options = parser.parse_args()
    if options.show:
        _show(options.data, options.seed, options.show)
        return
    print(json.dumps(build(options.data, options.seed).counts, ensure_ascii=False))


if __name__ == "__main__":
    main()
