"""Reply check (信访处理意见书 draft): are the required parts there, and does it answer the
request rather than something else? Pure; no Django.

The parts follow the document (DOMAIN.md, "Documents"): the request restated, the facts
found, the reasons, the decision, the legal or policy basis, and the notice that the
petitioner may ask for review (复查) within 30 days and where. A part is missing when it
is empty or a placeholder (无, 略, 待补充, XXX, fewer than a few meaningful characters), or
still holds a drafter's 【待填写：…】 marker.
The legal basis must cite something law-like and the review notice must name 复查 and
the 30-day period, because a reply without them is defective whatever else it says.

"Answers the request" is judged on the request's key terms: its nouns and verbs (rjieba
through xinfang.analysis.text, domain words whole, places joined), minus function words
and the words every petition uses (data/reply_generic_words.txt), ranked by how often
they occur, nouns and places first, longer words first. A key term counts as addressed
when the facts, reasons or decision contain it, or, for a term of three or more
characters, half of its character pairs (停车费 is addressed by 停车收费). A term never
addressed is listed: the handler may have answered something else.
"""

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from xinfang.analysis.backends.folding import fold_fast
from xinfang.analysis.interfaces import ReplyCheck
from xinfang.analysis.text import content_words, segment, segmenter

PART_NAMES = {
    "request": "信访请求",
    "facts_found": "查明的事实",
    "reasons": "处理理由",
    "decision": "处理意见",
    "legal_basis": "法律政策依据",
    "review_notice": "复查告知",
}
ANSWER_PARTS = ("facts_found", "reasons", "decision")

MIN_PART_CHARS = 4  # meaningful characters (letters, digits, Chinese) a part needs
PLACEHOLDERS = frozenset(
    "无 略 暂无 见附件 详见附件 同上 待补充 待填写 待定 空 此处填写 请填写 填写 内容 未填 "
    "xxx xx todo tbd na".split()
)
_PLACEHOLDER_MARKS = re.compile(r"[x×＊*○〇□_]{2,}|【[^】]*填[^】]*】|\{\{[^}]*\}\}", re.IGNORECASE)
# What a drafter (backends/reply_draft.py) leaves for the handler: the document cannot go out with it.
TO_FILL = re.compile(r"【待填写[^】]*】")
_NOT_MEANINGFUL = re.compile(r"[\W_]+")
_LAW_LIKE = re.compile(r"《[^》]{2,}》|第[一二三四五六七八九十百千零〇\d]+条|规定|办法|条例|法律|法规")
_REVIEW = re.compile(r"复查")
_THIRTY_DAYS = re.compile(r"(30|三十)(个)?(日|天)")
_BODY = re.compile(r"人民政府|机关|局|委员会|委|办公室|信访|部门")

KEY_TERMS = 5
_ADMIN_AREA = re.compile(r"^([a-z]\d{0,3}|[\u4e00-\u9fff]{1,3})[省市区县]$")
_NOUN_TAGS = ("n", "place")
_KEPT_TAGS = ("n", "v", "place")
GENERIC_WORDS = Path(__file__).resolve().parent.parent / "data" / "reply_generic_words.txt"


@cache
def generic_words() -> frozenset[str]:
    words: set[str] = set()
    for line in GENERIC_WORDS.read_text(encoding="utf-8").splitlines():
        words.update(fold_fast(word) for word in line.split("#", 1)[0].split())
    return frozenset(words)


def _meaningful(text: str) -> str:
    return _NOT_MEANINGFUL.sub("", fold_fast(text or ""))


def is_placeholder(text: str) -> bool:
    """Empty, a placeholder word, or too short to say anything."""
    meaningful = _meaningful(text)
    return (
        len(meaningful) < MIN_PART_CHARS
        or meaningful in PLACEHOLDERS
        or bool(_PLACEHOLDER_MARKS.fullmatch(meaningful))
    )


def key_terms(request: str, *, limit: int = KEY_TERMS) -> list[str]:
    """The request's most telling words, best first."""
    folded = fold_fast(request or "")
    if not folded.strip():
        return []
    tags = dict(segmenter().tagged(folded))
    generic = generic_words()
    weight: dict[str, float] = {}
    for token in content_words(segment(folded)):
        tag = tags.get(token, "place")  # a token the tagger never saw is a joined place name
        if (
            len(token) < 2
            or token in generic
            or not any("\u4e00" <= char <= "\u9fff" for char in token)
            or not tag.startswith(_KEPT_TAGS)
        ):
            continue
        # Nouns and places name the matter; verbs (拆除, 拖欠) say what is wanted of it. A
        # bare administrative area (a2区, 长沙市) says where, which a reply need not repeat.
        bonus = 1.5 if tag.startswith(_NOUN_TAGS) else 1.0
        if _ADMIN_AREA.match(token):
            bonus = 0.3
        weight[token] = weight.get(token, 0.0) + bonus * (1 + 0.25 * min(len(token) - 2, 4))
    ranked = sorted(weight, key=lambda token: -weight[token])  # stable: first seen wins ties
    return ranked[:limit]


def addressed(term: str, text: str) -> bool:
    """Whether the (folded) text speaks of the term."""
    if term in text:
        return True
    if len(term) < 3:
        return False
    pairs = {term[i : i + 2] for i in range(len(term) - 1)}
    return 2 * sum(pair in text for pair in pairs) >= len(pairs)


class RuleReplyChecker:
    """Required parts by rule; key terms of the request that the answer never mentions."""

    def check(self, *, request: str, parts: dict[str, str]) -> ReplyCheck:
        missing: list[str] = []
        notes: list[str] = []
        for key, name in PART_NAMES.items():
            text = parts.get(key, "") or ""
            if is_placeholder(text):
                missing.append(name)
            elif TO_FILL.search(text):
                missing.append(f"{name}（尚有【待填写】的内容）")
            elif _PLACEHOLDER_MARKS.search(fold_fast(text)):
                notes.append(f"{name}中有未替换的占位符（如 XXX、【请填写】）。")
        self._check_legal_basis(parts, missing)
        self._check_review_notice(parts, missing, notes)
        unanswered = self._unanswered(request, parts, notes)
        return ReplyCheck(missing=tuple(missing), unanswered_terms=tuple(unanswered), notes=tuple(notes))

    @staticmethod
    def _check_legal_basis(parts: Mapping[str, str], missing: list[str]) -> None:
        basis = parts.get("legal_basis", "") or ""
        if not is_placeholder(basis) and not _LAW_LIKE.search(fold_fast(basis)):
            missing.append("法律政策依据（未引用法律、法规或政策文件的名称或条款）")

    @staticmethod
    def _check_review_notice(parts: Mapping[str, str], missing: list[str], notes: list[str]) -> None:
        notice = fold_fast(parts.get("review_notice", "") or "")
        if is_placeholder(notice):
            return
        if not (_REVIEW.search(notice) and _THIRTY_DAYS.search(notice)):
            missing.append("复查告知（须写明可在收到本意见书之日起30日内请求复查）")
        elif not _BODY.search(notice):
            notes.append("复查告知未写明向哪个机关提出复查。")

    @staticmethod
    def _unanswered(request: str, parts: Mapping[str, str], notes: list[str]) -> list[str]:
        terms = key_terms(request)
        if not terms:
            notes.append("登记的信访请求为空，无法核对答复是否对应请求。")
            return []
        answer = "".join(_meaningful(parts.get(key, "") or "") for key in ANSWER_PARTS)
        unanswered = [term for term in terms if not addressed(term, answer)]
        restated = _meaningful(parts.get("request", "") or "")
        if restated and not any(addressed(term, restated) for term in terms):
            notes.append("意见书复述的信访请求与登记的请求不一致，请核对。")
        if unanswered:
            notes.append(
                f"请求要点{len(terms)}个，事实、理由和处理意见涉及{len(terms) - len(unanswered)}个。"
            )
        return unanswered
