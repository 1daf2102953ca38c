"""Test and benchmark factories. They call the real actions, never raw inserts of cases."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count

from xinfang.cases.actions.register import PartyInput, RegistrationInput, do_register_case
from xinfang.cases.models import Case, Category, Channel, PartyRole, Topic
from xinfang.cases.topics import load_default_topics
from xinfang.core import clock
from xinfang.orgs.models import Organisation, OrgKind, User
from xinfang.orgs.roles import Role
from xinfang.people.actions import PetitionerInput
from xinfang.people.identity import id_check_char

TEST_PASSWORD = "Xinfang-Test-2026!"  # noqa: S105 - test accounts only
_serial = count(1)


def make_id_number(region: str = "330106", birth: str = "19800101", seq: int = 123) -> str:
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + id_check_char(first17)


@dataclass
class OrgTree:
    province: Organisation
    city: Organisation
    county: Organisation
    bureau: Organisation
    housing: Organisation
    discipline: Organisation
    township_a: Organisation
    township_b: Organisation
    village_a: Organisation


def make_org_tree() -> OrgTree:
    province = Organisation.objects.create(name="浙江省", kind=OrgKind.PROVINCE, region_code="330000")
    city = Organisation.objects.create(
        name="杭州市", kind=OrgKind.CITY, region_code="330100", parent=province
    )
    county = Organisation.objects.create(
        name="西湖区", kind=OrgKind.COUNTY, region_code="330106", parent=city
    )
    bureau = Organisation.objects.create(
        name="信访局", kind=OrgKind.PETITION_BUREAU, region_code="330106", parent=county
    )
    housing = Organisation.objects.create(
        name="住建局", kind=OrgKind.DEPARTMENT, region_code="330106", parent=county
    )
    discipline = Organisation.objects.create(
        name="纪委监委", kind=OrgKind.DISCIPLINE, region_code="330106", parent=county
    )
    township_a = Organisation.objects.create(
        name="北山街道", kind=OrgKind.TOWNSHIP, region_code="330106", area_code="330106001", parent=county
    )
    township_b = Organisation.objects.create(
        name="西溪街道", kind=OrgKind.TOWNSHIP, region_code="330106", area_code="330106002", parent=county
    )
    village_a = Organisation.objects.create(
        name="宝石社区",
        kind=OrgKind.VILLAGE,
        region_code="330106",
        area_code="330106001001",
        parent=township_a,
    )
    return OrgTree(province, city, county, bureau, housing, discipline, township_a, township_b, village_a)


def make_user(org: Organisation, role: str = Role.REGISTRAR, username: str | None = None) -> User:
    name = username or f"user{next(_serial)}"
    return User.objects.create_user(
        username=name, password=TEST_PASSWORD, organisation=org, role=role, full_name=f"测试{name}"
    )


def leaf_topic(name: str = "工资发放") -> Topic:
    if not Topic.objects.exists():  # a transactional test's flush removed the migration's rows
        load_default_topics(Topic)
    topic = Topic.objects.filter(level=3, name=name).first() or Topic.objects.filter(level=3).first()
    assert topic is not None
    return topic


def registration_input(
    place: Organisation,
    *,
    channel: str = Channel.VISIT,
    category: str = Category.APPEAL,
    title: str = "某公司拖欠农民工工资",
    request: str = "请求督促公司支付拖欠的工资三万元",
    facts: str = "本人在工地务工半年，公司一直拖欠工资不发。",
    received_at: datetime | None = None,
    parties: list[PartyInput] | None = None,
    head_count: int = 1,
    **extra: object,
) -> RegistrationInput:
    if parties is None:
        parties = [
            PartyInput(
                PetitionerInput(
                    name="张三",
                    id_number=make_id_number(seq=next(_serial) % 1000),
                    phones=["13800138000"],
                    address="杭州市西湖区文三路100号",
                ),
                PartyRole.PRINCIPAL,
            )
        ]
    return RegistrationInput(
        channel=channel,
        received_at=received_at or clock.now() - timedelta(hours=1),
        category=category,
        topic=leaf_topic(),
        place_region=place,
        title=title,
        request=request,
        facts=facts,
        parties=parties,
        head_count=head_count,
        **extra,  # type: ignore[arg-type]
    )


def register_case(actor: User, place: Organisation | None = None, **kwargs: object) -> Case:
    assert actor.organisation is not None
    return do_register_case(actor=actor, data=registration_input(place or actor.organisation, **kwargs))  # type: ignore[arg-type]
