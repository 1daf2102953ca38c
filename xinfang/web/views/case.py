"""The case page, full personal data on request (logged), and attachment downloads."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from xinfang.cases.access import access_attachment, access_case
from xinfang.cases.events import KIND_LABELS
from xinfang.cases.uploads import INLINE_TYPES, SERVED_TYPES, storage_path
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.roles import CAN_SEE_PERSONAL_DATA
from xinfang.people.actions import do_reveal_personal_data
from xinfang.web.forms import client_ip
from xinfang.web.views.common import current_user, login_required


def _render_case(
    request: HttpRequest, case_id: int, revealed: dict[int, object] | None = None
) -> HttpResponse:
    user = current_user(request)
    case = access_case(user, case_id)
    parties = list(case.parties.select_related("petitioner").prefetch_related("petitioner__phones"))
    history = [
        {"event": event, "label": KIND_LABELS.get(event.kind, event.kind)}
        for event in case.events.select_related("actor").order_by("seq")
    ]
    context = {
        "case": case,
        "parties": parties,
        "history": history,
        "attachments": case.attachments.all(),
        "revealed": revealed or {},
        "can_reveal": user.role in CAN_SEE_PERSONAL_DATA,
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
