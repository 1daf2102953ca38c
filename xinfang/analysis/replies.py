"""The reply step's help: a first draft of the 信访处理意见书, from the chosen backend
(ANALYSIS_BACKENDS "reply_draft").

The drafter sees only this case's own text (ReplyContext), so a draft can never carry another
case's facts or people. Nothing here writes: issuing is cases.actions.handle.do_reply, which
checks the reply (handle.reply_check) and records an accepted draft (AcceptedSuggestion,
capability reply_draft) with the drafter's version.
"""

from django.utils import timezone

from xinfang.analysis.interfaces import ReplyContext, ReplyDraft
from xinfang.analysis.registry import backend
from xinfang.cases.actions.handle import review_notice_for
from xinfang.cases.models import Case
from xinfang.core.clock import chinese_date
from xinfang.documents import privacy
from xinfang.documents.actions import petitioner_names

PETITIONER = "信访人"  # in place of a petitioner's name


def reply_context(case: Case) -> ReplyContext:
    """The case's own text without ID numbers, phone numbers or its petitioners' names: a draft
    may not carry them (documents.privacy), and a language model has no need of them."""
    names = petitioner_names(case)

    def clean(text: str) -> str:
        return privacy.remove_names(privacy.remove_personal_numbers(text), names, PETITIONER)

    unit = case.responsible_org or case.receiving_org
    return ReplyContext(
        title=clean(case.title),
        facts=clean(case.facts),
        request=clean(case.request),
        topic=case.topic.full_name,
        category=case.category,
        received=chinese_date(timezone.localtime(case.received_at).date()),
        unit=unit.full_name,
        review_notice=review_notice_for(case),
    )


def draft_reply(case: Case) -> ReplyDraft:
    return backend("reply_draft").draft(reply_context(case))  # type: ignore[no-any-return]
