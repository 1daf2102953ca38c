"""Routing a registered petition (条例 Art.22, 29–31): transfer (转送), assign (交办), guide to a
legal route (导入法定途径), send an accusation to discipline inspection, refuse a matter already
finally decided (不再受理), or merge a duplicate into the case it repeats."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from xinfang.analysis.actions import OfferedSuggestion, do_record_accepted_suggestions
from xinfang.cases import workflow
from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import AppealLevel, Case, Category
from xinfang.cases.states import FINISHED
from xinfang.core.clock import chinese_date
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.actions import do_issue_document
from xinfang.documents.kinds import DocumentKind
from xinfang.orgs.models import TERRITORIAL_KINDS, Organisation, OrgKind, User
from xinfang.orgs.scoping import discipline_body_for, orgs_in_scope

# Bodies a petition can be routed to for handling: not villages (they have no handling powers
# of their own) and not the petition bureau itself.
ROUTABLE_KINDS = (
    OrgKind.CITY,
    OrgKind.COUNTY,
    OrgKind.TOWNSHIP,
    OrgKind.DEPARTMENT,
    OrgKind.DISCIPLINE,
    OrgKind.COURT,
)


def routing_scope(actor: User) -> QuerySet[Organisation]:
    """Where an office may route to: its jurisdiction. A bureau's is its territory (orgs_in_scope);
    a department that receives a petition outside its remit routes within its government's territory."""
    office = actor.organisation
    territory = office
    while territory is not None and territory.kind not in TERRITORIAL_KINDS:
        territory = territory.parent
    if territory is None:
        return orgs_in_scope(actor)
    return Organisation.objects.filter(path__startswith=territory.path)


def routable_orgs(actor: User) -> list[Organisation]:
    return list(routing_scope(actor).filter(kind__in=ROUTABLE_KINDS).order_by("path"))


def check_target(case: Case, target: Organisation | None, actor: User) -> Organisation:
    if target is None:
        raise XinfangError(ErrorCode.TARGET_ORG_REQUIRED, field="target_org")
    if target.kind not in ROUTABLE_KINDS or not routing_scope(actor).filter(pk=target.pk).exists():
        raise XinfangError(ErrorCode.TARGET_ORG_INVALID, field="target_org")
    if within_accused_unit(case, target):
        raise XinfangError(ErrorCode.ACCUSED_CANNOT_HANDLE, field="target_org")
    return target


def within_accused_unit(case: Case, org: Organisation | None) -> bool:
    """Is `org` the unit an accusation is against, or inside it (Art.30: it must never see it)?"""
    if org is None or case.category != Category.ACCUSATION or case.accused_org is None:
        return False
    return org.path.startswith(case.accused_org.path)


@dataclass
class RouteInput:
    target_org: Organisation | None
    note: str = ""  # 拟办意见: what the receiving office asks of the unit
    report_due: date | None = None  # 交办 only: when the result must be reported
    expected_seq: int | None = None
    # A responsible-unit suggestion the user accepted on the step page (analysis.actions).
    accepted_suggestions: list[OfferedSuggestion] = field(default_factory=list)


def do_transfer(*, actor: User, case: Case, data: RouteInput) -> Case:
    with transaction.atomic():
        case = workflow.begin(case, "transfer", actor=actor, expected_seq=data.expected_seq)
        target = check_target(case, data.target_org, actor)
        workflow.apply(
            case,
            "transfer",
            actor=actor,
            changes={"responsible_org": target},
            data={"to_org": target.pk, "to_org_name": target.full_name, "note": data.note},
        )
        do_issue_document(
            actor=actor,
            case=case,
            kind=DocumentKind.TRANSFER_SLIP,
            fields={"requirements": data.note},
            addressee=target.full_name,
        )
        do_record_accepted_suggestions(actor=actor, case=case, offered=data.accepted_suggestions)
    return case


def do_assign(*, actor: User, case: Case, data: RouteInput) -> Case:
    with transaction.atomic():
        case = workflow.begin(case, "assign", actor=actor, expected_seq=data.expected_seq)
        target = check_target(case, data.target_org, actor)
        if data.report_due is None:
            raise XinfangError(ErrorCode.REPORT_DUE_REQUIRED, field="report_due")
        if data.report_due <= workflow.today():
            raise XinfangError(ErrorCode.REPORT_DUE_INVALID, field="report_due")
        workflow.apply(
            case,
            "assign",
            actor=actor,
            changes={"responsible_org": target},
            report_due=data.report_due,
            data={
                "to_org": target.pk,
                "to_org_name": target.full_name,
                "note": data.note,
                "report_due": data.report_due.isoformat(),
            },
        )
        report = workflow.live_deadline(case, "assigned_report")
        assert report is not None
        do_issue_document(
            actor=actor,
            case=case,
            kind=DocumentKind.ASSIGNMENT_SLIP,
            fields={
                "requirements": data.note,
                "report_due_date": chinese_date(report.due_on),
            },
            addressee=target.full_name,
        )
        do_record_accepted_suggestions(actor=actor, case=case, offered=data.accepted_suggestions)
    return case


@dataclass
class GuideInput:
    legal_route: str  # e.g. 向人民法院提起诉讼 / 申请劳动人事争议仲裁 / 申请行政复议
    reason: str
    expected_seq: int | None = None


def do_guide_to_legal_route(*, actor: User, case: Case, data: GuideInput) -> Case:
    """诉访分离: a matter with a legal route is not accepted as a petition; the petitioner is told
    where to go instead."""
    with transaction.atomic():
        case = workflow.begin(case, "guide_to_legal_route", actor=actor, expected_seq=data.expected_seq)
        _require(data.legal_route, "legal_route")
        _require(data.reason, "reason")
        workflow.apply(
            case,
            "guide_to_legal_route",
            actor=actor,
            data={"legal_route": data.legal_route.strip(), "reason": data.reason.strip()},
        )
        do_issue_document(
            actor=actor,
            case=case,
            kind=DocumentKind.REJECTION_NOTICE,
            fields={"reason": data.reason.strip(), "correct_route": data.legal_route.strip()},
        )
    return case


def do_send_to_discipline(
    *, actor: User, case: Case, note: str = "", expected_seq: int | None = None
) -> Case:
    """Accusations go to discipline inspection (Art.30); the accuser's identity stays with it."""
    with transaction.atomic():
        case = workflow.begin(case, "send_to_discipline", actor=actor, expected_seq=expected_seq)
        body = discipline_body_for(actor)
        if body is None:
            raise XinfangError(ErrorCode.DISCIPLINE_BODY_MISSING)
        if within_accused_unit(case, body):
            # An accusation against discipline inspection itself goes to the level above, by hand.
            raise XinfangError(ErrorCode.ACCUSED_CANNOT_HANDLE)
        workflow.apply(
            case,
            "send_to_discipline",
            actor=actor,
            changes={"responsible_org": body},
            data={"to_org": body.pk, "to_org_name": body.full_name, "note": note},
        )
        do_issue_document(
            actor=actor,
            case=case,
            kind=DocumentKind.TRANSFER_SLIP,
            fields={"requirements": note},
            addressee=body.full_name,
        )
    return case


def final_case_for(actor: User, number: str) -> Case:
    """The earlier case whose re-review decision ends the matter (Art.36), as the user may see it."""
    earlier = cases_visible_to(actor).filter(number=number.strip()).first()
    if (
        earlier is None
        or not earlier.appeals.filter(level=AppealLevel.RE_REVIEW, decided_on__isnull=False).exists()
    ):
        raise XinfangError(ErrorCode.FINAL_CASE_INVALID, field="final_case_number")
    return earlier


def do_refuse_again(
    *, actor: User, case: Case, final_case_number: str, expected_seq: int | None = None
) -> Case:
    """不再受理: the same matter after a re-review decision is refused with a reference to it."""
    from xinfang.documents.models import CaseDocument

    with transaction.atomic():
        case = workflow.begin(case, "refuse_again", actor=actor, expected_seq=expected_seq)
        if not final_case_number.strip():
            raise XinfangError(ErrorCode.FINAL_CASE_REQUIRED, field="final_case_number")
        earlier = final_case_for(actor, final_case_number)
        decision = (
            CaseDocument.objects.filter(case=earlier, kind=DocumentKind.RE_REVIEW_DECISION)
            .order_by("-issued_at")
            .first()
        )
        reference = f"{earlier.number}" + (f"（复核意见书 {decision.number}）" if decision else "")
        workflow.apply(
            case,
            "refuse_again",
            actor=actor,
            changes={"final_case": earlier},
            data={"final_case": earlier.pk, "final_case_number": earlier.number},
        )
        do_issue_document(
            actor=actor, case=case, kind=DocumentKind.REFUSAL_NOTICE, fields={"final_decision_ref": reference}
        )
    return case


def do_merge(*, actor: User, case: Case, into_number: str, expected_seq: int | None = None) -> Case:
    """A duplicate goes into the case it repeats; both keep their history and point at each other."""
    from xinfang.cases import events

    with transaction.atomic():
        found = cases_visible_to(actor).filter(number=into_number.strip()).first()
        if found is None or found.pk == case.pk:
            workflow.begin(case, "merge", actor=actor, expected_seq=expected_seq)  # its own refusal first
            raise XinfangError(ErrorCode.MERGE_TARGET_INVALID, field="into_number")
        # Both rows locked in one statement in id order, so two merges A->B and B->A cannot deadlock.
        locked = {
            c.pk: c
            for c in Case.objects.select_for_update().filter(pk__in=[case.pk, found.pk]).order_by("pk")
        }
        case = workflow.begin(locked[case.pk], "merge", actor=actor, expected_seq=expected_seq)
        target = locked[found.pk]
        if target.status in FINISHED or within_accused_unit(
            case, target.responsible_org or target.receiving_org
        ):
            # Merging would write this accusation's number into a case its accused unit can read.
            raise XinfangError(ErrorCode.MERGE_TARGET_INVALID, field="into_number")
        workflow.apply(
            case,
            "merge",
            actor=actor,
            changes={"merged_into": target},
            data={"into": target.pk, "into_number": target.number},
        )
        events.record_merged_in(target, actor, case)
    return case


def _require(value: str, field: str) -> None:
    if not value.strip():
        raise XinfangError(ErrorCode.REASON_REQUIRED, field=field)
