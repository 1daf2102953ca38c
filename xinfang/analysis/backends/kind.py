"""问题性质 from cue words: 建议意见类 / 检举控告类 / 申诉求决类, and whether a legal route exists.

Pure; no Django (the values are cases.models.Category codes, written out here so the
rules stay importable anywhere).

Each kind has weighted cue words (CUES). A petition's score for a kind is the sum of the
weights of its cues found in the folded title and text; a cue preceded closely by a
negation (不是举报, 没有贪污) does not count. The kinds are ranked by score; the confidence
is the kind's share of the total, tempered towards uniform when little was found (one weak
cue is not certainty). With no cue at all, 申诉求决类 (most petitions ask for something to be
resolved) is suggested with low confidence, and the reason says so.

The legal-route flag (诉访分离, 条例 Art.31) is a separate Suggestion with value "legal_route"
after the kinds: cues of litigation, arbitration, administrative reconsideration or a
police/procuratorate procedure (判决, 起诉, 劳动仲裁, 合同纠纷, 离婚 …); its reason names the cues
found. It suggests checking, never decides: some of these matters are still petitions.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from xinfang.analysis.interfaces import Suggestion
from xinfang.analysis.text import fold

SUGGESTION = "suggestion"
ACCUSATION = "accusation"
APPEAL = "appeal"
LEGAL_ROUTE = "legal_route"
KIND_LABELS = {SUGGESTION: "建议意见类", ACCUSATION: "检举控告类", APPEAL: "申诉求决类"}
LEGAL_ROUTE_LABEL = "可能属于诉讼、仲裁、行政复议等法定途径（诉访分离）"

# (cue, weight): 3 = says the kind by itself, 2 = strong, 1 = a hint.
CUES: dict[str, tuple[tuple[str, int], ...]] = {
    ACCUSATION: (
        ("检举", 3),
        ("控告", 3),
        ("举报", 2),
        ("揭发", 3),
        ("实名举报", 3),
        ("贪污", 3),
        ("受贿", 3),
        ("索贿", 3),
        ("行贿", 3),
        ("贿赂", 3),
        ("挪用公款", 3),
        ("侵吞", 3),
        ("私分", 2),
        ("截留", 2),
        ("套取", 2),
        ("冒领", 2),
        ("虚报", 2),
        ("滥用职权", 3),
        ("玩忽职守", 3),
        ("以权谋私", 3),
        ("徇私枉法", 3),
        ("徇私舞弊", 3),
        ("渎职", 3),
        ("失职", 2),
        ("违纪", 2),
        ("腐败", 3),
        ("吃拿卡要", 3),
        ("公款吃喝", 3),
        ("保护伞", 3),
        ("充当保护伞", 3),
        ("违法乱纪", 3),
        ("利用职务", 3),
        ("收受", 2),
        ("红包", 1),
        ("回扣", 2),
        ("暗箱操作", 2),
        ("优亲厚友", 2),
        ("欺压百姓", 2),
    ),
    SUGGESTION: (
        ("建议", 2),
        ("提议", 3),
        ("倡议", 3),
        ("意见和建议", 3),
        ("合理化建议", 3),
        ("献计", 3),
        ("献策", 3),
        ("希望增设", 3),
        ("建议增设", 3),
        ("增设", 2),
        ("增开", 2),
        ("能否", 1),
        ("可否", 1),
        ("是否可以", 1),
        ("呼吁", 2),
        ("优化", 1),
        ("完善", 1),
        ("改进", 1),
        ("几点建议", 3),
        ("提出建议", 3),
        ("建言", 3),
        ("希望政府", 1),
    ),
    APPEAL: (
        ("要求赔偿", 3),
        ("赔偿", 2),
        ("补偿", 2),
        ("退还", 2),
        ("退款", 2),
        ("拖欠", 2),
        ("讨薪", 3),
        ("欠薪", 3),
        ("讨要", 2),
        ("申诉", 3),
        ("不服", 2),
        ("诉求", 1),
        ("请求解决", 2),
        ("要求解决", 2),
        ("恳请解决", 2),
        ("帮忙解决", 2),
        ("维权", 2),
        ("落实待遇", 3),
        ("纠正", 1),
        ("恢复", 1),
        ("求助", 2),
        ("要求", 1),
        ("请求", 1),
        ("投诉", 2),
        ("不作为", 1),
        ("乱收费", 1),
        ("违规收费", 1),
    ),
}

LEGAL_ROUTE_CUES: tuple[str, ...] = (
    # litigation and court procedure
    "判决",
    "裁定书",
    "调解书",
    "起诉",
    "诉讼",
    "上诉",
    "再审",
    "立案庭",
    "法院执行",
    "强制执行",
    "申请执行",
    "打官司",
    # arbitration
    "劳动仲裁",
    "仲裁",
    "仲裁委",
    # administrative reconsideration and litigation
    "行政复议",
    "复议",
    "行政诉讼",
    # civil disputes the courts decide
    "合同纠纷",
    "民间借贷",
    "借款不还",
    "欠款不还",
    "债务纠纷",
    "离婚",
    "抚养权",
    "抚养费",
    "赡养费",
    "继承",
    "遗产",
    "房屋买卖合同",
    "租赁纠纷",
    "侵权纠纷",
    "人身损害赔偿",
    "交通事故赔偿",
    "医疗事故鉴定",
    # police and procuratorate
    "报案",
    "刑事立案",
    "检察院",
    "公诉",
)

# A negation just before a cue, in the same clause, cancels it: 不是举报, 没有贪污, 并非要求赔偿,
# 不会去起诉. Two-character negations within the four characters before the cue; one-character
# ones only right before it (未成年人举报 is no negation).
_NEGATIONS = ("不是", "并非", "没有", "不会", "不想", "不愿", "不用", "不需", "无需", "不打", "从未", "并未")
_SHORT_NEGATIONS = ("不", "没", "无", "未", "非")
_CLAUSE_END = re.compile(r"[，。！？；：,.!?;:\n]")
# With little evidence the confidences lean towards an even split: this much score counts as
# "sure" (the top kind's confidence then approaches its plain share).
_SURE_SCORE = 6.0
# Cue words never make a kind certain.
_MAX_CONFIDENCE = 0.95
RULES_VERSION = "kind-rules-1"
# Equal scores: the commoner kind first.
_TIE_ORDER = (APPEAL, ACCUSATION, SUGGESTION)


@dataclass(frozen=True)
class CueHit:
    cue: str
    weight: int


def _negated(folded: str, start: int) -> bool:
    clause = _CLAUSE_END.split(folded[max(0, start - 8) : start])[-1]
    near = clause[-4:]
    return any(word in near for word in _NEGATIONS) or clause[-1:] in _SHORT_NEGATIONS


def find_cues(folded: str, cues: Sequence[tuple[str, int]]) -> list[CueHit]:
    """The cues present and not negated, longest first. Characters count for one cue only:
    收受贿赂 is 受贿 once, not also 收受 and 贿赂; 劳动仲裁 is not also 仲裁."""
    hits: list[CueHit] = []
    covered: list[tuple[int, int]] = []
    for cue, weight in sorted(cues, key=lambda item: -len(item[0])):
        for match in re.finditer(re.escape(cue), folded):
            span = (match.start(), match.end())
            if any(span[0] < b and a < span[1] for a, b in covered):
                continue
            covered.append(span)
            if not _negated(folded, match.start()):
                hits.append(CueHit(cue, weight))
                break
    return hits


def legal_route_cues(folded: str) -> list[str]:
    return [hit.cue for hit in find_cues(folded, [(cue, 1) for cue in LEGAL_ROUTE_CUES])]


def _quote(words: Sequence[str]) -> str:
    return "、".join(f"“{word}”" for word in words)


class RuleKindSuggester:
    version = RULES_VERSION

    def suggest(self, title: str, text: str, *, limit: int = 3) -> list[Suggestion]:
        """Kinds ranked (at most `limit`), then the legal-route flag if its cues occur."""
        folded = fold(f"{title}\n{text}")
        if not folded:
            return []
        hits = {kind: find_cues(folded, cues) for kind, cues in CUES.items()}
        score = {kind: float(sum(hit.weight for hit in found)) for kind, found in hits.items()}
        total = sum(score.values())
        suggestions = []
        if total == 0:
            suggestions.append(
                Suggestion(
                    APPEAL,
                    KIND_LABELS[APPEAL],
                    0.4,
                    "未发现建议或检举控告的提示词；多数信访属申诉求决类，请核实。",
                )
            )
        else:
            certainty = min(1.0, total / _SURE_SCORE)
            ranked = sorted(score, key=lambda kind: (-score[kind], _TIE_ORDER.index(kind)))
            for kind in ranked:
                if not score[kind]:
                    continue
                share = score[kind] / total
                confidence = min(_MAX_CONFIDENCE, certainty * share + (1 - certainty) / len(KIND_LABELS))
                words = [hit.cue for hit in hits[kind]]
                suggestions.append(
                    Suggestion(kind, KIND_LABELS[kind], round(confidence, 3), f"提示词：{_quote(words)}")
                )
        suggestions = suggestions[: max(0, limit)]
        legal = legal_route_cues(folded)
        if legal:
            confidence = round(min(0.9, 0.5 + 0.15 * len(legal)), 3)
            suggestions.append(
                Suggestion(
                    LEGAL_ROUTE,
                    LEGAL_ROUTE_LABEL,
                    confidence,
                    f"提到{_quote(legal)}：可能已有或应走诉讼、仲裁、行政复议等法定途径，请核实是否导入法定途径。",
                )
            )
        return suggestions
