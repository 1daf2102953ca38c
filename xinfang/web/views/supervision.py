"""督查督办 pages: the board of running clocks, sending a 催办/督办 about one, a page per notice
(its answer, or the form to answer and to escalate), the notices list, and acknowledging a
deadline warning from the workbench.

Thin views: parse the form, obtain objects through `access_*`, call one action. A refused
role or scope, or a missing object, is an error page (403 / 404) and changes nothing; any
other problem re-renders the form with what was typed (400).
"""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.cases.states import OPEN, Status
from xinfang.core.clock import chinese_date
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines import rules
from xinfang.deadlines.calendar import Unit
from xinfang.deadlines.models import Deadline
from xinfang.deadlines.selectors import load_calendar
from xinfang.supervision.actions import (
    do_acknowledge_alert,
    do_answer_supervision,
    do_escalate,
    do_send_reminder,
    do_send_supervision_notice,
    escalation_label,
)
from xinfang.supervision.forms import AnswerForm, BoardFilterForm, EscalateForm, NoticeForm
from xinfang.supervision.models import Supervision, SupervisionKind
from xinfang.supervision.selectors import (
    CAN_SUPERVISE,
    Horizon,
    access_alert,
    access_board_deadline,
    access_supervision,
    board_deadlines,
    board_rows,
    can_answer,
    can_supervise,
    notices_listed,
    notices_to_unit,
    target_of,
    with_board_relations,
)
from xinfang.web.errors import add_form_error
from xinfang.web.views.common import current_user, login_required

# Errors shown as a page of their own: nothing to correct in the form.
# Counting every running clock of a county costs more than the page; beyond this the board says
# "more than" (filters by unit and level narrow it).
COUNT_CAP = 1_000
# The answer date a new notice offers: this many working days ahead.
DEFAULT_ANSWER_WORKING_DAYS = 5


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _capped_count(clocks: QuerySet[Deadline], cap: int = COUNT_CAP) -> tuple[int, bool]:
    # The board's own order is kept: it makes PostgreSQL walk the due-date index and stop at the cap,
    # where an unordered count would join every running clock with its case first (ten times slower).
    count = clocks[: cap + 1].count()
    return min(count, cap), count > cap


def _default_answer_due() -> date:
    return load_calendar().due(Horizon.now().today, DEFAULT_ANSWER_WORKING_DAYS, Unit.WORKING).due


# --- the board --------------------------------------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = BoardFilterForm(request.GET or None, user=user)
    if form.is_bound and not form.is_valid():
        raise XinfangError(ErrorCode.SUPERVISION_FILTER_INVALID)
    horizon = Horizon.now()
    clocks = board_deadlines(user, form.to_filter(), horizon)
    page = _page_number(request)
    size = settings.LEDGER_PAGE_SIZE
    found = list(with_board_relations(clocks)[(page - 1) * size : page * size + 1])
    total, more = _capped_count(clocks)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "rows": board_rows(user, found[:size], horizon),
        "horizon": horizon,
        "page": page,
        "has_next": len(found) > size,
        "total": total,
        "total_is_capped": more,
        "query": urlencode(query, doseq=True),
        "warning_days": settings.DEADLINE_WARNING_DAYS,
    }
    return render(request, "web/supervision_board.html", context)


# --- sending a notice about a clock -----------------------------------------------------------------------


def _suggested_demand(deadline: Deadline, horizon: Horizon) -> str:
    period = rules.BY_CODE.get(deadline.kind)
    label = period.label if period else deadline.kind
    days = (deadline.due_on - horizon.today).days
    when = (
        f"已于{chinese_date(deadline.due_on)}届满，超期{-days}日"
        if days < 0
        else f"将于{chinese_date(deadline.due_on)}届满"
    )
    return f"该事项“{label}”期限{when}。请抓紧依法办理，并在回复期限前书面回复办理进展。"


def _check_may_send(user: Any, deadline: Deadline) -> None:
    """Refused before a form is shown: a wrong role or a unit outside the user's reach."""
    if user.role not in CAN_SUPERVISE:
        raise XinfangError(ErrorCode.SUPERVISION_NOT_ALLOWED)
    unit = target_of(deadline, deadline.case.responsible_org, deadline.case.receiving_org)
    if not can_supervise(user, unit):
        raise XinfangError(ErrorCode.SUPERVISION_TARGET_INVALID, unit.full_name)
    if Status(deadline.case.status) not in OPEN:
        raise XinfangError(ErrorCode.SUPERVISION_CASE_FINISHED, deadline.case.status_label)


@login_required
def notice_new(request: HttpRequest, deadline_id: int) -> HttpResponse:
    user = current_user(request)
    deadline = access_board_deadline(user, deadline_id)
    _check_may_send(user, deadline)
    horizon = Horizon.now()
    if request.method != "POST":
        kind = request.GET.get("kind")
        form = NoticeForm(
            initial={
                "kind": kind if kind in SupervisionKind.values else SupervisionKind.REMIND,
                "demand": _suggested_demand(deadline, horizon),
                "answer_due": _default_answer_due(),
            }
        )
        return _render_notice_form(request, deadline, form, horizon)
    form = NoticeForm(request.POST)
    if form.is_valid():
        data = form.to_input(deadline)
        send = (
            do_send_reminder
            if form.cleaned_data["kind"] == SupervisionKind.REMIND
            else do_send_supervision_notice
        )
        try:
            supervision = send(actor=user, case=deadline.case, data=data)
        except XinfangError as error:
            add_form_error(form, error)
        else:
            messages.success(request, f"已发出{supervision.title}，文号 {supervision.document.number}。")
            return redirect("web:supervision_notice", supervision_id=supervision.pk)
    return _render_notice_form(request, deadline, form, horizon, status=400)


def _render_notice_form(
    request: HttpRequest, deadline: Deadline, form: NoticeForm, horizon: Horizon, status: int = 200
) -> HttpResponse:
    period = rules.BY_CODE.get(deadline.kind)
    context = {
        "deadline": deadline,
        "case": deadline.case,
        "label": period.label if period else deadline.kind,
        "article": period.article if period else "",
        "level": horizon.level(deadline.due_on),
        "days_left": (deadline.due_on - horizon.today).days,
        "form": form,
        "earlier": Supervision.objects.filter(deadline=deadline).select_related("target_org__parent"),
    }
    return render(request, "web/supervision_notice_form.html", context, status=status)


# --- one notice: its answer, answering, escalating --------------------------------------------------------


def _render_notice(
    request: HttpRequest, supervision: Supervision, status: int = 200, **forms: Form
) -> HttpResponse:
    user = current_user(request)
    open_case = supervision.case.is_open
    escalated = Supervision.objects.filter(escalated_from=supervision).first()
    next_step = escalation_label(supervision)
    today = Horizon.now().today
    overdue = not supervision.is_answered and supervision.answer_due < today
    may_escalate = (
        open_case
        and escalated is None
        and next_step is not None
        and can_supervise(user, supervision.target_org)
    )
    context = {
        "notice": supervision,
        "escalated": escalated,
        "can_answer": open_case
        and not supervision.is_answered
        and escalated is None
        and can_answer(user, supervision),
        # Escalation follows an answer that does not do, or silence past the answer date.
        "can_escalate": may_escalate and (supervision.is_answered or overdue),
        "escalate_later": may_escalate and not (supervision.is_answered or overdue),
        "next_step": next_step,
        "overdue": overdue,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "escalate_form": forms.get("escalate_form")
        or EscalateForm(initial={"answer_due": _default_answer_due()}),
        "page_errors": [str(e) for form in forms.values() for e in form.non_field_errors()],
    }
    return render(request, "web/supervision_notice.html", context, status=status)


@login_required
def notice(request: HttpRequest, supervision_id: int) -> HttpResponse:
    return _render_notice(request, access_supervision(current_user(request), supervision_id))


@login_required
@require_POST
def notice_answer(request: HttpRequest, supervision_id: int) -> HttpResponse:
    user = current_user(request)
    supervision = access_supervision(user, supervision_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            do_answer_supervision(actor=user, supervision=supervision, answer=form.cleaned_data["answer"])
        except XinfangError as error:
            add_form_error(form, error)
        else:
            messages.success(request, "已书面回复。")
            return redirect("web:supervision_notice", supervision_id=supervision.pk)
    return _render_notice(request, supervision, status=400, answer_form=form)


@login_required
@require_POST
def notice_escalate(request: HttpRequest, supervision_id: int) -> HttpResponse:
    user = current_user(request)
    supervision = access_supervision(user, supervision_id)
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            escalated = do_escalate(actor=user, supervision=supervision, data=form.to_input())
        except XinfangError as error:
            add_form_error(form, error)
        else:
            messages.success(request, f"已升级为{escalated.title}，文号 {escalated.document.number}。")
            return redirect("web:supervision_notice", supervision_id=escalated.pk)
    return _render_notice(request, supervision, status=400, escalate_form=form)


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = _page_number(request)
    size = settings.LEDGER_PAGE_SIZE
    listed = list(notices_listed(user)[(page - 1) * size : page * size + 1])
    context = {
        "to_unit": notices_to_unit(user)[:50],
        "rows": listed[:size],
        "page": page,
        "has_next": len(listed) > size,
        "today": Horizon.now().today,
    }
    return render(request, "web/supervision_notices.html", context)


# --- warnings on the workbench ------------------------------------------------------------------------------


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = current_user(request)
    alert = access_alert(user, alert_id)
    do_acknowledge_alert(actor=user, alert=alert)
    messages.success(request, "已知悉该期限预警。")
    return redirect("web:workbench")
