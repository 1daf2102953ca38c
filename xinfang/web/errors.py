"""Turns an XinfangError raised in a view into a Chinese error page with its code."""

from collections.abc import Callable

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
}


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
