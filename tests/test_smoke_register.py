from xinfang.cases import search
from xinfang.cases.models import Case
from xinfang.orgs.roles import Role
from xinfang.testing.factories import OrgTree, make_user, register_case


def test_register_numbers_and_indexes(tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    case = register_case(registrar, tree.township_a)
    assert case.number.startswith("XF-330106-")
    assert case.number.endswith("-000001")
    assert list(search.filter_by_text(Case.objects.all(), "拖欠工资")) == [case]
    assert list(search.filter_by_text(Case.objects.all(), "噪音")) == []
    assert case.events.count() == 1
