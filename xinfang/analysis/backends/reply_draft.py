"""The built-in reply drafter: a 信访处理意见书 laid out by rule from the case's own record. Pure.

It writes what the record already says and the rules fix, and marks the rest for the handler:
- 信访请求: restated from the registered title and request ("你于…反映“…”问题，提出：…");
- 查明的事实, 处理理由, 处理意见: a 【待填写：…】 marker each, saying what belongs there (for
  申诉求决类, the three outcomes of 条例 Art.33: support, explain, or not support). No fact
  is ever invented: only the handler's investigation can supply them;
- 法律政策依据: the 条例's articles on handling such a request, and a marker naming the laws
  usually cited for the topic's first-level class (the handler keeps the ones that apply);
- 复查告知: the statutory sentence for this case (Art.35), as the form already fills it.

Nothing of other cases goes into a draft: an earlier answer on the same matter may belong to
another petitioner. The reply page shows those answers beside the form instead (口径一致).
"""

from xinfang.analysis.interfaces import ReplyContext, ReplyDraft
from xinfang.documents.privacy import remove_personal_numbers

FILL = "【待填写：{}】"
MAX_RESTATED_CHARS = 600

# The laws usually cited for each first-level class of the topic tree (category_taxonomy.csv);
# a suggestion for the handler, inside the marker, never a finding.
TOPIC_LAWS = {
    "城乡建设": "《中华人民共和国城乡规划法》《物业管理条例》《国有土地上房屋征收与补偿条例》",
    "劳动和社会保障": "《中华人民共和国劳动合同法》《保障农民工工资支付条例》《中华人民共和国社会保险法》",
    "教育文体": "《中华人民共和国教育法》《中华人民共和国义务教育法》",
    "商贸旅游": "《中华人民共和国消费者权益保护法》《中华人民共和国旅游法》",
    "环境保护": (
        "《中华人民共和国环境保护法》《中华人民共和国噪声污染防治法》《中华人民共和国大气污染防治法》"
    ),
    "卫生计生": "《中华人民共和国基本医疗卫生与健康法》《医疗纠纷预防和处理条例》",
    "交通运输": "《中华人民共和国道路交通安全法》《中华人民共和国公路法》",
    "国土资源": "《中华人民共和国土地管理法》",
    "农村农业": "《中华人民共和国农村土地承包法》《中华人民共和国土地管理法》",
    "民政": "《社会救助暂行办法》《最低生活保障审核确认办法》",
    "政法": "《中华人民共和国治安管理处罚法》",
}

APPEAL_DECISION = (
    "处理意见：请求事实清楚、符合法律法规和政策规定的，予以支持并写明落实措施和时限；"
    "请求事由合理但缺乏法律依据的，作出解释说明；请求缺乏事实根据或不符合规定的，不予支持"
    "（《信访工作条例》第三十三条）"
)
SUGGESTION_DECISION = "对所提建议是否采纳、部分采纳或暂不采纳，及采纳后的落实安排"


def restated_request(context: ReplyContext) -> str:
    # A document may not carry ID or phone numbers (documents.privacy); a registrar may have typed one.
    request = remove_personal_numbers(context.request.strip() or context.facts.strip())
    if len(request) > MAX_RESTATED_CHARS:
        request = request[:MAX_RESTATED_CHARS] + "……"
    title = context.title.strip().rstrip("。")
    when = f"于{context.received}" if context.received else ""
    sentence = f"你{when}反映“{title}”问题" if title else f"你{when}反映有关问题"
    if request and request[-1] not in "。！？…":
        request += "。"
    return f"{sentence}，提出：{request}" if request else f"{sentence}。"


class TemplateReplyDrafter:
    version = "reply-template-1"

    def draft(self, context: ReplyContext) -> ReplyDraft:
        suggestion = context.category == "suggestion"
        first_level = context.topic.split(" › ")[0].strip()
        laws = TOPIC_LAWS.get(first_level, "")
        articles = "《信访工作条例》" if suggestion else "《信访工作条例》第三十二条、第三十三条"
        wanted = f"与本事项有关的法律法规和政策规定，如{laws}" if laws else "与本事项有关的法律法规和政策规定"
        parts = {
            "request": restated_request(context),
            "facts_found": "经调查核实，"
            + FILL.format("查明的事实：时间、地点、经过，调查核实了哪些材料、询问了哪些人"),
            "reasons": FILL.format(
                "对所提建议的研究论证意见" if suggestion else "依据查明的事实和有关规定，作出处理的理由"
            ),
            "decision": FILL.format(SUGGESTION_DECISION if suggestion else APPEAL_DECISION),
            "legal_basis": f"{articles}；" + FILL.format(wanted),
            "review_notice": context.review_notice,
        }
        notes = ("【待填写】处须由承办人根据调查核实的情况写明；意见书检查会列出尚未完成的部分。",)
        return ReplyDraft(parts=parts, version=self.version, notes=notes)
