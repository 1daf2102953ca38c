"""Login throttling kept in the database, so every app server process sees the same count."""

from datetime import timedelta

from django.conf import settings

from xinfang.core import clock
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.models import LoginFailure


def check_login_allowed(username: str, ip_address: str | None) -> None:
    since = clock.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    by_user = recent.filter(username=username.lower()).count()
    # An address gets more room than a user name: an office may share one NAT address.
    by_address = recent.filter(ip_address=ip_address).count() if ip_address else 0
    if by_user >= limit or by_address >= limit * 4:
        raise XinfangError(ErrorCode.LOGIN_THROTTLED)


def do_record_login_failure(username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip_address=ip_address)


def do_clear_login_failures(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()
