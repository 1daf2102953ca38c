"""The ledger's filters, search by petitioner, sorting and pagination, through HTTP."""

from datetime import timedelta

import pytest
from django.test import Client

from xinfang.cases.actions.register import PartyInput
from xinfang.cases.models import Case, Category, Channel, PartyRole
from xinfang.core import clock
from xinfang.orgs.roles import Role
from xinfang.people.actions import PetitionerInput
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_id_number, make_user, register_case


def numbers_in(client: Client, query: str) -> set[str]:
    response = client.get(f"/ledger/?{query}")
    assert response.status_code == 200
    return {case.number for case in response.context["rows"]}


@pytest.fixture
def cases(client: Client, tree: OrgTree) -> dict[str, Case]:
    registrar = make_user(tree.bureau, Role.REGISTRAR, "reg")
    now = clock.now()
    zhang = PetitionerInput(name="张三", id_number=make_id_number(seq=11), phones=["0571-87654321"])
    reps = [
        PartyInput(PetitionerInput(name=f"代表{i}", phones=[f"1390000000{i}"]), PartyRole.REPRESENTATIVE)
        for i in range(2)
    ]
    made = {
        "old_letter": register_case(
            registrar,
            tree.township_a,
            channel=Channel.LETTER,
            received_at=now - timedelta(days=40),
            parties=[PartyInput(zhang)],
            title="来信反映路灯不亮",
            request="请求修复路灯",
        ),
        "collective": register_case(
            registrar,
            tree.township_b,
            channel=Channel.VISIT,
            head_count=20,
            parties=reps,
            received_at=now - timedelta(days=2),
            title="集体反映征地补偿",
            request="请求落实补偿",
        ),
        "repeat": register_case(
            registrar,
            tree.village_a,
            channel=Channel.PHONE,
            category=Category.SUGGESTION,
            parties=[PartyInput(zhang)],
            received_at=now - timedelta(days=1),
            title="建议增设公交站",
            request="建议在社区门口增设公交站",
        ),
    }
    client.login(username="reg", password=TEST_PASSWORD)
    return made


def test_filters_each_narrow_the_list(client: Client, tree: OrgTree, cases: dict[str, Case]) -> None:
    everything = {case.number for case in cases.values()}
    assert numbers_in(client, "") == everything
    recent = (clock.now() - timedelta(days=10)).date()
    assert numbers_in(client, f"date_from={recent}") == {cases["collective"].number, cases["repeat"].number}
    assert numbers_in(client, f"date_to={recent}") == {cases["old_letter"].number}
    assert numbers_in(client, "channel=letter&channel=phone") == {
        cases["old_letter"].number,
        cases["repeat"].number,
    }
    assert numbers_in(client, "category=suggestion") == {cases["repeat"].number}
    assert numbers_in(client, "collective=true") == {cases["collective"].number}
    assert numbers_in(client, "repeat=true") == {cases["repeat"].number}
    assert numbers_in(client, "status=registered") == everything
    assert numbers_in(client, "status=concluded") == set()
    # A township's region includes its villages.
    assert numbers_in(client, f"region={tree.township_a.pk}") == {
        cases["old_letter"].number,
        cases["repeat"].number,
    }
    assert numbers_in(client, "q=补偿") == {cases["collective"].number}


def test_find_a_person_by_name_id_number_or_phone(client: Client, cases: dict[str, Case]) -> None:
    zhang_cases = {cases["old_letter"].number, cases["repeat"].number}
    assert numbers_in(client, "petitioner=张三") == zhang_cases
    assert numbers_in(client, f"petitioner={make_id_number(seq=11)}") == zhang_cases
    assert numbers_in(client, "petitioner=057187654321") == zhang_cases
    assert numbers_in(client, "petitioner=0571-8765 4321") == zhang_cases
    assert numbers_in(client, "petitioner=13900000001") == {cases["collective"].number}
    assert numbers_in(client, "petitioner=张") == set()  # no partial matches on personal data


def test_sorting_and_pagination(client: Client, cases: dict[str, Case], settings) -> None:  # type: ignore[no-untyped-def]
    settings.LEDGER_PAGE_SIZE = 2
    first = client.get("/ledger/?sort=received_at")
    assert [c.number for c in first.context["rows"]] == [
        cases["old_letter"].number,
        cases["collective"].number,
    ]
    assert first.context["has_next"] and first.context["total"] == 3
    second = client.get("/ledger/?sort=received_at&page=2")
    assert [c.number for c in second.context["rows"]] == [cases["repeat"].number]
    assert not second.context["has_next"]
    newest = client.get("/ledger/?sort=-received_at")
    assert newest.context["rows"][0].number == cases["repeat"].number


def test_export_holds_the_filtered_list(client: Client, cases: dict[str, Case]) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get("/ledger/export.xlsx?petitioner=张三")
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == {cases["old_letter"].number, cases["repeat"].number}
