"""Review (复查, Art.35) and re-review (复核, Art.36): requested within 30 日 of the decision,
decided within 30 日 by the next higher body and the one above it; a hearing (听证) pauses
the re-review clock. Each request is an Appeal row linked to the original case, so the case
keeps its whole history and the deciding body, an ancestor, sees it in its own scope."""

from dataclasses import dataclass

from django.db import transaction

from xinfang.cases import workflow
from xinfang.cases.models import Appeal, AppealLevel, Case
from xinfang.core.clock import chinese_date
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.actions import do_issue_document
from xinfang.documents.kinds import DocumentKind, re_review_notice_text
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.scoping import higher_body

_WINDOW = {AppealLevel.REVIEW: "review_request", AppealLevel.RE_REVIEW: "rereview_request"}
_REQUEST = {AppealLevel.REVIEW: "request_review", AppealLevel.RE_REVIEW: "request_re_review"}
_DECIDE = {AppealLevel.REVIEW: "decide_review", AppealLevel.RE_REVIEW: "decide_re_review"}


class Outcome:
    UPHELD = "维持"
    CHANGED = "变更"
    REVOKED = "撤销并重新办理"
    CHOICES = (UPHELD, CHANGED, REVOKED)


def appeal_body(case: Case, level: str) -> Organisation | None:
    """复查: above the handling unit; 复核: above the body that reviewed."""
    if level == AppealLevel.REVIEW:
        return higher_body(case.responsible_org or case.receiving_org)
    review = case.appeals.filter(level=AppealLevel.REVIEW).select_related("body").first()
    return higher_body(review.body) if review else None


@dataclass
class AppealRequestInput:
    level: str  # AppealLevel
    grounds: str
    expected_seq: int | None = None


def do_request_appeal(*, actor: User | None, case: Case, data: AppealRequestInput) -> Appeal:
    """Record the petitioner's request (staff record it; `actor` None is the petitioner online)."""
    level = AppealLevel(data.level)
    code = _REQUEST[level]
    with transaction.atomic():
        case = workflow.begin(case, code, actor=actor, expected_seq=data.expected_seq)
        window = workflow.live_deadline(case, _WINDOW[level])
        if window is None or window.due_on < workflow.today():
            until = f"申请期限已于{chinese_date(window.due_on)}届满" if window else ""
            raise XinfangError(ErrorCode.APPEAL_WINDOW_LAPSED, until)
        if not data.grounds.strip():
            raise XinfangError(ErrorCode.REASON_REQUIRED, field="grounds")
        body = appeal_body(case, level)
        if body is None:
            raise XinfangError(ErrorCode.NO_HIGHER_BODY)
        appeal = Appeal.objects.create(
            case=case,
            level=level,
            body=body,
            requested_on=workflow.today(),
            grounds=data.grounds.strip(),
            recorded_by=actor,
        )
        workflow.apply(
            case,
            code,
            actor=actor,
            data={
                "appeal": appeal.pk,
                "body": body.pk,
                "body_name": body.name,
                "grounds": appeal.grounds[:200],
            },
        )
    return appeal


@dataclass
class AppealDecisionInput:
    outcome: str
    request: str
    facts_found: str
    decision: str
    legal_basis: str
    next_step_notice: str  # 复查: where to ask for 复核; 复核: that the matter is final
    expected_seq: int | None = None


def next_step_notice_for(case: Case, level: str) -> str:
    if level == AppealLevel.REVIEW:
        review = case.appeals.filter(level=AppealLevel.REVIEW).select_related("body").first()
        above = higher_body(review.body) if review else None
        return re_review_notice_text(f"{above.name}人民政府" if above else "上一级行政机关")
    return "本复核意见为最终意见。信访人就同一事项仍以同一事实和理由提出信访的，不再受理。"


def do_decide_appeal(*, actor: User, case: Case, data: AppealDecisionInput) -> Case:
    with transaction.atomic():
        case = workflow.lock_case(case, expected_seq=data.expected_seq)
        appeal = workflow.open_appeal(case)
        level = AppealLevel(appeal.level) if appeal else AppealLevel.REVIEW
        code = _DECIDE[level]
        workflow.require_transition(case, code, actor)
        assert appeal is not None
        if data.outcome not in Outcome.CHOICES:
            raise XinfangError(ErrorCode.REASON_REQUIRED, "请选择维持、变更或撤销", field="outcome")
        fields = {
            "request": data.request.strip(),
            "facts_found": data.facts_found.strip(),
            "decision": data.decision.strip(),
            "legal_basis": data.legal_basis.strip(),
        }
        notice = data.next_step_notice.strip()
        if level == AppealLevel.REVIEW:
            fields["re_review_notice"] = notice
        elif notice:
            fields["decision"] = f"{fields['decision']}\n{notice}"
        fields["decision"] = f"{data.outcome}。{fields['decision']}" if fields["decision"] else ""
        workflow.apply(
            case,
            code,
            actor=actor,
            data={"appeal": appeal.pk, "outcome": data.outcome, "decision": fields["decision"][:200]},
        )
        # Only now: until decided, the appeal is what names the deciding body for the check above.
        appeal.decided_on = workflow.today()
        appeal.outcome = data.outcome
        appeal.save(update_fields=["decided_on", "outcome"])
        do_issue_document(
            actor=actor,
            case=case,
            kind=DocumentKind.REVIEW_DECISION
            if level == AppealLevel.REVIEW
            else DocumentKind.RE_REVIEW_DECISION,
            fields=fields,
            issuing_org=appeal.body,
        )
    return case


def do_hearing(
    *, actor: User, case: Case, opening: bool, note: str = "", expected_seq: int | None = None
) -> Case:
    """听证: opening pauses the re-review clock, closing resumes it with the paused days added back."""
    code = "open_hearing" if opening else "close_hearing"
    with transaction.atomic():
        case = workflow.begin(case, code, actor=actor, expected_seq=expected_seq)
        appeal = workflow.open_appeal(case)
        assert appeal is not None
        if opening:
            appeal.hearing_held = True
            appeal.save(update_fields=["hearing_held"])
        workflow.apply(case, code, actor=actor, data={"appeal": appeal.pk, "note": note.strip()})
    return case
