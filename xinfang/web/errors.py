"""Turns an XinfangError raised in a view into a Chinese error page with its code."""

from collections.abc import Callable

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinfang.core.errors import ErrorCode, XinfangError

STATUS_BY_CODE = {
    ErrorCode.CASE_NOT_FOUND: 404,
    ErrorCode.NOT_ALLOWED: 403,
    ErrorCode.NOT_ALLOWED_TO_REGISTER: 403,
    ErrorCode.WRONG_ROLE: 403,
    ErrorCode.WRONG_BODY: 403,
    ErrorCode.WRONG_STATUS: 409,
    ErrorCode.CASE_CHANGED: 409,
    # leader reception and 包案
    ErrorCode.RECEPTION_DAY_NOT_FOUND: 404,
    ErrorCode.APPOINTMENT_NOT_FOUND: 404,
    ErrorCode.LEADER_CASE_NOT_FOUND: 404,
    ErrorCode.RECEPTION_NOT_ALLOWED: 403,
    ErrorCode.RECEPTION_HELD_NOT_ALLOWED: 403,
    ErrorCode.RECEPTION_LINK_NOT_ALLOWED: 403,
    ErrorCode.LEADER_CASE_ASSIGN_NOT_ALLOWED: 403,
    ErrorCode.LEADER_CASE_STEP_NOT_ALLOWED: 403,
    ErrorCode.LEADER_CASE_SETTLE_NOT_ALLOWED: 403,
    # supervision
    ErrorCode.SUPERVISION_NOT_FOUND: 404,
    ErrorCode.ALERT_NOT_FOUND: 404,
    ErrorCode.SUPERVISION_NOT_ALLOWED: 403,
    ErrorCode.SUPERVISION_TARGET_INVALID: 403,
    ErrorCode.SUPERVISION_ANSWER_NOT_ALLOWED: 403,
    ErrorCode.SUPERVISION_CASE_FINISHED: 409,
    ErrorCode.SUPERVISION_ALREADY_ANSWERED: 409,
    ErrorCode.SUPERVISION_ALREADY_ESCALATED: 409,
    ErrorCode.SUPERVISION_ESCALATION_AT_TOP: 409,
    # screening ledger (矛盾纠纷排查)
    ErrorCode.SCREENING_ROUND_NOT_FOUND: 404,
    ErrorCode.SCREENING_RISK_NOT_FOUND: 404,
    ErrorCode.SCREENING_ROUND_NOT_ALLOWED: 403,
    ErrorCode.SCREENING_REPORT_NOT_ALLOWED: 403,
    ErrorCode.SCREENING_CLOSE_NOT_ALLOWED: 403,
    ErrorCode.SCREENING_ALREADY_CLOSED: 409,
    ErrorCode.SCREENING_ROUND_CLOSED: 409,
}


def add_form_error(form: Form, error: XinfangError) -> None:
    """Put an action's error on its field (or on the form); a refusal not tied to a field (a code
    with its own status above: not found, not allowed, wrong state) is a page of its own instead."""
    field = error.field if error.field in form.fields else None
    if field is None and error.code in STATUS_BY_CODE:
        raise error
    form.add_error(field, str(error))


class XinfangErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, XinfangError):
            return None
        status = STATUS_BY_CODE.get(exception.code, 400)
        return render(request, "web/error.html", {"error": exception}, status=status)
