"""矛盾纠纷排查台账 pages: the ledger (board) with the system's own signals beside it, the
report form, one page per risk with its 销号 form, and the rounds page.

Thin views: parse the form, obtain objects through `access_*`, call one action. A refused
role or a missing object is an error page (403 / 404) and changes nothing; any other
problem re-renders the form with what was typed (400).
"""

import io
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.cases.access import access_case_by_number
from xinfang.cases.models import Case
from xinfang.cases.uploads import INLINE_TYPES, SERVED_TYPES, storage_path
from xinfang.core import clock
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.screening.actions import (
    EvidenceUpload,
    check_risk,
    do_close_risk,
    do_close_round,
    do_open_round,
    do_report_risk,
)
from xinfang.screening.export import export_risks
from xinfang.screening.forms import CloseRiskForm, RiskFilterForm, RiskForm, RoundForm
from xinfang.screening.models import ScreeningRisk
from xinfang.screening.selectors import (
    DUE_SOON_DAYS,
    OVERDUE,
    access_risk,
    access_round,
    board_counts,
    can_close_risk,
    can_report_risk,
    can_run_round,
    ledger_risks,
    round_list,
    system_signals,
    today,
    visible_related_case,
    with_row_relations,
)
from xinfang.web.errors import add_form_error
from xinfang.web.views.common import current_user, login_required
from xinfang.web.views.ledger import XLSX_TYPE


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


# --- the ledger ---------------------------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = RiskFilterForm(request.GET or None, user=user)
    day = today()
    risks = ledger_risks(user, form.to_filter(), day)
    page = _page_number(request)
    size = settings.LEDGER_PAGE_SIZE
    rows = list(with_row_relations(risks)[(page - 1) * size : page * size + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "tab": "board",
        "form": form,
        "rows": rows[:size],
        "overdue_rank": OVERDUE,
        "page": page,
        "has_next": len(rows) > size,
        "query": urlencode(query, doseq=True),
        "counts": board_counts(user, day),
        "signals": system_signals(user, day),
        "due_soon_days": DUE_SOON_DAYS,
        "can_report": can_report_risk(user),
    }
    return render(request, "web/screening_board.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = RiskFilterForm(request.GET or None, user=user)
    if form.is_bound and not form.is_valid():
        # An export must hold exactly what was asked for, never more.
        raise XinfangError(ErrorCode.SCREENING_FILTER_INVALID)
    day = today()
    stream = io.BytesIO()
    export_risks(
        stream, ledger_risks(user, form.to_filter(), day), today=day, max_rows=settings.LEDGER_EXPORT_MAX_ROWS
    )
    name = f"screening-{clock.local_now():%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(stream.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- reporting a risk ---------------------------------------------------------------------------


@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not can_report_risk(user):
        raise XinfangError(ErrorCode.SCREENING_REPORT_NOT_ALLOWED)
    if request.method != "POST":
        form = RiskForm(user=user, initial={"round": request.GET.get("round", "")[:12]})
        return render(request, "web/screening_report.html", {"form": form, "tab": "report"})
    form = RiskForm(request.POST, user=user)
    if form.is_valid():
        related: Case | None = None
        number = form.cleaned_data["related_case"].strip()
        try:
            if number:
                related = access_case_by_number(user, number)
        except XinfangError as error:
            error.field = "related_case"
            add_form_error(form, error)
        if not form.errors:
            data = form.to_input(related)
            problems = check_risk(data, actor=user)
            if not problems:
                risk = do_report_risk(actor=user, data=data)
                messages.success(request, f"已上报：{risk.place_region.name} {risk.level_label}矛盾纠纷。")
                return redirect("web:screening_risk", risk_id=risk.pk)
            for problem in problems:
                add_form_error(form, problem)
    return render(request, "web/screening_report.html", {"form": form, "tab": "report"}, status=400)


# --- one risk and its 销号 ----------------------------------------------------------------------


def _render_risk(
    request: HttpRequest, risk: ScreeningRisk, close_form: CloseRiskForm | None = None, status: int = 200
) -> HttpResponse:
    user = current_user(request)
    day = today()
    context = {
        "tab": "board",
        "risk": risk,
        "overdue": risk.is_open and risk.deadline < day,
        "days_left": (risk.deadline - day).days,
        "days_overdue": max((day - risk.deadline).days, 0),
        "show_case": visible_related_case(user, risk),
        "can_close": risk.is_open and can_close_risk(user, risk),
        "close_form": close_form or CloseRiskForm(),
    }
    return render(request, "web/screening_risk.html", context, status=status)


@login_required
def risk_detail(request: HttpRequest, risk_id: int) -> HttpResponse:
    return _render_risk(request, access_risk(current_user(request), risk_id))


@login_required
@require_POST
def risk_close(request: HttpRequest, risk_id: int) -> HttpResponse:
    user = current_user(request)
    risk = access_risk(user, risk_id)
    if not can_close_risk(user, risk):
        raise XinfangError(ErrorCode.SCREENING_CLOSE_NOT_ALLOWED)
    form = CloseRiskForm(request.POST, request.FILES)
    if form.is_valid():
        uploaded = form.cleaned_data["evidence"]
        evidence = (
            EvidenceUpload(name=uploaded.name or "", data=uploaded, size=uploaded.size or 0)
            if uploaded
            else None
        )
        try:
            do_close_risk(actor=user, risk=risk, note=form.cleaned_data["note"], evidence=evidence)
            messages.success(request, "已销号。")
            return redirect("web:screening_risk", risk_id=risk.pk)
        except XinfangError as error:
            add_form_error(form, error)
    return _render_risk(request, risk, close_form=form, status=400)


@login_required
def evidence_download(request: HttpRequest, risk_id: int) -> FileResponse:
    risk = access_risk(current_user(request), risk_id)
    if not risk.evidence_storage_name:
        raise XinfangError(ErrorCode.SCREENING_RISK_NOT_FOUND)
    content_type = SERVED_TYPES.get(risk.evidence_content_type, risk.evidence_content_type)
    response = FileResponse(
        open(storage_path(risk.evidence_storage_name), "rb"),
        content_type=content_type,
        as_attachment=risk.evidence_content_type not in INLINE_TYPES,
        filename=risk.evidence_name,
    )
    # Even a file shown inline may run nothing and reach nothing.
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- rounds (排查轮次) ----------------------------------------------------------------------------


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    may_run = can_run_round(user)
    form = RoundForm(user=user)
    status = 200
    if request.method == "POST":
        if not may_run:
            raise XinfangError(ErrorCode.SCREENING_ROUND_NOT_ALLOWED)
        form = RoundForm(request.POST, user=user)
        if form.is_valid():
            try:
                opened = do_open_round(
                    actor=user,
                    organisation=form.cleaned_data["organisation"],
                    period_kind=form.cleaned_data["period_kind"],
                    day=form.cleaned_data["day"],
                )
                messages.success(request, f"已组织排查：{opened}。")
                return redirect("web:screening_rounds")
            except XinfangError as error:
                add_form_error(form, error)
        status = 400
    page = _page_number(request)
    size = settings.LEDGER_PAGE_SIZE
    found = list(round_list(user)[(page - 1) * size : page * size + 1])
    for screening_round in found:
        screening_round.can_close = screening_round.is_open and can_run_round(  # type: ignore[attr-defined]
            user, screening_round.organisation
        )
    context = {
        "tab": "rounds",
        "form": form,
        "can_run": may_run,
        "can_report": can_report_risk(user),
        "rounds": found[:size],
        "page": page,
        "has_next": len(found) > size,
    }
    return render(request, "web/screening_rounds.html", context, status=status)


@login_required
@require_POST
def round_close(request: HttpRequest, round_id: int) -> HttpResponse:
    user = current_user(request)
    screening_round = access_round(user, round_id)
    do_close_round(actor=user, screening_round=screening_round)
    messages.success(request, f"已结束排查：{screening_round}。")
    return redirect("web:screening_rounds")
