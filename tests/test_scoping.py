"""A user sees their organisation's subtree (a bureau: its jurisdiction), never a
neighbour's cases, and never an accusation against their own unit."""

import pytest
from django.test import Client

from tests.helpers import PNG_BYTES
from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import Case, Category
from xinfang.cases.uploads import check_and_store
from xinfang.orgs.roles import Role
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_user, register_case


@pytest.fixture
def two_townships(tree: OrgTree) -> dict[str, object]:
    reg_a = make_user(tree.township_a, Role.REGISTRAR, "reg_a")
    reg_b = make_user(tree.township_b, Role.REGISTRAR, "reg_b")
    case_a = register_case(reg_a, tree.township_a, title="北山街道噪音扰民", request="请求整治夜间施工噪音")
    stored = check_and_store("photo.png", PNG_BYTES)
    from xinfang.cases.actions.register import do_register_case
    from xinfang.testing.factories import registration_input

    data = registration_input(tree.township_b, title="西溪街道噪音扰民", request="请求整治夜间施工噪音")
    data.files = [stored]
    case_b = do_register_case(actor=reg_b, data=data)
    return {"reg_a": reg_a, "reg_b": reg_b, "case_a": case_a, "case_b": case_b}


def test_township_cannot_see_neighbour(client: Client, tree: OrgTree, two_townships: dict) -> None:  # type: ignore[type-arg]
    case_a: Case = two_townships["case_a"]
    case_b: Case = two_townships["case_b"]
    client.login(username="reg_a", password=TEST_PASSWORD)

    ledger = client.get("/ledger/").content.decode()
    assert case_a.number in ledger and case_b.number not in ledger

    search = client.get("/ledger/?q=噪音").content.decode()
    assert case_a.number in search and case_b.number not in search

    detail = client.get(f"/cases/{case_b.pk}/")
    assert detail.status_code == 404 and "E4001" in detail.content.decode()
    # Guessing the next id or a non-number gets the same answer as a missing case.
    assert client.get(f"/cases/{case_b.pk + 1000}/").status_code == 404

    attachment = case_b.attachments.get()
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404

    petitioner = case_b.parties.get().petitioner
    reveal = client.post(f"/cases/{case_b.pk}/petitioners/{petitioner.pk}/reveal/")
    assert reveal.status_code == 404


def test_bureau_sees_its_jurisdiction(tree: OrgTree, two_townships: dict) -> None:  # type: ignore[type-arg]
    bureau_user = make_user(tree.bureau, Role.SUPERVISOR)
    visible = set(cases_visible_to(bureau_user).values_list("id", flat=True))
    assert visible == {two_townships["case_a"].pk, two_townships["case_b"].pk}
    village_user = make_user(tree.village_a, Role.HANDLER)
    assert cases_visible_to(village_user).count() == 0


def test_accusation_hidden_from_the_accused_unit(client: Client, tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    accusation = register_case(
        registrar,
        tree.township_a,
        category=Category.ACCUSATION,
        accused_org=tree.housing,
        title="举报住建局某科长收受好处",
        request="请求调查处理",
    )
    ordinary = register_case(registrar, tree.township_a, title="住建局办事拖延")
    # Even when the accused unit is made responsible for the case, it must not see the accusation.
    Case.objects.filter(pk__in=[accusation.pk, ordinary.pk]).update(responsible_org=tree.housing)
    make_user(tree.housing, Role.UNIT_HEAD, "housing_head")
    client.login(username="housing_head", password=TEST_PASSWORD)
    ledger = client.get("/ledger/").content.decode()
    assert ordinary.number in ledger and accusation.number not in ledger
    assert accusation.number not in client.get("/ledger/?q=举报").content.decode()
    assert client.get(f"/cases/{accusation.pk}/").status_code == 404
    discipline_user = make_user(tree.discipline, Role.HANDLER)
    Case.objects.filter(pk=accusation.pk).update(responsible_org=tree.discipline)
    assert cases_visible_to(discipline_user).filter(pk=accusation.pk).exists()


def test_personal_data_masked_and_full_view_logged(client: Client, tree: OrgTree) -> None:
    from xinfang.people.models import PersonalDataView
    from xinfang.testing.factories import make_id_number

    registrar = make_user(tree.bureau, Role.REGISTRAR, "reg")
    case = register_case(registrar, tree.township_a)
    petitioner = case.parties.get().petitioner
    full_id = make_id_number(seq=int(petitioner.id_number_mask[-4:-1]))
    client.login(username="reg", password=TEST_PASSWORD)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert petitioner.id_number_mask in page and "138****8000" in page
    assert full_id not in page and "13800138000" not in page
    assert PersonalDataView.objects.count() == 0

    revealed = client.post(f"/cases/{case.pk}/petitioners/{petitioner.pk}/reveal/").content.decode()
    assert full_id in revealed and "13800138000" in revealed and "文三路100号" in revealed
    log = PersonalDataView.objects.get()
    assert (log.user.username, log.case_id, log.petitioner_id) == ("reg", case.pk, petitioner.pk)

    make_user(tree.bureau, Role.LEADER, "leader")
    client.login(username="leader", password=TEST_PASSWORD)
    refused = client.post(f"/cases/{case.pk}/petitioners/{petitioner.pk}/reveal/")
    assert refused.status_code == 403 and PersonalDataView.objects.count() == 1


def test_personal_data_encrypted_at_rest(tree: OrgTree) -> None:
    from django.db import connection

    registrar = make_user(tree.bureau, Role.REGISTRAR)
    register_case(registrar, tree.township_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_cipher, address_cipher FROM people_petitioner")
        id_cipher, address_cipher = cursor.fetchone()
        cursor.execute("SELECT cipher FROM people_petitionerphone")
        (phone_cipher,) = cursor.fetchone()
    assert "330106" not in id_cipher and "文三路" not in address_cipher and "138" not in phone_cipher
