"""Regression tests for defects found in review of the foundation."""

import threading
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from tests.helpers import registration_post
from xinfang.cases.models import Case, Category
from xinfang.orgs.models import LoginFailure
from xinfang.orgs.roles import Role
from xinfang.people.models import Petitioner
from xinfang.testing.factories import (
    TEST_PASSWORD,
    OrgTree,
    make_id_number,
    make_org_tree,
    make_user,
    register_case,
    registration_input,
)


def test_empty_password_does_not_reset_the_throttle(client: Client, tree: OrgTree, settings) -> None:  # type: ignore[no-untyped-def]
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": "reg", "password": "Wrong-guess-123"})
    client.post("/login/", {"username": "reg", "password": ""})
    assert LoginFailure.objects.filter(username="reg").count() == settings.LOGIN_FAILURE_LIMIT
    response = client.post("/login/", {"username": "reg", "password": TEST_PASSWORD})
    assert "E4003" in response.content.decode()


def test_admin_login_is_throttled_too(client: Client, tree: OrgTree, settings) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(tree.province, Role.ADMIN, "root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "root", "password": "Wrong-guess-123"})
    response = client.post("/admin/login/", {"username": "root", "password": TEST_PASSWORD})
    assert response.status_code == 200 and "E4003" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_idle_session_ends(client: Client, tree: OrgTree) -> None:
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    client.post("/login/", {"username": "reg", "password": TEST_PASSWORD})
    assert client.get("/ledger/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/ledger/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_accusation_against_a_unit_outside_the_registrars_scope(client: Client, tree: OrgTree) -> None:
    """A township registrar can name the county housing bureau as accused; the bureau never sees it."""
    make_user(tree.township_a, Role.REGISTRAR, "town")
    client.login(username="town", password=TEST_PASSWORD)
    data = registration_post(tree.township_a, category="accusation", accused_org=str(tree.housing.pk))
    assert client.post("/register/", data).status_code == 302
    case = Case.objects.get()
    assert case.accused_org == tree.housing
    Case.objects.filter(pk=case.pk).update(responsible_org=tree.housing)
    make_user(tree.housing, Role.HANDLER, "housing")
    client.login(username="housing", password=TEST_PASSWORD)
    assert case.number not in client.get("/ledger/").content.decode()
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    export = client.get("/ledger/export.xlsx")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).worksheets[0]
    assert all(case.number not in str(row) for row in sheet.iter_rows(values_only=True))


def test_invalid_filter_never_widens_the_export(client: Client, tree: OrgTree) -> None:
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    client.login(username="reg", password=TEST_PASSWORD)
    response = client.get("/ledger/export.xlsx?channel=visit&date_from=2026-05-01&date_to=2026-01-01")
    assert response.status_code == 400 and "E2016" in response.content.decode()


def test_head_count_below_named_petitioners_is_refused(client: Client, tree: OrgTree) -> None:
    from tests.helpers import representative

    make_user(tree.bureau, Role.REGISTRAR, "reg")
    client.login(username="reg", password=TEST_PASSWORD)
    data = registration_post(
        tree.township_a, head_count="4", petitioners=[representative(i) for i in range(5)]
    )
    response = client.post("/register/", data)
    assert response.status_code == 400 and "E2015" in response.content.decode()


def test_birth_date_is_not_stored_in_clear(tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    number = make_id_number(birth="19750614", seq=88)
    from xinfang.cases.actions.register import PartyInput
    from xinfang.people.actions import PetitionerInput

    register_case(
        registrar, tree.township_a, parties=[PartyInput(PetitionerInput(name="周九", id_number=number))]
    )
    petitioner = Petitioner.objects.get()
    clear_values = [str(value) for value in Petitioner.objects.values().get().values()]
    assert petitioner.id_number_mask == "330106********0887"[:14] + number[-4:]
    assert not any("0614" in value or "1975-06-14" in value for value in clear_values)


def test_search_ignores_runaway_tokens(tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    blob = "a" * 3000
    case = register_case(registrar, tree.township_a, facts=f"附上链接 {blob} 请查看")
    from xinfang.cases import search

    assert list(search.filter_by_text(Case.objects.all(), "链接")) == [case]


def test_trusted_proxy_address_is_used(rf, settings) -> None:  # type: ignore[no-untyped-def]
    from xinfang.web.forms import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.9")
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(request) == "192.0.2.9"


@pytest.mark.django_db(transaction=True)
def test_same_new_person_registered_concurrently_is_one_petitioner() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts are checked on PostgreSQL")
    from xinfang.cases.actions.register import PartyInput, do_register_case
    from xinfang.people.actions import PetitionerInput

    tree = make_org_tree()
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    number = make_id_number(seq=901)
    inputs = [
        registration_input(
            tree.township_a,
            submission_token=f"p{i}",
            category=Category.APPEAL,
            parties=[PartyInput(PetitionerInput(name="吴十", id_number=number, phones=["13600000000"]))],
        )
        for i in range(4)
    ]
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def register(index: int) -> None:
        try:
            barrier.wait()
            do_register_case(actor=registrar, data=inputs[index])
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Case.objects.count() == 4
    assert Petitioner.objects.count() == 1
