from django.test import Client

from xinfang.core.errors import ErrorCode
from xinfang.orgs.roles import Role
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_user


def test_login_throttled_after_repeated_failures(client: Client, tree: OrgTree, settings) -> None:  # type: ignore[no-untyped-def]
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post("/login/", {"username": "reg", "password": "wrong-Password-1"})
        assert ErrorCode.LOGIN_INVALID.value in response.content.decode()
    # Now even the right password is refused until the window passes.
    response = client.post("/login/", {"username": "reg", "password": TEST_PASSWORD})
    assert ErrorCode.LOGIN_THROTTLED.value in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_successful_login_and_pages_require_login(client: Client, tree: OrgTree) -> None:
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    assert client.get("/ledger/").status_code == 302
    response = client.post("/login/", {"username": "reg", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/ledger/").status_code == 200


def test_weak_passwords_rejected(tree: OrgTree) -> None:
    import pytest
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = make_user(tree.bureau, Role.REGISTRAR, "reg")
    for weak in ["short1A!", "alllowercaseletters", "12345678901", "Abcdefghijk"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("Petition-2026-ok", user)


def test_security_headers_and_csrf(tree: OrgTree) -> None:
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    client = Client(enforce_csrf_checks=True)
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.post("/login/", {"username": "reg", "password": TEST_PASSWORD}).status_code == 403


def test_session_expires_when_idle(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
