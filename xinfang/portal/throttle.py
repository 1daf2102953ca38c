"""Failed query-code lookups, counted in the database (as orgs.throttle counts failed logins) so
every app server process sees the same attempts: per client address, and per case once a code
was right but the phone digits were not."""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet

from xinfang.cases.models import Case
from xinfang.core import clock
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.portal.models import LookupFailure


def _recent() -> QuerySet[LookupFailure]:
    since = clock.now() - timedelta(seconds=settings.PORTAL_LOOKUP_WINDOW_SECONDS)
    return LookupFailure.objects.filter(at__gte=since)


def check_lookup_allowed(ip_address: str | None, case: Case | None = None) -> None:
    """PORTAL_LOOKUP_THROTTLED when this address, or this case, has failed too often lately."""
    recent = _recent()
    if ip_address and recent.filter(ip_address=ip_address).count() >= settings.PORTAL_LOOKUP_ADDRESS_LIMIT:
        raise XinfangError(ErrorCode.PORTAL_LOOKUP_THROTTLED)
    if case is not None and recent.filter(case=case).count() >= settings.PORTAL_LOOKUP_CASE_LIMIT:
        raise XinfangError(ErrorCode.PORTAL_LOOKUP_THROTTLED)


def do_record_lookup_failure(ip_address: str | None, case: Case | None = None) -> None:
    LookupFailure.objects.create(ip_address=ip_address, case=case)


def do_purge_lookup_failures() -> int:
    """Failures older than a day count for nothing; idempotent."""
    return LookupFailure.objects.filter(at__lt=clock.now() - timedelta(days=1)).delete()[0]
