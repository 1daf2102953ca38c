"""Shared set-up for the lifecycle tests: a county with its bureau, a department, discipline
inspection, a city bureau above it, and a person in each role that acts on a case."""

import re
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tests.helpers import registration_post
from xinfang.cases.models import Case
from xinfang.cases.states import Status
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


def register_visit(
    people: People,
    tree: OrgTree,
    token: str = "visit-1",  # noqa: S107 - a submission token, not a password
    **overrides: Any,
) -> Case:
    """A visit registered through the form by the bureau's registrar."""
    client = client_for(people.registrar)
    response = client.post("/register/", registration_post(tree.township_a, token=token, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Case.objects.get(submission_token=token)


def accepted_by_housing(
    people: People,
    tree: OrgTree,
    token: str = "accepted-1",  # noqa: S107 - a submission token, not a password
    **overrides: Any,
) -> Case:
    """A visit registered at the bureau, transferred to the housing bureau and accepted there."""
    case = register_visit(people, tree, token, **overrides)
    step(client_for(people.registrar), case, "transfer", target_org=tree.housing.pk, note="请依法办理")
    step(client_for(people.housing_handler), case, "accept", note="")
    assert case.status == Status.ACCEPTED
    return case


def reply_form(client: Client, case: Case) -> tuple[str, str]:
    """The reply step's page and the sequence number its form carries."""
    page = client.get(f"/cases/{case.pk}/steps/reply/").content.decode()
    match = SEQ.search(page)
    assert match
    return page, match.group(1)


def textareas(html: str) -> dict[str, str]:
    """Each textarea's name and text, as the browser would submit them."""
    found = dict(re.findall(r'<textarea name="(\w+)"[^>]*>\n?(.*?)</textarea>', html, flags=re.S))
    return {name: value.replace("&quot;", '"').replace("&#x27;", "'") for name, value in found.items()}


# A 信访处理意见书 that passes the reply check for the factories' default case (拖欠工资).
GOOD_REPLY = {
    "request": "请求督促公司支付拖欠的工资",
    "facts_found": "经查，该公司确实拖欠工资三万元。",
    "reasons": "用人单位应当按时足额支付劳动报酬。",
    "decision": "责令该公司于30日内支付拖欠工资。",
    "legal_basis": "《保障农民工工资支付条例》第十五条",
    "review_notice": "如不服本处理意见，可自收到本意见书之日起30日内向西湖区人民政府请求复查。",
}
