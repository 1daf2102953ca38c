"""The 信访处理意见书 step's help: a draft on request, the reply check while typing and before
issuing, the draft's acceptance recorded; and the language-model drafter against a local fake
OpenAI-compatible server (the only part outside the system)."""

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from tests.helpers import registration_post
from tests.lifecycle_helpers import SEQ, People, client_for, make_people, step
from xinfang.analysis.backends.llm import OpenAICompatibleReplyDrafter
from xinfang.analysis.backends.reply import RuleReplyChecker
from xinfang.analysis.backends.reply_draft import TemplateReplyDrafter
from xinfang.analysis.interfaces import ReplyContext
from xinfang.analysis.models import AcceptedSuggestion, Capability
from xinfang.analysis.registry import forget_backends
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
    registrar = client_for(people.registrar)
    response = registrar.post("/register/", registration_post(tree.township_a, token="reply-draft-1"))
    assert response.status_code == 302
    case = Case.objects.get(submission_token="reply-draft-1")
    step(registrar, case, "transfer", target_org=tree.housing.pk, note="请依法办理")
    step(client_for(people.housing_handler), case, "accept", note="")
    assert case.status == Status.ACCEPTED
    return case


def reply_form(client: Client, case: Case) -> tuple[str, str]:
    page = client.get(f"/cases/{case.pk}/steps/reply/").content.decode()
    match = SEQ.search(page)
    assert match
    return page, match.group(1)


def fields_of(html: str) -> dict[str, str]:
    found = dict(re.findall(r'<textarea name="(\w+)"[^>]*>\n?(.*?)</textarea>', html, flags=re.S))
    return {name: value.replace("&quot;", '"').replace("&#x27;", "'") for name, value in found.items()}


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
    fields = fields_of(html)
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
    assert case.events.count() == before and fields_of(html)["facts_found"] == typed_facts

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
    # The accused township's head cannot reach a case outside its scope through the check.
    outsider = client_for(people.township_head)
    assert outsider.post(url, {"facts_found": "x"}).status_code in (403, 404)
    assert head.get(url).status_code == 405


# --- the language-model drafter against a local fake OpenAI-compatible server ------------------


class FakeModelServer:
    """/v1/chat/completions on 127.0.0.1: answers with `content`, or with `status`."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.content = "{}"
        self.status = 200
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.requests.append({"path": self.path, **json.loads(body)})
                server.headers.append(dict(self.headers))
                answer = json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": server.content}}]}
                )
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "FakeModelServer":
        self.thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def model_server(settings) -> Iterator[FakeModelServer]:  # type: ignore[no-untyped-def]
    with FakeModelServer() as server:
        settings.LLM_URL = server.url
        settings.LLM_MODEL = "local-qwen"
        settings.LLM_TOKEN = "secret-token"
        settings.LLM_TIMEOUT = 5.0
        yield server


def test_llm_drafter_sends_the_case_without_personal_numbers_and_keeps_the_statutory_notice(
    model_server: FakeModelServer,
) -> None:
    model_server.content = (
        "```json\n"
        + json.dumps(
            {
                "request": "你反映工地拖欠工资问题，请求督促支付。",
                "facts_found": "经调查核实，【待填写：查明的事实】",
                "reasons": "依法应当按时足额支付劳动报酬。",
                "decision": "【待填写：处理意见】",
                "legal_basis": "《保障农民工工资支付条例》第十五条",
                "review_notice": "可以在60日内复查",  # the model may not change the statutory sentence
            },
            ensure_ascii=False,
        )
        + "\n```"
    )
    draft = OpenAICompatibleReplyDrafter().draft(CONTEXT)

    sent = model_server.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["model"] == "local-qwen"
    assert model_server.headers[0]["Authorization"] == "Bearer secret-token"
    user_message = sent["messages"][1]["content"]
    assert "工地拖欠农民工工资" in user_message and "13812345678" not in user_message
    assert "不得编造" in sent["messages"][0]["content"]
    assert draft.version == "llm:local-qwen"
    assert draft.parts["reasons"] == "依法应当按时足额支付劳动报酬。"
    assert draft.parts["review_notice"] == NOTICE


@pytest.mark.parametrize(
    ("status", "content"),
    [(500, "{}"), (200, "我无法完成"), (200, '["not", "an", "object"]')],
)
def test_llm_drafter_falls_back_to_the_template_when_the_service_fails(
    model_server: FakeModelServer, status: int, content: str
) -> None:
    model_server.status, model_server.content = status, content
    draft = OpenAICompatibleReplyDrafter().draft(CONTEXT)

    assert draft.version == "reply-template-1"
    assert draft.notes[0].endswith("]") and "E7303" in draft.notes[0]
    assert draft.parts == TemplateReplyDrafter().draft(CONTEXT).parts


def test_llm_drafter_unreachable_or_unconfigured_falls_back(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LLM_URL, settings.LLM_MODEL, settings.LLM_TIMEOUT = "http://127.0.0.1:9/v1", "m", 2.0
    assert "E7303" in OpenAICompatibleReplyDrafter().draft(CONTEXT).notes[0]
    settings.LLM_URL = ""
    assert "XINFANG_LLM_URL" in OpenAICompatibleReplyDrafter().draft(CONTEXT).notes[0]


def test_the_reply_page_uses_the_deployments_drafter(
    people: People, accepted_case: Case, model_server: FakeModelServer, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ANALYSIS_BACKENDS = {"reply_draft": "xinfang.analysis.backends.llm.OpenAICompatibleReplyDrafter"}
    forget_backends()
    try:
        model_server.content = json.dumps({"reasons": "依法应当按时足额支付劳动报酬。"}, ensure_ascii=False)
        head = client_for(people.housing_head)
        _, seq = reply_form(head, accepted_case)
        html = head.post(
            f"/cases/{accepted_case.pk}/steps/reply/", {"expected_seq": seq, "compose": "1"}
        ).content.decode()
        assert fields_of(html)["reasons"] == "依法应当按时足额支付劳动报酬。"
        assert "大模型" in html
    finally:
        forget_backends()
