"""The receiving unit's answer to a routed case (条例 Art.23): accept (受理) with a notice to the
petitioner, refuse (不予受理) with the reason and the correct route, or object (退回) to a
transfer outside its remit within 5 working days."""

from dataclasses import dataclass

from django.db import transaction

from xinfang.cases import workflow
from xinfang.cases.models import Case
from xinfang.core.clock import chinese_date
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.actions import do_issue_document
from xinfang.documents.kinds import DocumentKind
from xinfang.orgs.models import User


def do_accept(*, actor: User, case: Case, note: str = "", expected_seq: int | None = None) -> Case:
    with transaction.atomic():
        case = workflow.begin(case, "accept", actor=actor, expected_seq=expected_seq)
        # A unit accepting a petition it registered itself becomes its responsible unit.
        unit = case.responsible_org or case.receiving_org
        workflow.apply(case, "accept", actor=actor, changes={"responsible_org": unit}, data={"note": note})
        handling = workflow.live_deadline(case, "handling")
        assert handling is not None
        do_issue_document(
            actor=actor,
            case=case,
            kind=DocumentKind.ACCEPTANCE_NOTICE,
            fields={
                "handling_org": unit.full_name,
                "notes": f"将于{chinese_date(handling.due_on)}前办结并出具信访处理意见书。{note}".strip(),
            },
            issuing_org=unit,
        )
    return case


@dataclass
class RejectInput:
    reason: str
    correct_route: str
    expected_seq: int | None = None


def do_reject(*, actor: User, case: Case, data: RejectInput) -> Case:
    with transaction.atomic():
        case = workflow.begin(case, "reject", actor=actor, expected_seq=data.expected_seq)
        for name in ("reason", "correct_route"):
            if not getattr(data, name).strip():
                raise XinfangError(ErrorCode.REASON_REQUIRED, field=name)
        unit = case.responsible_org or case.receiving_org
        workflow.apply(
            case,
            "reject",
            actor=actor,
            data={"reason": data.reason.strip(), "correct_route": data.correct_route.strip()},
        )
        do_issue_document(
            actor=actor,
            case=case,
            kind=DocumentKind.REJECTION_NOTICE,
            fields={"reason": data.reason.strip(), "correct_route": data.correct_route.strip()},
            issuing_org=unit,
        )
    return case


def do_object(*, actor: User, case: Case, reason: str, expected_seq: int | None = None) -> Case:
    """退回: the case goes back to the office that routed it, which routes it again within 15 日."""
    with transaction.atomic():
        case = workflow.begin(case, "object", actor=actor, expected_seq=expected_seq)
        if not reason.strip():
            raise XinfangError(ErrorCode.REASON_REQUIRED, field="reason")
        objection = workflow.live_deadline(case, "objection")
        if objection is None or objection.due_on < workflow.today():
            due = f"异议期限截止于{chinese_date(objection.due_on)}" if objection else ""
            raise XinfangError(ErrorCode.OBJECTION_PERIOD_LAPSED, due)
        unit = case.responsible_org
        workflow.apply(
            case,
            "object",
            actor=actor,
            changes={"responsible_org": None},
            data={"reason": reason.strip(), "from_org": unit.pk if unit else None},
        )
    return case
