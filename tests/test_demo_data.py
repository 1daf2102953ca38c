from collections import defaultdict
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from xinfang.cases import search
from xinfang.cases.audit import verify_history
from xinfang.cases.events import GENESIS_HASH
from xinfang.cases.models import (
    COLLECTIVE_HEAD_COUNT,
    MAX_REPRESENTATIVES,
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseParty,
    Category,
    Channel,
    PartyRole,
)
from xinfang.cases.states import FINISHED, Status
from xinfang.core import clock, crypto
from xinfang.demo.actions import DemoDataExists, do_prepare_demo, do_write_demo_cases
from xinfang.demo.catalogue import build_catalogue
from xinfang.demo.generator import SHANGHAI, DemoGenerator
from xinfang.demo.tree import ensure_demo_tree
from xinfang.demo.users import DEMO_PASSWORD, demo_logins, ensure_demo_users
from xinfang.orgs.models import Organisation, OrgKind, User
from xinfang.orgs.roles import Role
from xinfang.people.identity import check_id_number, check_phone, mask_id_number
from xinfang.people.models import Petitioner, PetitionerPhone
from xinfang.testing.factories import register_case

ANCHOR = date(2026, 3, 1)
CASES = 400


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_cases(db: None) -> list[Case]:
    do_write_demo_cases(count=CASES, seed=11, anchor=ANCHOR, batch_size=150)
    return list(Case.objects.order_by("id"))


def test_tree_is_idempotent_with_real_codes(db: None) -> None:
    first = ensure_demo_tree()
    count = Organisation.objects.count()
    second = ensure_demo_tree()
    assert Organisation.objects.count() == count
    assert second.main.county.pk == first.main.county.pk
    assert (first.province.region_code, first.city.region_code) == ("330000", "330100")
    assert first.main.county.region_code == "330106" and first.second.county.region_code == "330110"
    assert (
        first.main.bureau.kind == OrgKind.PETITION_BUREAU
        and first.main.bureau.case_number_prefix == "XF-330106"
    )
    assert first.main.discipline.kind == OrgKind.DISCIPLINE
    assert first.main.court is not None and first.main.court.kind == OrgKind.COURT
    assert len(first.main.departments) == 10
    assert 6 <= len(first.main.townships) <= 8
    for township in first.main.townships:
        assert township.region_code == "330106" and len(township.area_code) == 9
        villages = first.main.villages[township.pk]
        assert 3 <= len(villages) <= 5
        assert all(v.kind == OrgKind.VILLAGE and len(v.area_code) == 12 for v in villages)
    assert len(first.second.townships) >= 2 and first.second.bureau.case_number_prefix == "XF-330110"


def test_users_are_idempotent_and_can_log_in(db: None) -> None:
    tree = ensure_demo_tree()
    users = ensure_demo_users(tree)
    count = User.objects.count()
    assert ensure_demo_users(tree)["registrar"].pk == users["registrar"].pk
    assert User.objects.count() == count
    assert {user.role for user in users.values()} == set(Role)
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not users["registrar"].is_superuser
    assert users["handler"].organisation == tree.main.departments["housing"]
    assert users["township"].organisation in tree.main.townships
    for login in demo_logins(tree):
        assert login.password == DEMO_PASSWORD
        assert Client().login(username=login.username, password=login.password), login.username
    assert "西湖区住建局" in [login.org_full_name for login in demo_logins(tree)]


def test_generator_is_deterministic_per_seed(db: None) -> None:
    tree, users = do_prepare_demo()
    catalogue = build_catalogue(tree, users)
    first = list(DemoGenerator(catalogue, 5, ANCHOR).cases(300))
    again = list(DemoGenerator(catalogue, 5, ANCHOR).cases(300))
    other = list(DemoGenerator(catalogue, 6, ANCHOR).cases(300))
    assert first == again
    assert [c.title for c in first] != [c.title for c in other]
    assert len(first) == 300
    assert [c.received_at for c in first] == sorted(c.received_at for c in first)
    assert all(
        ANCHOR - timedelta(days=548) <= c.received_at.astimezone(SHANGHAI).date() < ANCHOR for c in first
    )


def test_same_seed_writes_the_same_numbers_and_titles(db: None) -> None:
    do_prepare_demo()

    def write_and_read() -> list[tuple[str, str, str]]:
        class Rollback(Exception):
            pass

        rows: list[tuple[str, str, str]] = []
        try:
            with transaction.atomic():
                do_write_demo_cases(count=120, seed=9, anchor=ANCHOR, batch_size=50)
                rows = list(Case.objects.order_by("number").values_list("number", "title", "status"))
                raise Rollback
        except Rollback:
            pass
        return rows

    first = write_and_read()
    assert Case.objects.count() == 0
    assert len(first) == 120
    assert write_and_read() == first


def test_cases_cover_channels_categories_and_statuses(demo_cases: list[Case]) -> None:
    assert len(demo_cases) == CASES
    assert {c.channel for c in demo_cases} == set(Channel.values)
    assert {c.category for c in demo_cases} == set(Category.values)
    statuses = {c.status for c in demo_cases}
    assert len(statuses) >= 10
    assert {Status.REGISTERED, Status.IN_PROGRESS, Status.CONCLUDED, Status.ARCHIVED} <= statuses
    old = [c for c in demo_cases if (ANCHOR - c.received_at.astimezone(SHANGHAI).date()).days > 365]
    recent = [c for c in demo_cases if (ANCHOR - c.received_at.astimezone(SHANGHAI).date()).days <= 15]
    assert sum(Status(c.status) in FINISHED for c in old) > 0.8 * len(old)
    assert sum(Status(c.status) in FINISHED for c in recent) < 0.3 * len(recent)
    for case in demo_cases:
        assert (case.responsible_org_id is None) == (case.status == Status.REGISTERED), case.number
        assert case.topic.level == 3
        if case.accused_org_id:
            assert case.category == Category.ACCUSATION
            assert case.responsible_org_id != case.accused_org_id
        if case.channel == Channel.HANDED_DOWN:
            assert case.handed_down_from
        if case.channel == Channel.LEADER_RECEPTION:
            assert case.reception_leader


def test_parties_collective_anonymous_and_repeat(demo_cases: list[Case]) -> None:
    parties: dict[int, list[CaseParty]] = defaultdict(list)
    for party in CaseParty.objects.select_related("petitioner").order_by("case_id", "position"):
        parties[party.case_id].append(party)
    collective = [c for c in demo_cases if c.is_collective]
    assert collective
    for case in collective:
        assert case.head_count >= COLLECTIVE_HEAD_COUNT
        roles = [p.role for p in parties[case.pk]]
        assert 1 <= len(roles) <= MAX_REPRESENTATIVES and set(roles) == {PartyRole.REPRESENTATIVE}
    anonymous = [c for c in demo_cases if any(p.petitioner.is_anonymous for p in parties[c.pk])]
    assert anonymous and all(c.category == Category.ACCUSATION for c in anonymous)
    assert any(c.accused_org_id for c in demo_cases)
    seen: set[int] = set()
    repeats = 0
    for case in sorted(demo_cases, key=lambda c: (c.received_at, c.pk)):
        petitioner_ids = {p.petitioner_id for p in parties[case.pk]}
        if case.is_repeat:
            repeats += 1
            assert petitioner_ids & seen, case.number
        seen |= petitioner_ids
    assert repeats > 0


def test_personal_data_is_valid_and_encrypted(demo_cases: list[Case]) -> None:
    named = list(Petitioner.objects.filter(is_anonymous=False))
    assert named
    for petitioner in named:
        id_number = crypto.decrypt(petitioner.id_number_cipher)
        assert check_id_number(id_number) == id_number
        assert petitioner.id_number_digest == crypto.blind_index(id_number)
        assert petitioner.id_number_mask == mask_id_number(id_number)
        assert crypto.decrypt(petitioner.address_cipher).startswith(("西湖区", "余杭区"))
    digests = [p.id_number_digest for p in named]
    assert len(digests) == len(set(digests))
    for phone in PetitionerPhone.objects.all():
        number = crypto.decrypt(phone.cipher)
        assert check_phone(number) == number and phone.digest == crypto.blind_index(number)


def test_numbers_are_gapless_and_registration_continues(demo_cases: list[Case]) -> None:
    by_prefix: dict[tuple[int, str], list[Case]] = defaultdict(list)
    for case in demo_cases:
        prefix, _, seq = case.number.rpartition("-")
        by_prefix[(case.receiving_org_id, prefix)].append(case)
    for (org_id, prefix), cases in by_prefix.items():
        cases.sort(key=lambda c: c.number)
        assert [int(c.number[-6:]) for c in cases] == list(range(1, len(cases) + 1))
        times = [c.received_at for c in cases]
        assert times == sorted(times), "numbers follow the order of receipt"
        year = int(prefix[-4:])
        assert CaseNumberCounter.objects.get(organisation_id=org_id, year=year).last_seq == len(cases)
    registrar = User.objects.get(username="registrar")
    latest = max(
        (c for c in demo_cases if c.receiving_org_id == registrar.organisation_id), key=lambda c: c.number
    )
    place = Organisation.objects.filter(kind=OrgKind.VILLAGE).first()
    case = register_case(registrar, place, received_at=latest.received_at + timedelta(minutes=1))
    prefix, _, seq = latest.number.rpartition("-")
    assert case.number == f"{prefix}-{int(seq) + 1:06d}"


def test_event_hash_chain_is_valid(demo_cases: list[Case]) -> None:
    events = list(CaseEvent.objects.order_by("case_id", "seq"))
    assert len(events) == CASES
    for event in events:
        assert (event.seq, event.kind, event.prev_hash) == (1, "registered", GENESIS_HASH)
    assert verify_history().ok
    case = demo_cases[0]
    assert events[0].data == {
        "number": case.number,
        "channel": case.channel,
        "receiving_org": case.receiving_org_id,
    }


def test_full_text_search_finds_generated_cases(demo_cases: list[Case]) -> None:
    found = list(search.filter_by_text(Case.objects.all(), "物业"))
    assert found
    assert all("物业" in c.title + c.facts + c.request for c in found)
    expected = {c.pk for c in demo_cases if "物业" in c.title + c.facts + c.request}
    assert {c.pk for c in found} == expected


def test_demo_setup_twice_does_not_duplicate(db: None) -> None:
    out = StringIO()
    call_command("demo-setup", cases=60, seed=1, anchor=ANCHOR, stdout=out)
    counts = (
        Organisation.objects.count(),
        User.objects.count(),
        Case.objects.count(),
        Petitioner.objects.count(),
    )
    assert counts[2] == 60
    call_command("demo-setup", cases=60, seed=1, anchor=ANCHOR, stdout=out)
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        Case.objects.count(),
        Petitioner.objects.count(),
    ) == counts
    text = out.getvalue()
    assert "registrar" in text and DEMO_PASSWORD in text and "西湖区信访局" in text


def test_demo_data_refuses_a_seed_twice_and_appends_another(db: None) -> None:
    call_command("demo-data", cases=30, seed=2, anchor=ANCHOR, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("demo-data", cases=30, seed=2, anchor=ANCHOR, stdout=StringIO())
    with pytest.raises(DemoDataExists):
        do_write_demo_cases(count=5, seed=2, anchor=ANCHOR)
    call_command("demo_data", cases=30, seed=3, anchor=clock.local_now().date(), stdout=StringIO())
    assert Case.objects.count() == 60
    assert Case.objects.values("number").distinct().count() == 60
