"""The language-model backends (xinfang/analysis/backends/llm.py) against a local fake
OpenAI-compatible server, the only part outside the system: what they send, what they take from
the answer, and that the built-in backends answer whenever the model cannot."""

import json
from collections.abc import Iterator

import pytest

from tests.fake_llm_server import FakeModelServer
from tests.lifecycle_helpers import accepted_by_housing, client_for, make_people, reply_form, textareas
from tests.test_reply_drafting import CONTEXT, NOTICE
from xinfang.analysis.backends import llm
from xinfang.analysis.backends.llm import OpenAICompatibleReplyDrafter, OpenAICompatibleTopicSuggester
from xinfang.analysis.backends.reply_draft import TemplateReplyDrafter
from xinfang.analysis.backends.topic import RULES_VERSION
from xinfang.analysis.registry import forget_backends
from xinfang.testing.factories import OrgTree


@pytest.fixture
def model_server(settings) -> Iterator[FakeModelServer]:  # type: ignore[no-untyped-def]
    with FakeModelServer() as server:
        settings.LLM_URL = server.url
        settings.LLM_MODEL = "local-qwen"
        settings.LLM_TOKEN = "secret-token"
        settings.LLM_TIMEOUT = 5.0
        yield server


@pytest.fixture
def plugged(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.ANALYSIS_BACKENDS = {
        "reply_draft": "xinfang.analysis.backends.llm.OpenAICompatibleReplyDrafter",
        "topic": "xinfang.analysis.backends.llm.OpenAICompatibleTopicSuggester",
    }
    forget_backends()
    yield
    forget_backends()


# --- reply drafting ------------------------------------------------------------------------------


def test_reply_drafter_sends_the_case_without_personal_numbers_and_keeps_the_statutory_notice(
    model_server: FakeModelServer,
) -> None:
    model_server.answer(
        {
            "request": "你反映工地拖欠工资问题，请求督促支付。",
            "facts_found": "经调查，该公司已于上月支付全部工资。",  # facts the model cannot know
            "reasons": "依法应当按时足额支付劳动报酬。",
            "decision": "【待填写：处理意见】",
            "legal_basis": "《保障农民工工资支付条例》第十五条",
            "review_notice": "可以在60日内复查",  # the model may not change the statutory sentence
        },
        fenced=True,
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
    # 查明的事实 never come from the model: the template's marker stays for the handler.
    assert draft.parts["facts_found"] == TemplateReplyDrafter().draft(CONTEXT).parts["facts_found"]


@pytest.mark.parametrize(
    ("status", "content", "truncated"),
    [
        (500, "{}", False),
        (200, "我无法完成", False),
        (200, '["not", "an", "object"]', False),
        (200, "{}", True),
    ],
)
def test_reply_drafter_falls_back_to_the_template_when_the_service_fails(
    model_server: FakeModelServer, status: int, content: str, truncated: bool
) -> None:
    model_server.status, model_server.content, model_server.truncated = status, content, truncated
    draft = OpenAICompatibleReplyDrafter().draft(CONTEXT)

    assert draft.version == "reply-template-1"
    assert "E7303" in draft.notes[0]
    assert draft.parts == TemplateReplyDrafter().draft(CONTEXT).parts


def test_reply_drafter_unreachable_or_unconfigured_falls_back(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LLM_URL, settings.LLM_MODEL, settings.LLM_TIMEOUT = "http://127.0.0.1:9/v1", "m", 2.0
    assert "E7303" in OpenAICompatibleReplyDrafter().draft(CONTEXT).notes[0]
    settings.LLM_URL = ""
    assert "XINFANG_LLM_URL" in OpenAICompatibleReplyDrafter().draft(CONTEXT).notes[0]


def test_the_reply_page_uses_the_deployments_drafter(
    model_server: FakeModelServer, plugged: None, tree: OrgTree
) -> None:
    people = make_people(tree)
    case = accepted_by_housing(people, tree)
    model_server.answer({"reasons": "依法应当按时足额支付劳动报酬。"})
    head = client_for(people.housing_head)
    _, seq = reply_form(head, case)
    html = head.post(f"/cases/{case.pk}/steps/reply/", {"expected_seq": seq, "compose": "1"}).content.decode()
    assert textareas(html)["reasons"] == "依法应当按时足额支付劳动报酬。"
    assert "草稿由大模型生成" in html


# --- topic suggestions ---------------------------------------------------------------------------

TITLE = "工地拖欠农民工工资"
TEXT = "在工地务工半年，工资一直未结清，电话13812345678。"


def test_topic_suggester_offers_only_known_classes_refined_and_asks_once_per_text(
    model_server: FakeModelServer, settings, tmp_path, db
) -> None:  # type: ignore[no-untyped-def]
    settings.ANALYSIS_MODEL_DIR = tmp_path  # no trained model: the topic tree's first level
    model_server.answer(
        {
            "topics": [
                {"label": "劳动和社会保障", "confidence": 0.92, "reason": "拖欠农民工工资"},
                {"label": "外星事务", "confidence": 0.5, "reason": "不存在的分类"},
                {"label": "城乡建设", "confidence": "high", "reason": "工地"},
                {"label": "交通运输", "confidence": float("nan"), "reason": "路"},
            ]
        }
    )
    suggester = OpenAICompatibleTopicSuggester()
    version, suggestions = suggester.suggest_versioned(TITLE, TEXT)

    assert version == "llm:local-qwen"
    assert [s.value.split(" › ")[0] for s in suggestions] == ["劳动和社会保障", "城乡建设", "交通运输"]
    assert [s.confidence for s in suggestions] == [0.92, 0.5, 0.5]
    assert suggestions[0].value.count(" › ") == 2  # refined to the third level the text names
    assert "拖欠农民工工资" in suggestions[0].reason
    sent = model_server.requests[0]["messages"][1]["content"]
    assert "劳动和社会保障" in sent and "13812345678" not in sent
    # The panel asks again as the registrar types; the same text is not sent twice.
    suggester.suggest(TITLE, TEXT)
    assert len(model_server.requests) == 1


@pytest.mark.parametrize("content", ['{"topics": [{"label": "外星事务"}]}', "不是JSON"])
def test_topic_suggester_falls_back_to_the_builtin_suggester(
    model_server: FakeModelServer, settings, tmp_path, db, content: str
) -> None:  # type: ignore[no-untyped-def]
    settings.ANALYSIS_MODEL_DIR = tmp_path
    model_server.content = content
    version, suggestions = OpenAICompatibleTopicSuggester().suggest_versioned(TITLE, TEXT)

    assert version == RULES_VERSION and suggestions[0].value.startswith("劳动和社会保障")


def test_the_registration_panel_shows_the_models_topics(
    model_server: FakeModelServer, plugged: None, client, tree, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import registration_post
    from tests.test_intake import panel
    from xinfang.orgs.roles import Role
    from xinfang.testing.factories import TEST_PASSWORD, make_user

    settings.ANALYSIS_MODEL_DIR = tmp_path
    make_user(tree.bureau, Role.REGISTRAR, "llm_reg")
    client.login(username="llm_reg", password=TEST_PASSWORD)
    model_server.answer({"topics": [{"label": "交通运输", "confidence": 0.8, "reason": "道路"}]})
    html = panel(client, registration_post(tree.township_a, title=TITLE, facts=TEXT))
    assert "交通运输" in html.split('id="intake-topics"')[1].split("</div>")[0]
    assert "llm:local-qwen" in html
    assert json.loads(json.dumps(model_server.requests[0]["model"])) == "local-qwen"


def test_topic_suggester_rests_after_a_failure_and_does_not_keep_the_fallback(
    model_server: FakeModelServer, settings, tmp_path, db, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    settings.ANALYSIS_MODEL_DIR = tmp_path
    model_server.status = 500
    suggester = OpenAICompatibleTopicSuggester()
    assert suggester.suggest_versioned(TITLE, TEXT)[0] == RULES_VERSION
    # Down: the panel's next requests do not wait on it.
    assert suggester.suggest_versioned(TITLE, TEXT + "又及")[0] == RULES_VERSION
    assert len(model_server.requests) == 1
    # Up again after the rest: the same text is asked again (the fallback was not kept).
    monkeypatch.setattr(llm, "RESTING_SECONDS", 0.0)
    suggester._resting_until = float("-inf")
    model_server.status = 200
    model_server.answer({"topics": [{"label": "劳动和社会保障", "confidence": 0.9, "reason": "欠薪"}]})
    assert suggester.suggest_versioned(TITLE, TEXT)[0] == "llm:local-qwen"
    assert len(model_server.requests) == 2
