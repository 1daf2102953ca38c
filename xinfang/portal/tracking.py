"""A tracking session: the one case a successful lookup opened, bound to the visitor's session.

Tracking pages take no case id from the request: the case comes from here, so another case
cannot be reached by editing a URL or a form. The binding holds the code's digest and ends when
the code is replaced (staff issue a new one), after PORTAL_TRACKING_SECONDS, or on 退出查询.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from xinfang.cases.models import Case
from xinfang.core import clock
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.portal.codes import digests_match
from xinfang.portal.models import QueryCode

SESSION_KEY = "portal_tracking"


def start_tracking(request: HttpRequest, query_code: QueryCode) -> None:
    # A new session key: whatever the visitor's cookie named before the lookup cannot follow it.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "case": query_code.case_id,
        "digest": query_code.digest,
        "until": clock.now().timestamp() + settings.PORTAL_TRACKING_SECONDS,
    }


def stop_tracking(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def access_tracked_case(request: HttpRequest) -> Case:
    """The case this session may see, or PORTAL_TRACKING_REQUIRED."""
    binding: dict[str, Any] | None = request.session.get(SESSION_KEY)
    if not binding or binding.get("until", 0) < clock.now().timestamp():
        stop_tracking(request)
        raise XinfangError(ErrorCode.PORTAL_TRACKING_REQUIRED)
    found = (
        QueryCode.objects.select_related("case__receiving_org", "case__responsible_org")
        .filter(case_id=int(binding.get("case") or 0))
        .first()
    )
    if found is None or not digests_match(found.digest, str(binding.get("digest", ""))):
        stop_tracking(request)
        raise XinfangError(ErrorCode.PORTAL_TRACKING_REQUIRED)
    return found.case
