"""The 信访处理意见书 step's help: a draft on request, the reply check while typing and before
issuing, the draft's acceptance recorded. The language-model drafter: test_llm_backends.py."""

import json
import re

import pytest

from tests.lifecycle_helpers import (
    GOOD_REPLY,
    People,
    accepted_by_housing,
    client_for,
    make_people,
    reply_form,
    step,
    textareas,
)
from xinfang.analysis.actions import suggestion_token
from xinfang.analysis.backends.reply import RuleReplyChecker
from xinfang.analysis.backends.reply_draft import TemplateReplyDrafter
from xinfang.analysis.interfaces import ReplyContext, Suggestion
from xinfang.analysis.models import AcceptedSuggestion, Capability
from xinfang.cases.models import Case
from xinfang.cases.states import Status
from xinfang.documents.models import CaseDocument
from xinfang.testing.factories import OrgTree

NOTICE = "如不服本处理意见，可自收到本意见书之日起30日内向西湖区人民政府请求复查。"
CONTEXT = ReplyContext(
    title="工地拖欠农民工工资",
    facts="在工地务工半年，工资一直未结清，老板电话13812345678不接。",
    request="请求督促支付拖欠工资，联系电话13812345678",
    topic="劳动和社会保障 › 劳动关系 › 拖欠工资",
    category="appeal",
    received="2026年12月1日",
    unit="西湖区住房和城乡建设局",
    review_notice=NOTICE,
)


# --- the built-in drafter ---------------------------------------------------------------------


def test_template_draft_restates_the_request_and_marks_what_only_the_handler_can_write() -> None:
    draft = TemplateReplyDrafter().draft(CONTEXT)

    assert draft.version == "reply-template-1"
    assert draft.parts["request"].startswith(
        "你于2026年12月1日反映“工地拖欠农民工工资”问题，提出：请求督促支付拖欠工资"
    )
    # A document may not carry a phone number, even one the registrar typed into the request.
    assert "13812345678" not in json.dumps(draft.parts, ensure_ascii=False)
    for part in ("facts_found", "reasons", "decision"):
        assert "【待填写：" in draft.parts[part]
    assert "第三十三条" in draft.parts["decision"]  # support, explain or not support
    assert "《保障农民工工资支付条例》" in draft.parts["legal_basis"]  # the topic's usual laws
    assert draft.parts["review_notice"] == NOTICE
    # The check lists every part the handler still has to write, so the draft cannot go out as it is.
    result = RuleReplyChecker().check(request=CONTEXT.request, parts=draft.parts)
    assert set(result.missing) == {
        "查明的事实（尚有【待填写】的内容）",
        "处理理由（尚有【待填写】的内容）",
        "处理意见（尚有【待填写】的内容）",
        "法律政策依据（尚有【待填写】的内容）",
    }


def test_a_suggestion_gets_its_own_wording() -> None:
    context = ReplyContext(**{**CONTEXT.__dict__, "category": "suggestion", "topic": "其他"})
    draft = TemplateReplyDrafter().draft(context)

    assert "采纳" in draft.parts["decision"] and "第三十三条" not in draft.parts["decision"]
    assert draft.parts["legal_basis"].startswith("《信访工作条例》；")


# --- the reply step through HTTP ---------------------------------------------------------------


@pytest.fixture
def people(tree: OrgTree) -> People:
    return make_people(tree)


@pytest.fixture
def accepted_case(people: People, tree: OrgTree) -> Case:
    return accepted_by_housing(people, tree)


def test_draft_check_and_issue_with_the_draft_recorded(people: People, accepted_case: Case) -> None:
    case = accepted_case
    head = client_for(people.housing_head)
    page, seq = reply_form(head, case)
    # Before anything is typed the check lists what is missing.
    assert 'id="reply-check-problems"' in page and "查明的事实" in page and 'id="reply-compose"' in page
    # The earlier answers panel is there to keep answers consistent, read from the scoped panel.
    assert f"/cases/{case.pk}/suggestions/?earlier=1" in page
    panel = head.get(f"/cases/{case.pk}/suggestions/?earlier=1").content.decode()
    assert "前次答复参考" in panel and 'id="intake-topics"' not in panel

    typed_facts = "经查，该工地承包人拖欠工资属实。"
    response = head.post(
        f"/cases/{case.pk}/steps/reply/",
        {"expected_seq": seq, "facts_found": typed_facts, "request": case.request, "compose": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="reply-draft-notes"' in html
    fields = textareas(html)
    assert fields["facts_found"] == typed_facts  # what the handler typed stays
    assert fields["request"].startswith("你于") and "请求督促支付拖欠工资" in fields["request"]
    assert "【待填写：" in fields["decision"] and "复查" in fields["review_notice"]
    tokens = re.findall(r'name="accepted_suggestion" value="([^"]+)"', html)
    assert len(tokens) == 1
    assert (
        not CaseDocument.objects.filter(case=case)
        .exclude(kind__in=["acceptance_notice", "transfer_slip"])
        .exists()
    )

    # Issued with the markers left: refused, nothing written, everything kept.
    before = case.events.count()
    data = {"expected_seq": seq, **fields, "accepted_suggestion": tokens}
    response = head.post(f"/cases/{case.pk}/steps/reply/", data)
    html = response.content.decode()
    assert response.status_code == 400 and "E7301" in html and "处理意见（尚有【待填写】的内容）" in html
    assert case.events.count() == before and textareas(html)["facts_found"] == typed_facts

    # Completed, but answering something else: the missing key term must be confirmed.
    data.update(
        reasons="承包人下落不明，本单位无法查实欠款数额。",
        decision="建议你向劳动人事争议仲裁委员会申请仲裁。",
        legal_basis="《中华人民共和国劳动争议调解仲裁法》第二条",
    )
    data["facts_found"] = "经查，该工地承包人已于上月离开本县。"
    response = head.post(f"/cases/{case.pk}/steps/reply/", data)
    html = response.content.decode()
    assert response.status_code == 400 and "E7302" in html and 'id="reply-check-unanswered"' in html
    assert re.search(r"reply-check-unanswered.*?支付", html, flags=re.S)
    assert case.events.count() == before

    data["confirm_check"] = "on"
    response = head.post(f"/cases/{case.pk}/steps/reply/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REPLIED
    accepted = AcceptedSuggestion.objects.get(case=case)
    assert accepted.capability == Capability.REPLY_DRAFT and accepted.version == "reply-template-1"
    assert accepted.accepted_by == people.housing_head


def test_a_complete_reply_answering_the_request_goes_out_without_confirmation(
    people: People, accepted_case: Case
) -> None:
    head = client_for(people.housing_head)
    step(
        head,
        accepted_case,
        "reply",
        request=accepted_case.request,
        facts_found="经查，该工地承包人拖欠工资三万元属实。",
        reasons="用人单位应当按时足额支付劳动报酬。",
        decision="责令承包人于15日内支付拖欠工资。",
        legal_basis="《保障农民工工资支付条例》第十五条",
        review_notice=NOTICE,
    )
    assert accepted_case.status == Status.REPLIED
    # Nothing was drafted, so nothing is recorded as accepted.
    assert not AcceptedSuggestion.objects.filter(case=accepted_case).exists()


def test_the_live_check_reads_what_is_typed_and_stays_in_scope(
    people: People, accepted_case: Case, tree: OrgTree
) -> None:
    head = client_for(people.housing_head)
    url = f"/cases/{accepted_case.pk}/reply-check/"
    response = head.post(url, {"facts_found": "经查属实", "decision": "", "legal_basis": "按照有关要求办理"})
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "处理意见" in html and "法律政策依据（未引用" in html
    # Only those who may issue the reply get a draft (the registrar may see the case, not reply).
    registrar = client_for(people.registrar)
    _, seq = reply_form(head, accepted_case)
    response = registrar.post(
        f"/cases/{accepted_case.pk}/steps/reply/", {"expected_seq": seq, "compose": "1"}
    )
    assert response.status_code == 403 and "reply-draft-notes" not in response.content.decode()
    # The accused township's head cannot reach a case outside its scope through the check.
    outsider = client_for(people.township_head)
    assert outsider.post(url, {"facts_found": "x"}).status_code in (403, 404)
    assert head.get(url).status_code == 405


def test_the_draft_leaves_out_the_petitioners_name_and_numbers(people: People, tree: OrgTree) -> None:
    case = accepted_by_housing(
        people,
        tree,
        token="named-1",
        title="李四反映工地拖欠农民工工资",
        request="请求督促支付拖欠工资，我的电话13912345678",
    )
    head = client_for(people.housing_head)
    _, seq = reply_form(head, case)
    html = head.post(f"/cases/{case.pk}/steps/reply/", {"expected_seq": seq, "compose": "1"}).content.decode()
    restated = textareas(html)["request"]
    assert "信访人反映工地拖欠农民工工资" in restated
    assert "李四" not in restated and "13912345678" not in restated


def test_a_reply_without_reasons_is_refused(people: People, accepted_case: Case) -> None:
    head = client_for(people.housing_head)
    response = step(head, accepted_case, "reply", expect=400, **{**GOOD_REPLY, "reasons": ""})
    html = response.content.decode()
    assert "E8001" in html and "理由" in html and accepted_case.status == Status.ACCEPTED


def test_a_draft_counts_only_for_its_own_case_and_only_at_the_reply(
    people: People, accepted_case: Case, tree: OrgTree
) -> None:
    head = client_for(people.housing_head)
    _, seq = reply_form(head, accepted_case)
    html = head.post(
        f"/cases/{accepted_case.pk}/steps/reply/", {"expected_seq": seq, "compose": "1"}
    ).content.decode()
    draft_token = re.findall(r'name="accepted_suggestion" value="([^"]+)"', html)[0]
    topic_token = suggestion_token(
        people.housing_head, Capability.TOPIC, Suggestion("劳动和社会保障", "劳动和社会保障", 0.9), "m-1"
    )
    other = accepted_by_housing(people, tree, token="other-1")
    _, other_seq = reply_form(head, other)
    data = {"expected_seq": other_seq, **GOOD_REPLY, "accepted_suggestion": [draft_token, topic_token]}
    assert head.post(f"/cases/{other.pk}/steps/reply/", data).status_code == 302
    # Neither the other case's draft nor a topic offered at registration is recorded here.
    assert not AcceptedSuggestion.objects.filter(case=other).exists()
    data = {"expected_seq": seq, **GOOD_REPLY, "accepted_suggestion": [draft_token]}
    assert head.post(f"/cases/{accepted_case.pk}/steps/reply/", data).status_code == 302
    assert AcceptedSuggestion.objects.get(case=accepted_case).value == str(accepted_case.pk)
