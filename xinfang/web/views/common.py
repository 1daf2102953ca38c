from django.contrib.auth.decorators import login_required
from django.http import HttpRequest

from xinfang.orgs.models import User

__all__ = ["current_user", "login_required"]


def current_user(request: HttpRequest) -> User:
    """The logged-in staff member (views are wrapped in login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user
