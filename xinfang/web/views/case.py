"""The case page, full personal data on request (logged), and attachment downloads."""

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from xinfang.cases import workflow
from xinfang.cases.access import access_attachment, access_case
from xinfang.cases.events import KIND_LABELS, EventKind
from xinfang.cases.models import CaseArchive, Rating, Satisfaction
from xinfang.cases.selectors import case_documents, deadline_rows
from xinfang.cases.uploads import INLINE_TYPES, SERVED_TYPES, storage_path
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.kinds import DocumentKind
from xinfang.leaders.actions import can_assign_leader_case
from xinfang.leaders.models import LeaderCase
from xinfang.notifications.selectors import deliveries_for_case
from xinfang.orgs.roles import CAN_REGISTER, CAN_SEE_PERSONAL_DATA
from xinfang.people.actions import do_reveal_personal_data
from xinfang.portal.actions import do_issue_query_code
from xinfang.web.forms import client_ip
from xinfang.web.views.common import current_user, login_required

# What a history line shows of an event's data, in this order.
SUMMARY_KEYS = (
    ("to_org_name", "至"),
    ("body_name", "机关"),
    ("report_due", "报送期限"),
    ("legal_route", "途径"),
    ("reason", "理由"),
    ("days", "延长天数"),
    ("grounds", "申请理由"),
    ("outcome", "结论"),
    ("decision", "意见"),
    ("level", "评价"),
    ("into_number", "并入"),
    ("duplicate_number", "重复事项"),
    ("final_case_number", "原事项"),
    ("note", "备注"),
)
# Coded values shown by their Chinese names.
VALUE_LABELS = {"level": dict(Satisfaction.choices)}


def event_summary(kind: str, data: dict[str, object]) -> str:
    """A short line of what an event decided, for the history on the case page."""
    if kind == EventKind.DOCUMENT_ISSUED:
        return f"{dict(DocumentKind.choices).get(str(data.get('kind')), '')} {data.get('number', '')}".strip()
    accepted = data.get("accepted")
    if kind == EventKind.SUGGESTIONS_ACCEPTED and isinstance(accepted, list):
        items = [item for item in accepted if isinstance(item, dict)]
        lines = [
            f"{item.get('capability_label')}：{item.get('label')}（{item.get('version')}）" for item in items
        ]
        return "；".join(lines)[:300]
    parts = [
        f"{label}：{VALUE_LABELS.get(key, {}).get(str(data[key]), data[key])}"
        for key, label in SUMMARY_KEYS
        if data.get(key) not in (None, "")
    ]
    return "；".join(parts)[:300]


def _render_case(
    request: HttpRequest,
    case_id: int,
    revealed: dict[int, object] | None = None,
    issued_code: str | None = None,
) -> HttpResponse:
    user = current_user(request)
    case = access_case(user, case_id)
    parties = list(case.parties.select_related("petitioner").prefetch_related("petitioner__phones"))
    history = [
        {
            "event": event,
            "label": KIND_LABELS.get(event.kind, event.kind),
            "summary": event_summary(event.kind, event.data),
        }
        for event in case.events.select_related("actor").order_by("seq")
    ]
    context = {
        "case": case,
        "parties": parties,
        "history": history,
        "attachments": case.attachments.all(),
        "revealed": revealed or {},
        "can_reveal": user.role in CAN_SEE_PERSONAL_DATA,
        "steps": workflow.allowed_transitions(case, user),
        "deadlines": deadline_rows(case),
        "documents": case_documents(case),
        "appeals": case.appeals.select_related("body"),
        "rating": Rating.objects.filter(case=case).first(),
        "archive": CaseArchive.objects.filter(case=case).first(),
        "today": workflow.today(),
        "leader_cases": LeaderCase.objects.filter(case=case).select_related("leader").order_by("-id"),
        "can_assign_leader": can_assign_leader_case(user) and case.is_open,
        "can_issue_query_code": user.role in CAN_REGISTER and case.status != "archived",
        "issued_code": issued_code,
        "notifications": deliveries_for_case(case),
    }
    return render(request, "web/case_detail.html", context)


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render_case(request, case_id)


@login_required
@require_POST
def reveal_personal_data(request: HttpRequest, case_id: int, petitioner_id: int) -> HttpResponse:
    user = current_user(request)
    case = access_case(user, case_id)
    party = case.parties.select_related("petitioner").filter(petitioner_id=petitioner_id).first()
    if party is None:
        raise XinfangError(ErrorCode.CASE_NOT_FOUND)
    revealed = do_reveal_personal_data(
        actor=user, case=case, petitioner=party.petitioner, ip_address=client_ip(request)
    )
    return _render_case(request, case_id, {party.petitioner_id: revealed})


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = access_attachment(current_user(request), attachment_id)
    content_type = SERVED_TYPES.get(attachment.content_type, attachment.content_type)
    response = FileResponse(
        open(storage_path(attachment.storage_name), "rb"),
        content_type=content_type,
        as_attachment=attachment.content_type not in INLINE_TYPES,
        filename=attachment.original_name,
    )
    # Even a file shown inline may run nothing and reach nothing.
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def archive_download(request: HttpRequest, case_id: int) -> FileResponse:
    case = access_case(current_user(request), case_id)
    archive = CaseArchive.objects.filter(case=case).first()
    if archive is None:
        raise XinfangError(ErrorCode.CASE_NOT_FOUND)
    response = FileResponse(
        open(settings.ARCHIVE_ROOT / archive.storage_name, "rb"),
        content_type="application/zip",
        as_attachment=True,
        filename=f"{case.number}-案卷.zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def issue_query_code(request: HttpRequest, case_id: int) -> HttpResponse:
    """A new query code for the petitioner to follow the case online; shown on this page once,
    never stored in clear (an earlier code stops working)."""
    user = current_user(request)
    case = access_case(user, case_id)
    code = do_issue_query_code(actor=user, case=case)
    response = _render_case(request, case_id, issued_code=code)
    response["Cache-Control"] = "no-store"
    return response
