"""Backends on a deployment's own large language model behind an OpenAI-compatible endpoint
(vLLM, Xinference, Ollama and the like, on premises: a government intranet reaches no outside
service). Chosen in settings, one capability at a time:

    XINFANG_ANALYSIS_BACKENDS="reply_draft=xinfang.analysis.backends.llm.OpenAICompatibleReplyDrafter,
                               topic=xinfang.analysis.backends.llm.OpenAICompatibleTopicSuggester"
    XINFANG_LLM_URL=http://10.1.2.3:8000/v1   XINFANG_LLM_MODEL=qwen2.5-14b-instruct   XINFANG_LLM_TOKEN=…

Protocol: POST {XINFANG_LLM_URL}/chat/completions with the model, a system message (the task and
its rules, "answer with one JSON object") and a user message with the case's text; the first
choice's content must be that JSON object (a ```json fence around it is tolerated).

What the model receives: a case's own text with ID and phone numbers (and, for a reply, its
petitioners' names) removed, never its people's records, never another case. What comes back is
a suggestion like any other: checked against what the system allows (known topics only; the
statutory 复查告知 always the system's own sentence; 查明的事实 never from the model, which cannot
know them), and when the service fails (unreachable, slow, an error status, an answer that is
not the JSON asked for) the built-in backend answers instead, with the reason noted. After a
failure the topic suggester leaves the model alone for a minute: the registration panel asks
on every pause in typing and must not wait on a service that is down.
"""

import hashlib
import http.client
import json
import logging
import math
import re
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from threading import Lock
from typing import Any

from django.conf import settings

from xinfang.analysis.backends.reply_draft import TemplateReplyDrafter
from xinfang.analysis.backends.topic import LinearTopicSuggester
from xinfang.analysis.interfaces import ReplyContext, ReplyDraft, Suggestion
from xinfang.cases.models import Category
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.privacy import remove_personal_numbers

logger = logging.getLogger(__name__)

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
MAX_TEXT_CHARS = 6000  # of a petition sent to the model: the opening states the matter
MAX_PART_CHARS = 4000


def ask_json(system: str, user: str, *, timeout: float) -> dict[str, Any]:
    """The model's answer to one system + user message, as the JSON object it was asked for."""
    url, model = settings.LLM_URL.rstrip("/"), settings.LLM_MODEL
    if not url.startswith(("http://", "https://")) or not model:
        raise XinfangError(ErrorCode.LLM_UNAVAILABLE, "未配置 XINFANG_LLM_URL 或 XINFANG_LLM_MODEL")
    body = {
        "model": model,
        "temperature": 0.2,
        "response_format": {"type": "json_object"},
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
    }
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        f"{url}/chat/completions",
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.LLM_TOKEN}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            reply = json.loads(response.read())
        content = reply["choices"][0]["message"]["content"]
        answer = json.loads(_FENCE.sub("", content.strip()))
    except urllib.error.HTTPError as error:
        raise XinfangError(ErrorCode.LLM_UNAVAILABLE, f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as error:
        raise XinfangError(ErrorCode.LLM_UNAVAILABLE, str(getattr(error, "reason", error))) from None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise XinfangError(ErrorCode.LLM_UNAVAILABLE, "应答不是约定的JSON") from None
    if not isinstance(answer, dict):
        raise XinfangError(ErrorCode.LLM_UNAVAILABLE, "应答不是约定的JSON")
    return answer


def _lines(*lines: str) -> str:
    return "\n".join(lines)


# --- reply drafting ------------------------------------------------------------------------------

# The parts taken from the model; 查明的事实 stays the template's marker (only an investigation knows them).
REPLY_PARTS = ("request", "reasons", "decision", "legal_basis")
REPLY_PROMPT = _lines(
    "你是县级信访部门的公文起草助手，为承办人起草《信访处理意见书》初稿。",
    "规则：",
    "1. 只依据给出的信访事项内容起草，不得编造任何事实、时间、数据、人名或调查结果；"
    "需要承办人调查核实后才能写的内容，用“【待填写：说明】”标出。",
    "2. 语言规范、平实，称信访人为“你”，不写信访人的姓名、身份证号、电话。",
    "3. 申诉求决类事项的处理意见，按《信访工作条例》第三十三条：请求事实清楚、符合规定的予以支持；"
    "事由合理但缺乏法律依据的作出解释说明；缺乏事实根据或不符合规定的不予支持。",
    "4. 法律政策依据只写确与本事项有关的法律法规名称和条款；不确定时用【待填写】标出。",
    "5. 查明的事实由承办人根据调查核实的情况填写，你不写；"
    "处理理由和处理意见中凡依赖调查结果的内容，用【待填写】标出。",
    "只输出一个JSON对象，键为：request（复述信访请求）、reasons（处理理由）、decision（处理意见）、"
    "legal_basis（法律政策依据），值均为字符串。",
)
CATEGORY_LABELS = dict(Category.choices)


class OpenAICompatibleReplyDrafter:
    def __init__(self) -> None:
        self.template = TemplateReplyDrafter()
        self.version = f"llm:{settings.LLM_MODEL}"[:80]

    def draft(self, context: ReplyContext) -> ReplyDraft:
        fallback = self.template.draft(context)
        # analysis.replies cleans the context; cleaned again here, as a plugged-in caller may not.
        case_text = _lines(
            f"标题：{remove_personal_numbers(context.title)}",
            f"问题性质：{CATEGORY_LABELS.get(context.category, context.category)}",
            f"内容分类：{context.topic}",
            f"承办单位：{context.unit}",
            f"登记日期：{context.received}",
            f"信访人反映的情况：{remove_personal_numbers(context.facts)[:MAX_TEXT_CHARS]}",
            f"信访请求：{remove_personal_numbers(context.request)[:MAX_TEXT_CHARS]}",
        )
        try:
            answer = ask_json(REPLY_PROMPT, case_text, timeout=settings.LLM_TIMEOUT)
        except XinfangError as error:
            logger.warning("reply drafting by the language model failed: %s", error)
            return ReplyDraft(fallback.parts, fallback.version, (str(error), *fallback.notes))
        parts = dict(fallback.parts)
        for key in REPLY_PARTS:
            value = answer.get(key)
            if isinstance(value, str) and value.strip():
                parts[key] = remove_personal_numbers(value.strip()[:MAX_PART_CHARS])
        parts["review_notice"] = context.review_notice
        notes = ("草稿由大模型生成，须由承办人逐项核实；【待填写】处须根据调查核实的情况写明。",)
        return ReplyDraft(parts=parts, version=self.version, notes=notes)


# --- topic suggestions ---------------------------------------------------------------------------

TOPIC_PROMPT = _lines(
    "你是信访事项的分类助手。从给定的一级分类中，为信访内容选出最合适的分类，最多三个，按可能性从高到低排列。",
    "只能使用给定的分类名称，不得自拟。",
    '只输出一个JSON对象：{"topics": [{"label": 分类名称, "confidence": 0到1之间的数, '
    '"reason": 不超过30字的依据}]}。',
)
CACHED_ANSWERS = 256  # the registration panel asks again as the registrar types on
TOPIC_TIMEOUT = 5.0  # seconds: the registrar is waiting for the panel
RESTING_SECONDS = 60.0  # after a failure, the built-in suggester answers alone this long


class OpenAICompatibleTopicSuggester:
    """内容分类 by the model, among the first-level classes the built-in suggester knows (its
    trained model's labels, or the topic tree's first level before one exists); the built-in
    suggester answers whenever the model cannot, and refines to a third-level topic as usual."""

    def __init__(self) -> None:
        self.builtin = LinearTopicSuggester()
        self._model_version = f"llm:{settings.LLM_MODEL}"[:80]
        self._answers: OrderedDict[str, tuple[str, list[Suggestion]]] = OrderedDict()
        self._resting_until = float("-inf")
        self._lock = Lock()

    @property
    def version(self) -> str:
        return self._model_version

    def suggest(self, title: str, text: str, *, limit: int = 3) -> list[Suggestion]:
        return self.suggest_versioned(title, text, limit=limit)[1]

    def suggest_versioned(self, title: str, text: str, *, limit: int = 3) -> tuple[str, list[Suggestion]]:
        key = hashlib.sha256(f"{limit}\n{title}\n{text}".encode()).hexdigest()
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
            resting = time.monotonic() < self._resting_until
        answer = None if resting else self._ask(title, text, limit)
        if answer is None:  # the model could not answer: the built-in suggester does, uncached
            return self.builtin.suggest_versioned(title, text, limit=limit)
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > CACHED_ANSWERS:
                self._answers.popitem(last=False)
        return answer

    def _ask(self, title: str, text: str, limit: int) -> tuple[str, list[Suggestion]] | None:
        labels = self.builtin.first_level_labels()
        petition = remove_personal_numbers(f"标题：{title}\n内容：{text}")[:MAX_TEXT_CHARS]
        try:
            prompt = f"可选的一级分类：{'、'.join(labels)}\n\n{petition}"
            answer = ask_json(TOPIC_PROMPT, prompt, timeout=TOPIC_TIMEOUT)
        except XinfangError as error:
            logger.warning("topic suggestion by the language model failed: %s", error)
            with self._lock:
                self._resting_until = time.monotonic() + RESTING_SECONDS
            return None
        suggestions: list[Suggestion] = []
        items = answer.get("topics")
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or item.get("label") not in labels:
                continue  # a class the system does not have is no suggestion
            label = str(item["label"])
            if any(s.value.split(" › ")[0] == label for s in suggestions):
                continue
            try:
                confidence = float(item.get("confidence", 0.5))
            except (TypeError, ValueError):
                confidence = 0.5
            confidence = min(max(confidence, 0.0), 1.0) if math.isfinite(confidence) else 0.5
            reason = f"大模型 {self._model_version}：{str(item.get('reason', ''))[:60]}"
            suggestions.append(self.builtin.refine(label, round(confidence, 3), reason, title, text))
        if not suggestions:
            return None
        return self._model_version, suggestions[:limit]
