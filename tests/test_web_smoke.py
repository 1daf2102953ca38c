from django.test import Client

from xinfang.orgs.roles import Role
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_user, register_case


def test_pages_render(client: Client, tree: OrgTree) -> None:
    user = make_user(tree.bureau, Role.REGISTRAR, "reg")
    case = register_case(user, tree.township_a)
    assert client.login(username="reg", password=TEST_PASSWORD)
    for url in ["/", "/register/", "/ledger/", f"/cases/{case.pk}/", "/settings/", "/ledger/?q=工资"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert case.number in client.get("/ledger/?q=工资").content.decode()
