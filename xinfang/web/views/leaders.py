"""Leader work pages: reception days (领导接待日) with appointments and the cases
registered there, and the 领导包案 board with one page per 包案.

Thin views: parse the form, obtain objects through `access_*`, call one action.
A refused role or a missing object is an error page (403 / 404) and changes
nothing; any other problem re-renders the form with what was typed (400).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.cases.access import access_case_by_number
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.leaders.actions import (
    CAN_ARRANGE_RECEPTION,
    CAN_LINK_RECEPTION,
    can_arrange_reception,
    can_assign_leader_case,
    can_mark_held,
    can_record_leader_step,
    can_settle_leader_case,
    check_reception_day,
    do_assign_leader_case,
    do_book_appointment,
    do_cancel_reception_day,
    do_link_case_to_reception_day,
    do_mark_reception_day_held,
    do_mark_settled,
    do_record_appointment_outcome,
    do_record_leader_step,
    do_schedule_reception_day,
)
from xinfang.leaders.forms import (
    AppointmentForm,
    AppointmentOutcomeForm,
    BoardFilterForm,
    CancelReceptionDayForm,
    LeaderCaseForm,
    LeaderStepForm,
    LinkCaseForm,
    ReceptionDayForm,
    SettleForm,
)
from xinfang.leaders.models import LeaderCase, ReceptionDay, ReceptionStatus
from xinfang.leaders.selectors import (
    access_appointment,
    access_leader_case,
    access_reception_day,
    appointments_of,
    cases_of_reception_day,
    leader_board,
    past_reception_days,
    upcoming_reception_days,
)
from xinfang.web.errors import add_form_error
from xinfang.web.views.common import current_user, login_required

# Errors shown as a page of their own: nothing to correct in the form.


def _non_field_errors(forms: dict[str, Form]) -> list[str]:
    """Shown at the top of a page with several forms: the form in question may be
    hidden by now (a day just cancelled by someone else, a 包案 just settled)."""
    return [str(error) for form in forms.values() for error in form.non_field_errors()]


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


# --- reception days ----------------------------------------------------------------------------------


@login_required
def reception_days(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = _page_number(request)
    size = settings.LEDGER_PAGE_SIZE
    past = list(past_reception_days(user)[(page - 1) * size : page * size + 1])
    context = {
        "tab": "reception",
        "upcoming": upcoming_reception_days(user),
        "past": past[:size],
        "page": page,
        "has_next": len(past) > size,
        "can_schedule": user.role in CAN_ARRANGE_RECEPTION,
    }
    return render(request, "web/leaders_reception_days.html", context)


@login_required
def reception_day_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in CAN_ARRANGE_RECEPTION:
        raise XinfangError(ErrorCode.RECEPTION_NOT_ALLOWED)
    if request.method != "POST":
        form = ReceptionDayForm(user=user, initial={"organisation": user.organisation_id})
        return render(request, "web/leaders_reception_day_form.html", {"form": form, "tab": "reception"})
    form = ReceptionDayForm(request.POST, user=user)
    if form.is_valid():
        data = form.to_input()
        problems = check_reception_day(data, actor=user)
        if not problems:
            day = do_schedule_reception_day(actor=user, data=data)
            messages.success(request, f"已安排领导接待日：{day}。")
            return redirect("web:leaders_reception_day", day_id=day.pk)
        for problem in problems:
            add_form_error(form, problem)
    return render(
        request, "web/leaders_reception_day_form.html", {"form": form, "tab": "reception"}, status=400
    )


def _render_day(request: HttpRequest, day: ReceptionDay, status: int = 200, **forms: Form) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    planned = day.status == ReceptionStatus.PLANNED
    can_arrange = can_arrange_reception(user, day.organisation)
    context = {
        "tab": "reception",
        "page_errors": _non_field_errors(forms),
        "day": day,
        "appointments": appointments_of(user, day),
        "linked": cases_of_reception_day(user, day),
        "can_book": can_arrange and planned,
        "can_cancel": can_arrange and planned,
        "can_mark_held": planned and day.date <= today and can_mark_held(user, day),
        "can_record_outcome": can_arrange and day.date <= today and day.status != ReceptionStatus.CANCELLED,
        "can_link": user.role in CAN_LINK_RECEPTION
        and day.status != ReceptionStatus.CANCELLED
        and day.date <= today,
        "book_form": forms.get("book_form") or AppointmentForm(),
        "cancel_form": forms.get("cancel_form") or CancelReceptionDayForm(),
        "link_form": forms.get("link_form") or LinkCaseForm(day=day),
    }
    return render(request, "web/leaders_reception_day.html", context, status=status)


@login_required
def reception_day(request: HttpRequest, day_id: int) -> HttpResponse:
    return _render_day(request, access_reception_day(current_user(request), day_id))


@login_required
@require_POST
def reception_day_held(request: HttpRequest, day_id: int) -> HttpResponse:
    user = current_user(request)
    day = access_reception_day(user, day_id)
    do_mark_reception_day_held(actor=user, reception_day=day)
    messages.success(request, "已确认该接待日已举行。")
    return redirect("web:leaders_reception_day", day_id=day.pk)


@login_required
@require_POST
def reception_day_cancel(request: HttpRequest, day_id: int) -> HttpResponse:
    user = current_user(request)
    day = access_reception_day(user, day_id)
    if not can_arrange_reception(user, day.organisation):
        raise XinfangError(ErrorCode.RECEPTION_NOT_ALLOWED)
    form = CancelReceptionDayForm(request.POST)
    if form.is_valid():
        try:
            do_cancel_reception_day(actor=user, reception_day=day, reason=form.cleaned_data["reason"])
            messages.success(request, "已取消该接待日。")
            return redirect("web:leaders_reception_day", day_id=day.pk)
        except XinfangError as error:
            add_form_error(form, error)
    return _render_day(request, day, status=400, cancel_form=form)


@login_required
@require_POST
def appointment_book(request: HttpRequest, day_id: int) -> HttpResponse:
    user = current_user(request)
    day = access_reception_day(user, day_id)
    if not can_arrange_reception(user, day.organisation):
        raise XinfangError(ErrorCode.RECEPTION_NOT_ALLOWED)
    form = AppointmentForm(request.POST)
    if form.is_valid():
        try:
            appointment = do_book_appointment(
                actor=user,
                reception_day=day,
                petitioner_name=form.cleaned_data["petitioner_name"],
                phone=form.cleaned_data["phone"],
                matter=form.cleaned_data["matter"],
                head_count=form.cleaned_data["head_count"],
            )
            messages.success(request, f"已预约：{appointment}。")
            return redirect("web:leaders_reception_day", day_id=day.pk)
        except XinfangError as error:
            add_form_error(form, error)
    return _render_day(request, day, status=400, book_form=form)


@login_required
@require_POST
def appointment_outcome(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = current_user(request)
    appointment = access_appointment(user, appointment_id)
    form = AppointmentOutcomeForm(request.POST)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    do_record_appointment_outcome(actor=user, appointment=appointment, status=status)
    messages.success(request, f"已记录到访情况：{appointment.petitioner_name}。")
    return redirect("web:leaders_reception_day", day_id=appointment.reception_day_id)


@login_required
@require_POST
def reception_day_link_case(request: HttpRequest, day_id: int) -> HttpResponse:
    user = current_user(request)
    day = access_reception_day(user, day_id)
    if user.role not in CAN_LINK_RECEPTION:
        raise XinfangError(ErrorCode.RECEPTION_LINK_NOT_ALLOWED)
    form = LinkCaseForm(request.POST, day=day)
    if form.is_valid():
        try:
            case = access_case_by_number(user, form.cleaned_data["case_number"].strip())
            do_link_case_to_reception_day(
                actor=user, case=case, reception_day=day, appointment=form.cleaned_data["appointment"]
            )
            messages.success(request, f"已将 {case.number} 登记到该接待日。")
            return redirect("web:leaders_reception_day", day_id=day.pk)
        except XinfangError as error:
            if error.code == ErrorCode.CASE_NOT_FOUND:
                error.field = "case_number"
            add_form_error(form, error)
    return _render_day(request, day, status=400, link_form=form)


# --- leader case ownership (领导包案) -------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = BoardFilterForm(request.GET or None, user=user)
    rows_query = leader_board(user, form.to_filter())
    page = _page_number(request)
    size = settings.LEDGER_PAGE_SIZE
    rows = list(rows_query[(page - 1) * size : page * size + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "tab": "board",
        "form": form,
        "rows": rows[:size],
        "page": page,
        "has_next": len(rows) > size,
        "query": urlencode(query, doseq=True),
        "today": timezone.localdate(),
        "can_assign": can_assign_leader_case(user),
    }
    return render(request, "web/leaders_board.html", context)


@login_required
def leader_case_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not can_assign_leader_case(user):
        raise XinfangError(ErrorCode.LEADER_CASE_ASSIGN_NOT_ALLOWED)
    if request.method != "POST":
        form = LeaderCaseForm(user=user, initial={"case_number": request.GET.get("case", "")[:40]})
        return render(request, "web/leaders_case_form.html", {"form": form, "tab": "board"})
    form = LeaderCaseForm(request.POST, user=user)
    if form.is_valid():
        try:
            case = access_case_by_number(user, form.cleaned_data["case_number"].strip())
            leader_case = do_assign_leader_case(
                actor=user,
                case=case,
                leader=form.cleaned_data["leader"],
                plan=form.cleaned_data["plan"],
                target_date=form.cleaned_data["target_date"],
            )
            messages.success(request, f"已安排 {leader_case.leader} 包案 {case.number}。")
            return redirect("web:leaders_case", leader_case_id=leader_case.pk)
        except XinfangError as error:
            if error.code == ErrorCode.CASE_NOT_FOUND:
                error.field = "case_number"
            add_form_error(form, error)
    return render(request, "web/leaders_case_form.html", {"form": form, "tab": "board"}, status=400)


def _render_leader_case(
    request: HttpRequest, leader_case: LeaderCase, status: int = 200, **forms: Form
) -> HttpResponse:
    user = current_user(request)
    context = {
        "tab": "board",
        "page_errors": _non_field_errors(forms),
        "lc": leader_case,
        "case": leader_case.case,
        "steps": leader_case.steps.select_related("recorded_by").order_by("on", "id"),
        "today": timezone.localdate(),
        "can_record": not leader_case.settled and can_record_leader_step(user, leader_case),
        "can_settle": not leader_case.settled and can_settle_leader_case(user, leader_case),
        "step_form": forms.get("step_form") or LeaderStepForm(),
        "settle_form": forms.get("settle_form") or SettleForm(),
    }
    return render(request, "web/leaders_case.html", context, status=status)


@login_required
def leader_case(request: HttpRequest, leader_case_id: int) -> HttpResponse:
    return _render_leader_case(request, access_leader_case(current_user(request), leader_case_id))


@login_required
@require_POST
def leader_case_step(request: HttpRequest, leader_case_id: int) -> HttpResponse:
    user = current_user(request)
    leader_case = access_leader_case(user, leader_case_id)
    if not can_record_leader_step(user, leader_case):
        raise XinfangError(ErrorCode.LEADER_CASE_STEP_NOT_ALLOWED)
    form = LeaderStepForm(request.POST)
    if form.is_valid():
        try:
            do_record_leader_step(
                actor=user,
                leader_case=leader_case,
                text=form.cleaned_data["text"],
                on=form.cleaned_data["on"],
            )
            messages.success(request, "已记录包案工作。")
            return redirect("web:leaders_case", leader_case_id=leader_case.pk)
        except XinfangError as error:
            add_form_error(form, error)
    return _render_leader_case(request, leader_case, status=400, step_form=form)


@login_required
@require_POST
def leader_case_settle(request: HttpRequest, leader_case_id: int) -> HttpResponse:
    user = current_user(request)
    leader_case = access_leader_case(user, leader_case_id)
    if not can_settle_leader_case(user, leader_case):
        raise XinfangError(ErrorCode.LEADER_CASE_SETTLE_NOT_ALLOWED)
    form = SettleForm(request.POST)
    if form.is_valid():
        try:
            do_mark_settled(actor=user, leader_case=leader_case, note=form.cleaned_data["note"])
            messages.success(request, "已确认息访息诉，该包案已结束。")
            return redirect("web:leaders_case", leader_case_id=leader_case.pk)
        except XinfangError as error:
            add_form_error(form, error)
    return _render_leader_case(request, leader_case, status=400, settle_form=form)
