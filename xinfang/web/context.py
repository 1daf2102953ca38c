"""Template context every staff page gets."""

from typing import Any

from django.http import HttpRequest

from xinfang.core import clock
from xinfang.deadlines.selectors import missing_schedule_warning
from xinfang.orgs.models import User
from xinfang.orgs.roles import CAN_ADMINISTER


def admin_warnings(request: HttpRequest) -> dict[str, Any]:
    """Administrators see, on every page, what only they can fix: from November on, a missing
    holiday schedule for next year (deadlines reaching into it are provisional until it is entered)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated or user.role not in CAN_ADMINISTER:
        return {}
    warning = missing_schedule_warning(clock.local_now().date())
    return {"admin_warnings": [warning] if warning else []}
