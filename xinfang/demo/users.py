"""Demo logins: one user per role, front-desk registrars at a street office and in 余杭区, and the
heads who decide reviews and re-reviews, discipline inspection and a street office's head.

All share DEMO_PASSWORD, which passes the validators in settings (length, three
character classes).
"""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password

from xinfang.demo.tree import DemoTree
from xinfang.orgs.models import Organisation, OrgKind, User
from xinfang.orgs.roles import Role

DEMO_PASSWORD = "Xinfang@2026"  # noqa: S105 -- a published demo login, printed by demo-setup


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role_label: str
    org_full_name: str


def _demo_accounts(tree: DemoTree) -> list[tuple[str, str, str, Organisation]]:
    """(username, full name, role, organisation) of every demo account."""
    main = tree.main
    street = main.townships[0]
    return [
        ("registrar", "李登记", Role.REGISTRAR, main.bureau),
        ("handler", "王承办", Role.HANDLER, main.departments["housing"]),
        ("unit_head", "赵局长", Role.UNIT_HEAD, main.departments["housing"]),
        ("supervisor", "钱督查", Role.SUPERVISOR, main.bureau),
        ("leader", "孙主任", Role.LEADER, main.bureau),
        ("auditor", "周审计", Role.AUDITOR, main.bureau),
        ("admin", "吴管理", Role.ADMIN, main.bureau),
        ("township", "郑接访", Role.REGISTRAR, street),
        ("yuhang", "陈接访", Role.REGISTRAR, tree.second.bureau),
        # Who decides reviews (复查: the county, through its bureau) and re-reviews (复核: the city).
        ("bureau_head", "刘主任", Role.UNIT_HEAD, main.bureau),
        ("city_head", "冯主任", Role.UNIT_HEAD, tree.city_bureau),
        ("discipline", "褚监察", Role.HANDLER, main.discipline),
        ("street_head", "卫主任", Role.UNIT_HEAD, street),
    ]


def ensure_demo_users(tree: DemoTree) -> dict[str, User]:
    """Create the demo accounts that are missing; returns them all by username.

    An existing account is left exactly as it is: demo-setup may run against a
    database whose "admin" is a real person, whose password must not be reset.
    """
    users: dict[str, User] = {}
    for username, full_name, role, org in _demo_accounts(tree):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, role=role, organisation=org)
            user.is_staff = user.is_superuser = role == Role.ADMIN
            validate_password(DEMO_PASSWORD, user)
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[username] = user
    return users


def _org_label(org: Organisation) -> str:
    """full_name, but a street office also names its county (西湖区北山街道), as staff would say it."""
    if org.kind == OrgKind.TOWNSHIP and org.parent is not None:
        return f"{org.parent.name}{org.name}"
    return org.full_name


def demo_logins(tree: DemoTree) -> list[DemoLogin]:
    return [
        DemoLogin(username, DEMO_PASSWORD, Role(role).label, _org_label(org))
        for username, _, role, org in _demo_accounts(tree)
    ]
