"""Handling an accepted case (条例 Art.32–34): start work, extend once with the head's approval,
issue the 信访处理意见书, report a 交办 case's result, and conclude."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction

from xinfang.analysis.actions import OfferedSuggestion, do_record_accepted_suggestions
from xinfang.analysis.interfaces import ReplyCheck
from xinfang.analysis.registry import backend
from xinfang.cases import workflow
from xinfang.cases.models import Case
from xinfang.cases.states import Status
from xinfang.core.clock import chinese_date
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines import rules
from xinfang.documents.actions import do_issue_document
from xinfang.documents.kinds import DocumentKind, review_notice_text
from xinfang.orgs.models import TERRITORIAL_KINDS, Organisation, User
from xinfang.orgs.scoping import higher_body


def do_start_handling(*, actor: User, case: Case, expected_seq: int | None = None) -> Case:
    with transaction.atomic():
        case = workflow.begin(case, "start_handling", actor=actor, expected_seq=expected_seq)
        workflow.apply(case, "start_handling", actor=actor, data={"handler": actor.pk})
    return case


@dataclass
class ExtensionInput:
    days: int
    reason: str
    expected_seq: int | None = None


def do_extend(*, actor: User, case: Case, data: ExtensionInput) -> Case:
    """延期: the unit head approves by performing it; the petitioner is told why (延期告知书)."""
    with transaction.atomic():
        case = workflow.begin(case, "extend", actor=actor, expected_seq=data.expected_seq)
        if not 1 <= data.days <= rules.EXTENSION.days:
            raise XinfangError(ErrorCode.EXTENSION_DAYS_INVALID, field="days")
        if not data.reason.strip():
            raise XinfangError(ErrorCode.EXTENSION_REASON_REQUIRED, field="reason")
        workflow.apply(
            case,
            "extend",
            actor=actor,
            extension=workflow.Extension(data.days, data.reason.strip()),
            data={"days": data.days, "reason": data.reason.strip(), "approved_by": actor.pk},
        )
        handling = workflow.live_deadline(case, "handling")
        assert handling is not None
        do_issue_document(
            actor=actor,
            case=case,
            kind=DocumentKind.EXTENSION_NOTICE,
            fields={
                "reason": f"{data.reason.strip()}（延长{data.days}日）",
                "new_due_date": chinese_date(handling.due_on),
            },
            issuing_org=case.responsible_org,
        )
    return case


def review_notice_for(case: Case) -> str:
    """The sentence a 信访处理意见书 must carry (Art.35), naming the body to ask."""
    unit = case.responsible_org or case.receiving_org
    body = higher_body(unit)
    if body is None:
        where = "上一级行政机关"
    elif unit.kind in TERRITORIAL_KINDS:
        where = f"{body.name}人民政府"
    else:
        where = f"{body.name}人民政府或{unit.name}的上一级主管部门"
    return review_notice_text(where)


# The parts of a 信访处理意见书, as the form, the drafters and the document name them.
REPLY_PARTS = ("request", "facts_found", "reasons", "decision", "legal_basis", "review_notice")


@dataclass
class ReplyInput:
    """The parts of a 信访处理意见书; the document refuses to issue while any is blank."""

    request: str
    facts_found: str
    reasons: str
    decision: str
    legal_basis: str
    review_notice: str
    expected_seq: int | None = None
    # The handler has read the reply check's unanswered request terms and issues all the same.
    unanswered_confirmed: bool = False
    # The draft the handler started from (analysis.replies), recorded once the reply is issued.
    accepted_suggestions: list[OfferedSuggestion] = field(default_factory=list)

    def document_fields(self) -> dict[str, str]:
        return {
            "request": self.request,
            "facts_found": self.facts_found,
            "reasons": self.reasons,
            "decision": self.decision,
            "legal_basis": self.legal_basis,
            "review_notice": self.review_notice,
        }


def reply_check(case: Case, parts: Mapping[str, object]) -> ReplyCheck:
    """What the parts of a 信访处理意见书 lack, against the request as registered (the chosen
    backend, ANALYSIS_BACKENDS "reply"): shown while the handler types, enforced below."""
    typed = {key: str(parts.get(key) or "") for key in REPLY_PARTS}
    return backend("reply").check(request=case.request, parts=typed)  # type: ignore[no-any-return]


def check_reply_issuable(case: Case, data: ReplyInput) -> None:
    """Before a 信访处理意见书 goes out: a part missing or defective (a drafter's 【待填写】 left, no
    law cited, no 30-day review notice) stops it; request terms it never answers stop it until
    the handler confirms."""
    result = reply_check(case, data.document_fields())
    if result.missing:
        raise XinfangError(ErrorCode.REPLY_CHECK_INCOMPLETE, "、".join(result.missing))
    if result.unanswered_terms and not data.unanswered_confirmed:
        terms = "、".join(result.unanswered_terms)
        raise XinfangError(ErrorCode.REPLY_CHECK_UNANSWERED, terms, field="confirm_check")


def do_reply(*, actor: User, case: Case, data: ReplyInput) -> Case:
    with transaction.atomic():
        case = workflow.begin(case, "reply", actor=actor, expected_seq=data.expected_seq)
        check_reply_issuable(case, data)
        fields = {name: value.strip() for name, value in data.document_fields().items()}
        workflow.apply(case, "reply", actor=actor, data={"decision": fields["decision"][:200]})
        do_issue_document(
            actor=actor,
            case=case,
            kind=DocumentKind.REPLY,
            fields=fields,
            issuing_org=case.responsible_org,
        )
        do_record_accepted_suggestions(actor=actor, case=case, offered=data.accepted_suggestions)
    return case


@dataclass
class ReportInput:
    result: str  # what was found and done
    expected_seq: int | None = None


def do_report_assigned(*, actor: User, case: Case, data: ReportInput) -> Case:
    """办结报告 to the office that assigned the case (Art.22)."""
    with transaction.atomic():
        case = workflow.begin(case, "report_assigned", actor=actor, expected_seq=data.expected_seq)
        if not data.result.strip():
            raise XinfangError(ErrorCode.REASON_REQUIRED, field="result")
        assigning: Organisation = case.receiving_org
        workflow.apply(case, "report_assigned", actor=actor, data={"result": data.result.strip()[:200]})
        do_issue_document(
            actor=actor,
            case=case,
            kind=DocumentKind.CONCLUSION_REPORT,
            fields={"result": data.result.strip(), "assignment_ref": case.handed_down_doc_no},
            issuing_org=case.responsible_org,
            addressee=case.handed_down_from or assigning.full_name,
        )
    return case


# Which petitioner window must lapse before a case in each status may be concluded.
_WINDOW_BEFORE_CONCLUDING = {
    Status.REPLIED: "review_request",
    Status.RATED: "review_request",
    Status.REVIEW_DECIDED: "rereview_request",
}


def do_conclude(
    *,
    actor: User,
    case: Case,
    petitioner_accepts: bool = False,
    note: str = "",
    expected_seq: int | None = None,
) -> Case:
    """办结: once the petitioner can no longer ask for the next step, or says they accept the answer."""
    with transaction.atomic():
        case = workflow.begin(case, "conclude", actor=actor, expected_seq=expected_seq)
        window_code = _WINDOW_BEFORE_CONCLUDING.get(Status(case.status))
        if window_code and not petitioner_accepts:
            window = workflow.live_deadline(case, window_code)
            if window is not None and window.due_on >= workflow.today():
                raise XinfangError(ErrorCode.CONCLUDE_TOO_EARLY, f"期限截止于{chinese_date(window.due_on)}")
        workflow.apply(
            case,
            "conclude",
            actor=actor,
            data={"petitioner_accepts": petitioner_accepts, "note": note.strip()},
        )
    return case
