"""Reply drafting by a deployment's own large language model behind an OpenAI-compatible
endpoint (vLLM, Xinference, Ollama and the like, on premises: a government intranet reaches no
outside service). Chosen in settings:

    XINFANG_ANALYSIS_BACKENDS="reply_draft=xinfang.analysis.backends.llm.OpenAICompatibleReplyDrafter"
    XINFANG_LLM_URL=http://10.1.2.3:8000/v1   XINFANG_LLM_MODEL=qwen2.5-14b-instruct   XINFANG_LLM_TOKEN=…

Protocol: POST {XINFANG_LLM_URL}/chat/completions with the model, a system message (what a
信访处理意见书 holds, the rules: invent no facts, mark what the handler must supply with
【待填写：…】, answer in JSON) and a user message with the case's title, account, request,
topic and kind. The answer's first choice must be a JSON object with the parts' keys.

What the model receives: the case's own text with ID and phone numbers removed, never its
people's records, never another case. What comes back is a draft only: the statutory 复查告知
is always the system's own sentence, a part the model leaves empty or non-text takes the
built-in template's, and when the service fails (unreachable, slow, an error status, an answer
that is not the JSON asked for) the built-in template drafts instead, with a note saying so.
"""

import json
import logging
import re
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from xinfang.analysis.backends.reply_draft import TemplateReplyDrafter
from xinfang.analysis.interfaces import ReplyContext, ReplyDraft
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.privacy import remove_personal_numbers

logger = logging.getLogger(__name__)

PARTS = ("request", "facts_found", "reasons", "decision", "legal_basis")
MAX_PART_CHARS = 4000
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")

SYSTEM_PROMPT = "\n".join(
    (
        "你是县级信访部门的公文起草助手，为承办人起草《信访处理意见书》初稿。",
        "规则：",
        "1. 只依据给出的信访事项内容起草，不得编造任何事实、时间、数据、人名或调查结果；"
        "需要承办人调查核实后才能写的内容，用“【待填写：说明】”标出。",
        "2. 语言规范、平实，称信访人为“你”，不写信访人的姓名、身份证号、电话。",
        "3. 申诉求决类事项的处理意见，按《信访工作条例》第三十三条：请求事实清楚、符合规定的予以支持；"
        "事由合理但缺乏法律依据的作出解释说明；缺乏事实根据或不符合规定的不予支持。",
        "4. 法律政策依据只写确与本事项有关的法律法规名称和条款；不确定时用【待填写】标出。",
        "只输出一个JSON对象，键为：request（复述信访请求）、facts_found（查明的事实）、reasons（处理理由）、"
        "decision（处理意见）、legal_basis（法律政策依据），值均为字符串。",
    )
)

CATEGORY_LABELS = {"suggestion": "建议意见类", "accusation": "检举控告类", "appeal": "申诉求决类"}


class OpenAICompatibleReplyDrafter:
    def __init__(self) -> None:
        self.url = settings.LLM_URL.rstrip("/")
        self.model = settings.LLM_MODEL
        self.token = settings.LLM_TOKEN
        self.timeout = settings.LLM_TIMEOUT
        self.template = TemplateReplyDrafter()
        self.version = f"llm:{self.model}"[:80]

    def draft(self, context: ReplyContext) -> ReplyDraft:
        fallback = self.template.draft(context)
        try:
            answer = self._ask(context)
        except XinfangError as error:
            logger.warning("reply drafting by the language model failed: %s", error)
            return ReplyDraft(fallback.parts, fallback.version, (str(error), *fallback.notes))
        parts = dict(fallback.parts)
        for key in PARTS:
            value = answer.get(key)
            if isinstance(value, str) and value.strip():
                parts[key] = remove_personal_numbers(value.strip()[:MAX_PART_CHARS])
        parts["review_notice"] = context.review_notice
        notes = ("草稿由大模型生成，须由承办人逐项核实；【待填写】处须根据调查核实的情况写明。",)
        return ReplyDraft(parts=parts, version=self.version, notes=notes)

    def _ask(self, context: ReplyContext) -> dict[str, Any]:
        if not self.url.startswith(("http://", "https://")) or not self.model:
            raise XinfangError(
                ErrorCode.REPLY_DRAFTER_UNAVAILABLE, "未配置 XINFANG_LLM_URL 或 XINFANG_LLM_MODEL"
            )
        case_text = "\n".join(
            (
                f"标题：{context.title}",
                f"问题性质：{CATEGORY_LABELS.get(context.category, context.category)}",
                f"内容分类：{context.topic}",
                f"承办单位：{context.unit}",
                f"登记日期：{context.received}",
                f"信访人反映的情况：{remove_personal_numbers(context.facts)}",
                f"信访请求：{remove_personal_numbers(context.request)}",
            )
        )
        body = {
            "model": self.model,
            "temperature": 0.2,
            "response_format": {"type": "json_object"},
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": case_text},
            ],
        }
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            f"{self.url}/chat/completions",
            data=json.dumps(body, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                reply = json.loads(response.read())
            content = reply["choices"][0]["message"]["content"]
            answer = json.loads(_FENCE.sub("", content.strip()))
        except urllib.error.HTTPError as error:
            raise XinfangError(ErrorCode.REPLY_DRAFTER_UNAVAILABLE, f"HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise XinfangError(
                ErrorCode.REPLY_DRAFTER_UNAVAILABLE, str(getattr(error, "reason", error))
            ) from None
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise XinfangError(ErrorCode.REPLY_DRAFTER_UNAVAILABLE, "应答不是约定的JSON") from None
        if not isinstance(answer, dict):
            raise XinfangError(ErrorCode.REPLY_DRAFTER_UNAVAILABLE, "应答不是约定的JSON")
        return answer
