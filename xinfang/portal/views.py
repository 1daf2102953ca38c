"""The public pages (网上信访): thin views — parse, one action, render — with the portal's own
templates. No view here reads `request.user`: the petitioner has no account, and a staff login in
the same browser opens nothing here. Errors are shown on portal pages, never the staff's.
"""

import io
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.cases.actions.appeal import AppealRequestInput, do_request_appeal
from xinfang.cases.actions.close import RatingInput, do_rate
from xinfang.cases.actions.staging import do_stage_uploads
from xinfang.cases.models import AppealLevel, Case, StagedUpload
from xinfang.cases.selectors import staged_uploads_of
from xinfang.core import crypto
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.render import DOCX_CONTENT_TYPE
from xinfang.portal import captcha, statistics
from xinfang.portal.actions import (
    SubmissionInput,
    do_ensure_portal_account,
    do_look_up_case,
    do_mark_receipt_shown,
    do_submit_petition,
    submission_token,
)
from xinfang.portal.codes import code_from_token
from xinfang.portal.forms import AppealForm, LookupForm, RatingForm, SubmissionForm, mark_invalid
from xinfang.portal.selectors import access_petitioner_document, receiving_office_for, tracked_case
from xinfang.portal.tracking import access_tracked_case, start_tracking, stop_tracking
from xinfang.web.forms import client_ip

STATUS_BY_CODE = {
    ErrorCode.PORTAL_LOOKUP_THROTTLED: 429,
    ErrorCode.PORTAL_TRACKING_REQUIRED: 403,
    ErrorCode.PORTAL_DOCUMENT_NOT_FOUND: 404,
    ErrorCode.PORTAL_RECEIPT_SHOWN: 410,
    ErrorCode.PORTAL_WEEK_INVALID: 404,
    ErrorCode.PORTAL_FORM_EXPIRED: 400,
    ErrorCode.WRONG_STATUS: 409,
    ErrorCode.CASE_CHANGED: 409,
}
FORM_TOKENS_KEY = "portal_forms"  # digests of the submission forms this session was given
UPLOADS_KEY = "portal_uploads"  # staged uploads this session made
RECEIPT_KEY = "portal_receipt"  # the token of the form just submitted, until its receipt is shown
NOTICE_KEY = "portal_notice"  # one line for the case page after a step
MAX_FORMS = 5
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')

View = Callable[..., HttpResponseBase]


def public_page(*, private: bool) -> Callable[[View], View]:
    """Render a refused step as a portal error page with its code; `private` pages (anything with
    personal data, a form or a code) are never stored by the browser or a proxy."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                response: HttpResponseBase = view(request, *args, **kwargs)
            except XinfangError as error:
                status = STATUS_BY_CODE.get(error.code, 400)
                response = render(request, "portal/error.html", {"error": error}, status=status)
            if private:
                response["Cache-Control"] = "no-store"
            return response

        return wrapped

    return decorate


# -- guidance --------------------------------------------------------------------------------------


@require_GET
@public_page(private=False)
def guidance(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/guidance.html")


# -- submission ------------------------------------------------------------------------------------


def _token_digest(form_token: str) -> str:
    return crypto.keyed_digest(form_token, purpose="portal-form-token")


def _issue_form_token(request: HttpRequest) -> str:
    token = secrets.token_urlsafe(24)
    issued = [*request.session.get(FORM_TOKENS_KEY, []), _token_digest(token)]
    request.session[FORM_TOKENS_KEY] = issued[-MAX_FORMS:]
    return token


def _form_token_issued(request: HttpRequest, form_token: str) -> bool:
    return bool(form_token) and _token_digest(form_token) in request.session.get(FORM_TOKENS_KEY, [])


def _forget_form_token(request: HttpRequest, form_token: str) -> None:
    digest = _token_digest(form_token)
    request.session[FORM_TOKENS_KEY] = [d for d in request.session.get(FORM_TOKENS_KEY, []) if d != digest]


def _prepare(form: Any) -> None:
    """Errors marked for screen readers; the used captcha answer not shown again (a new image is)."""
    mark_invalid(form)
    if form.is_bound:
        data = form.data.copy()
        data["captcha_answer"] = ""
        form.data = data


def _typed(request: HttpRequest) -> dict[str, str]:
    """What the visitor typed, to fill the form in again (not the captcha they did not answer)."""
    return {k: v for k, v in request.POST.dict().items() if k not in ("captcha_id", "captcha_answer")}


def _render_submission(
    request: HttpRequest, form: SubmissionForm, staged: list[StagedUpload], status: int = 200
) -> HttpResponse:
    _prepare(form)
    context = {
        "form": form,
        "staged": staged,
        "challenge": captcha.new_challenge(request.session, "submit"),
        "max_attachments": settings.PORTAL_MAX_ATTACHMENTS,
        "max_megabytes": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "portal/submit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@public_page(private=True)
def submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = SubmissionForm(initial={"form_token": _issue_form_token(request)})
        return _render_submission(request, form, [])

    form_token = request.POST.get("form_token", "")
    if not _form_token_issued(request, form_token):
        raise XinfangError(ErrorCode.PORTAL_FORM_EXPIRED)
    if Case.objects.filter(submission_token=submission_token(form_token)).exists():
        # The same form again (a double click, a resend): the receipt of the case it made.
        request.session[RECEIPT_KEY] = form_token
        return redirect("portal:receipt")
    if "new_captcha" in request.POST:
        # "换一张" without script: the same form, filled in as it was, with a new image.
        kept, _ = _kept_uploads(request, None)
        return _render_submission(request, SubmissionForm(initial=_typed(request)), kept)

    form = SubmissionForm(request.POST, request.FILES)
    form.is_valid()
    files = request.FILES.getlist("attachments")
    try:
        captcha.check_answer(
            request.session,
            "submit",
            request.POST.get("captcha_id", ""),
            request.POST.get("captcha_answer", ""),
        )
    except XinfangError as error:
        form.add_error("captcha_answer", str(error))
        if files:
            # Nothing is stored for a form whose captcha failed: the portal is open to anyone.
            form.add_error("attachments", XinfangError(ErrorCode.PORTAL_ATTACHMENTS_NOT_KEPT).message)
        files = []
    place = form.cleaned_data.get("place_region")
    office = receiving_office_for(place) if place is not None else None
    staged, lost = _kept_uploads(request, office)
    if lost:
        form.add_error("attachments", XinfangError(ErrorCode.PORTAL_ATTACHMENTS_NOT_KEPT).message)
    if files:
        if len(files) + len(staged) > settings.PORTAL_MAX_ATTACHMENTS:
            form.add_error("attachments", XinfangError(ErrorCode.PORTAL_TOO_MANY_FILES).message)
        elif office is None:
            form.add_error("attachments", XinfangError(ErrorCode.PORTAL_ATTACHMENTS_NOT_KEPT).message)
        else:
            result = do_stage_uploads(actor=do_ensure_portal_account(office), files=files)
            mine = [*request.session.get(UPLOADS_KEY, []), *(s.token for s in result.staged)]
            request.session[UPLOADS_KEY] = mine[-4 * settings.PORTAL_MAX_ATTACHMENTS :]
            staged += result.staged
            for problem in result.errors:
                form.add_error("attachments", str(problem))

    if form.is_valid():
        data = SubmissionInput(
            name=form.cleaned_data["name"],
            id_number=form.cleaned_data["id_number"],
            phone=form.cleaned_data["phone"],
            address=form.cleaned_data["address"],
            email=form.cleaned_data["email"],
            category=form.cleaned_data["category"],
            topic=form.cleaned_data["topic"],
            place_region=form.cleaned_data["place_region"],
            place_address=form.cleaned_data["place_address"],
            accused=form.cleaned_data["accused"],
            accused_org=form.cleaned_data["accused_org"],
            title=form.cleaned_data["title"],
            facts=form.cleaned_data["facts"],
            request=form.cleaned_data["request"],
            staged_upload_tokens=[s.token for s in staged],
            form_token=form_token,
        )
        try:
            do_submit_petition(data=data)
        except XinfangError as problem:
            # What the form cannot see (the place has no receiving office; a rule of registration).
            form.add_error(problem.field if problem.field in form.fields else None, str(problem))
        else:
            request.session[RECEIPT_KEY] = form_token
            return redirect("portal:receipt")
    return _render_submission(request, form, staged, status=400)


def _kept_uploads(request: HttpRequest, office: Any) -> tuple[list[StagedUpload], bool]:
    """The uploads this session staged that the form still ticks, as kept for the office the form
    now names, and whether some were kept for another one (the place changed: choose them again)."""
    mine = set(request.session.get(UPLOADS_KEY, []))
    ticked = [token for token in request.POST.getlist("staged_uploads") if token in mine]
    if not ticked:
        return [], False
    if office is None:
        return list(StagedUpload.objects.filter(token__in=ticked).order_by("created_at")), False
    kept = staged_uploads_of(do_ensure_portal_account(office), ticked)
    return kept, len(kept) < len(ticked)


@require_GET
@public_page(private=True)
def receipt(request: HttpRequest) -> HttpResponse:
    """The case number and, this once, the query code."""
    form_token = request.session.pop(RECEIPT_KEY, "")
    case = (
        Case.objects.select_related("receiving_org")
        .filter(submission_token=submission_token(form_token))
        .first()
        if form_token
        else None
    )
    if case is None:
        raise XinfangError(ErrorCode.PORTAL_RECEIPT_SHOWN)
    _forget_form_token(request, form_token)
    context: dict[str, Any] = {"case": case, "received": timezone.localtime(case.received_at)}
    if do_mark_receipt_shown(case):
        context["code"] = code_from_token(form_token)
    else:
        context["already_shown"] = XinfangError(ErrorCode.PORTAL_RECEIPT_SHOWN)
    return render(request, "portal/receipt.html", context)


@require_GET
@public_page(private=True)
def captcha_new(request: HttpRequest) -> HttpResponse:
    """A new captcha image for the page's "换一张" button (JSON)."""
    purpose = request.GET.get("purpose", "")
    if purpose not in captcha.PURPOSES:
        return JsonResponse({"error": "purpose"}, status=400)
    challenge = captcha.new_challenge(request.session, purpose)
    return JsonResponse({"id": challenge.id, "image": challenge.image, "alt": challenge.alt})


# -- tracking --------------------------------------------------------------------------------------


def _render_lookup(request: HttpRequest, form: LookupForm, status: int = 200) -> HttpResponse:
    _prepare(form)
    context = {"form": form, "challenge": captcha.new_challenge(request.session, "lookup")}
    return render(request, "portal/lookup.html", context, status=status)


@require_http_methods(["GET", "POST"])
@public_page(private=True)
def track(request: HttpRequest) -> HttpResponse:
    """Enter the query code and the phone's last four digits."""
    if request.method != "POST":
        return _render_lookup(request, LookupForm())
    if "new_captcha" in request.POST:  # "换一张" without script
        return _render_lookup(request, LookupForm(initial=_typed(request)))
    form = LookupForm(request.POST)
    status = 400
    try:
        captcha.check_answer(
            request.session,
            "lookup",
            request.POST.get("captcha_id", ""),
            request.POST.get("captcha_answer", ""),
        )
    except XinfangError as error:
        form.add_error("captcha_answer", str(error))
    if form.is_valid():
        try:
            found = do_look_up_case(
                code=form.cleaned_data["code"],
                phone_last4=form.cleaned_data["phone_last4"],
                ip_address=client_ip(request),
            )
        except XinfangError as error:
            form.add_error(None, str(error))
            status = STATUS_BY_CODE.get(error.code, 400)
        else:
            start_tracking(request, found)
            return redirect("portal:track_case")
    return _render_lookup(request, form, status=status)


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    rating_form: RatingForm | None = None,
    appeal_form: AppealForm | None = None,
    error: XinfangError | None = None,
    status: int = 200,
) -> HttpResponse:
    for form in (rating_form, appeal_form):
        if form is not None:
            mark_invalid(form)
    context = {
        "tracked": tracked_case(case),
        "rating_form": rating_form or RatingForm(),
        "appeal_form": appeal_form or AppealForm(),
        "error": error,
        "notice": request.session.pop(NOTICE_KEY, ""),
        "today": timezone.localdate(),
    }
    return render(request, "portal/case.html", context, status=status)


@require_GET
@public_page(private=True)
def track_case(request: HttpRequest) -> HttpResponse:
    return _render_case(request, access_tracked_case(request))


@require_POST
@public_page(private=True)
def track_rate(request: HttpRequest) -> HttpResponse:
    case = access_tracked_case(request)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, rating_form=form, status=400)
    try:
        do_rate(
            actor=None,
            case=case,
            data=RatingInput(level=form.cleaned_data["level"], comment=form.cleaned_data["comment"]),
        )
    except XinfangError as error:
        return _render_case(
            request, case, rating_form=form, error=error, status=STATUS_BY_CODE.get(error.code, 400)
        )
    request.session[NOTICE_KEY] = "感谢您的评价，评价已记录。"
    return redirect("portal:track_case")


@require_POST
@public_page(private=True)
def track_appeal(request: HttpRequest) -> HttpResponse:
    """Ask for review (复查) or re-review (复核): which one follows from where the case stands,
    never from the request."""
    case = access_tracked_case(request)
    form = AppealForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, appeal_form=form, status=400)
    window = tracked_case(case).window
    level = window.level if window is not None else AppealLevel.REVIEW
    try:
        do_request_appeal(
            actor=None, case=case, data=AppealRequestInput(level=level, grounds=form.cleaned_data["grounds"])
        )
    except XinfangError as error:
        return _render_case(
            request, case, appeal_form=form, error=error, status=STATUS_BY_CODE.get(error.code, 400)
        )
    request.session[NOTICE_KEY] = f"已提交{AppealLevel(level).label}申请。"
    return redirect("portal:track_case")


@require_GET
@public_page(private=True)
def track_document(request: HttpRequest, document_id: int) -> HttpResponseBase:
    document = access_petitioner_document(access_tracked_case(request), document_id)
    response = FileResponse(
        io.BytesIO(bytes(document.content)),
        as_attachment=True,
        filename=_UNSAFE.sub("_", f"{document.number} {document.get_kind_display()}") + ".docx",
        content_type=DOCX_CONTENT_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@public_page(private=True)
def track_exit(request: HttpRequest) -> HttpResponse:
    stop_tracking(request)
    return redirect("portal:track")


# -- public statistics -----------------------------------------------------------------------------


@require_GET
@public_page(private=False)
def statistics_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    week_text = request.GET.get("week", "")
    week = statistics.parse_week(week_text, today) if week_text else statistics.latest_complete_week(today)
    regions = statistics.region_choices()
    region_id = request.GET.get("region", "")
    region = regions.filter(pk=int(region_id)).first() if region_id.isdigit() else None
    figures = statistics.public_figures(statistics.weekly_figures(week, region))
    context = {
        "figures": figures,
        "week": week,
        "week_key": statistics.week_key(week),
        "week_label": statistics.week_label(week),
        "weeks": [(statistics.week_key(w), statistics.week_label(w)) for w in statistics.recent_weeks(today)],
        "regions": regions,
        "region": region,
        "small": statistics.SMALL,
    }
    return render(request, "portal/statistics.html", context)
