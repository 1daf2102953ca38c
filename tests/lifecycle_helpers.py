"""Shared set-up for the lifecycle tests: a county with its bureau, a department, discipline
inspection, a city bureau above it, and a person in each role that acts on a case."""

import re
from dataclasses import dataclass
from typing import Any

from django.test import Client

from xinfang.cases.models import Case
from xinfang.orgs.models import Organisation, OrgKind, User
from xinfang.orgs.roles import Role
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_user


@dataclass
class People:
    registrar: User  # county bureau front desk
    bureau_head: User  # county bureau head: decides reviews for the county
    housing_handler: User
    housing_head: User
    city_head: User  # city bureau head: decides re-reviews
    discipline_handler: User
    township_head: User  # 北山街道, the accused unit in the accusation tests
    supervisor: User


def make_people(tree: OrgTree) -> People:
    city_bureau = Organisation.objects.create(
        name="信访局", kind=OrgKind.PETITION_BUREAU, region_code="330100", parent=tree.city
    )
    return People(
        registrar=make_user(tree.bureau, Role.REGISTRAR, "reg"),
        bureau_head=make_user(tree.bureau, Role.UNIT_HEAD, "bhead"),
        housing_handler=make_user(tree.housing, Role.HANDLER, "hh"),
        housing_head=make_user(tree.housing, Role.UNIT_HEAD, "hhead"),
        city_head=make_user(city_bureau, Role.UNIT_HEAD, "chead"),
        discipline_handler=make_user(tree.discipline, Role.HANDLER, "dh"),
        township_head=make_user(tree.township_a, Role.UNIT_HEAD, "thead"),
        supervisor=make_user(tree.bureau, Role.SUPERVISOR, "sup"),
    )


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


SEQ = re.compile(r'name="expected_seq" value="(\d+)"')


def step(client: Client, case: Case, code: str, expect: int = 302, **fields: Any) -> Any:
    """Open the step's page as the user would, then submit it with the sequence number it showed."""
    url = f"/cases/{case.pk}/steps/{code}/"
    page = client.get(url)
    assert page.status_code == 200, page.content.decode()[:3000]
    match = SEQ.search(page.content.decode())
    assert match, "the form carries the last event's sequence number"
    data = {"expected_seq": match.group(1), **fields}
    response = client.post(url, data)
    assert response.status_code == expect, response.content.decode()[:4000]
    case.refresh_from_db()
    return response
