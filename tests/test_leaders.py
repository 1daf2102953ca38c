"""Leader work through the pages: reception days (领导接待日) with appointments and the
cases registered there, and leader case ownership (领导包案) from assignment to 息访息诉."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.helpers import registration_post
from xinfang.cases.audit import verify_history
from xinfang.cases.models import Case, CaseEvent, Category
from xinfang.core import crypto
from xinfang.leaders.models import (
    LeaderCase,
    LeaderCaseStep,
    ReceptionAppointment,
    ReceptionDay,
    ReceptionDayCase,
    ReceptionStatus,
)
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.roles import Role
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_user, register_case

PHONE = "13912340000"


@dataclass
class People:
    reg: User  # bureau registrar
    head: User  # bureau unit head
    handler: User  # bureau handler
    leader: User  # county leader
    leader_a: User  # 北山街道 leader
    head_a: User  # 北山街道 unit head
    reg_a: User  # 北山街道 registrar
    leader_b: User  # 西溪街道 leader
    head_b: User  # 西溪街道 unit head
    housing_head: User
    housing_leader: User


@pytest.fixture
def people(tree: OrgTree) -> People:
    return People(
        reg=make_user(tree.bureau, Role.REGISTRAR, "reg"),
        head=make_user(tree.bureau, Role.UNIT_HEAD, "head"),
        handler=make_user(tree.bureau, Role.HANDLER, "handler"),
        leader=make_user(tree.county, Role.LEADER, "leader"),
        leader_a=make_user(tree.township_a, Role.LEADER, "leader_a"),
        head_a=make_user(tree.township_a, Role.UNIT_HEAD, "head_a"),
        reg_a=make_user(tree.township_a, Role.REGISTRAR, "reg_a"),
        leader_b=make_user(tree.township_b, Role.LEADER, "leader_b"),
        head_b=make_user(tree.township_b, Role.UNIT_HEAD, "head_b"),
        housing_head=make_user(tree.housing, Role.UNIT_HEAD, "housing_head"),
        housing_leader=make_user(tree.housing, Role.LEADER, "housing_leader"),
    )


def login(client: Client, user: User) -> Client:
    client.logout()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def schedule_post(org: Organisation, leader: User, **overrides: str) -> dict[str, str]:
    data = {
        "organisation": str(org.pk),
        "leader": str(leader.pk),
        "date": timezone.localdate().isoformat(),
        "day_part": "morning",
        "start_time": "09:00",
        "end_time": "11:30",
        "place": "区信访局接待大厅",
        "topics": "征地拆迁、劳动保障",
    }
    data.update(overrides)
    return data


def schedule_day(client: Client, org: Organisation, leader: User, **overrides: str) -> ReceptionDay:
    response = client.post("/leaders/reception-days/new/", schedule_post(org, leader, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    day = ReceptionDay.objects.order_by("-id").first()
    assert day is not None and response["Location"] == f"/leaders/reception-days/{day.pk}/"
    return day


def book_post(**overrides: str) -> dict[str, str]:
    data = {"petitioner_name": "王五", "phone": PHONE, "head_count": "1", "matter": "征地补偿款未到位"}
    data.update(overrides)
    return data


def section(body: str, element_id: str) -> str:
    """The HTML of one table (or list) of a page, so flash messages do not count."""
    start = body.index(f'id="{element_id}"')
    end = min(i for i in (body.find("</table>", start), body.find("</ol>", start)) if i != -1)
    return body[start:end]


def kinds(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))


def assert_refused(response, code: str, status: int = 403) -> None:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    assert response.status_code == status, body[:2000]
    assert code in body


# --- reception days -----------------------------------------------------------------------------------


def test_reception_day_appointment_and_registered_case(client: Client, tree: OrgTree, people: People) -> None:
    login(client, people.reg)
    assert "领导接访" in client.get("/").content.decode()
    assert client.get("/leaders/reception-days/new/").status_code == 200
    day = schedule_day(client, tree.bureau, people.leader)
    assert day.status == ReceptionStatus.PLANNED and day.created_by == people.reg
    assert "区信访局接待大厅" in client.get("/leaders/").content.decode()

    # A booking: the phone is stored encrypted and shown masked only.
    response = client.post(f"/leaders/reception-days/{day.pk}/appointments/", book_post())
    assert response.status_code == 302
    appointment = ReceptionAppointment.objects.get()
    assert PHONE not in appointment.phone_cipher and crypto.decrypt(appointment.phone_cipher) == PHONE
    page = client.get(f"/leaders/reception-days/{day.pk}/").content.decode()
    assert "王五" in page and "139****0000" in page and PHONE not in page
    assert PHONE not in client.get("/leaders/").content.decode()

    # The registration form offers today's day of this office, and the case is linked to it.
    assert "区信访局接待大厅" in client.get("/register/").content.decode()
    data = registration_post(
        tree.township_a, channel="leader_reception", reception_day=str(day.pk), token="tok-r1"
    )
    response = client.post("/register/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    link = ReceptionDayCase.objects.get()
    assert link.case == case and link.reception_day == day and link.linked_by == people.reg
    assert kinds(case) == ["registered", "reception_linked"]
    page = client.get(f"/leaders/reception-days/{day.pk}/").content.decode()
    assert case.number in page and "工地拖欠农民工工资" in page
    assert "领导接待日登记" in client.get(f"/cases/{case.pk}/").content.decode()

    # A case registered without choosing the day is linked afterwards to the booking it came from.
    response = client.post(
        "/register/", registration_post(tree.township_a, channel="leader_reception", token="t2")
    )
    assert response.status_code == 302
    second = Case.objects.exclude(pk=case.pk).get()
    response = client.post(
        f"/leaders/reception-days/{day.pk}/cases/",
        {"case_number": second.number, "appointment": str(appointment.pk)},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    appointment.refresh_from_db()
    assert appointment.case == second and appointment.status == "attended"
    assert kinds(second) == ["registered", "reception_linked"]
    # Linking it again is refused and changes nothing.
    again = client.post(f"/leaders/reception-days/{day.pk}/cases/", {"case_number": second.number})
    assert again.status_code == 302 and ReceptionDayCase.objects.count() == 2
    other_day = schedule_day(client, tree.bureau, people.leader, day_part="afternoon")
    moved = client.post(f"/leaders/reception-days/{other_day.pk}/cases/", {"case_number": second.number})
    assert_refused(moved, "E9017", 400)
    assert ReceptionDayCase.objects.filter(case=second).get().reception_day == day

    # The leader confirms the day was held.
    login(client, people.leader)
    assert client.post(f"/leaders/reception-days/{day.pk}/held/").status_code == 302
    day.refresh_from_db()
    assert day.status == ReceptionStatus.HELD and day.closed_by == people.leader
    past = section(client.get("/leaders/").content.decode(), "past-days")
    assert f"/leaders/reception-days/{day.pk}/" in past and "已接待" in past
    assert verify_history().ok


def test_reception_forms_keep_input_and_refuse_wrong_channel(
    client: Client, tree: OrgTree, people: People
) -> None:
    login(client, people.reg)
    day = schedule_day(client, tree.bureau, people.leader)

    bad_phone = client.post(f"/leaders/reception-days/{day.pk}/appointments/", book_post(phone="12345"))
    body = bad_phone.content.decode()
    assert bad_phone.status_code == 400 and "E1004" in body and "征地补偿款未到位" in body
    assert ReceptionAppointment.objects.count() == 0

    busy = client.post(
        "/leaders/reception-days/new/", schedule_post(tree.bureau, people.leader, day_part="full")
    )
    body = busy.content.decode()
    assert busy.status_code == 400 and "E9006" in body and "征地拆迁、劳动保障" in body
    past = client.post(
        "/leaders/reception-days/new/",
        schedule_post(
            tree.bureau, people.leader, date=(timezone.localdate() - timedelta(days=1)).isoformat()
        ),
    )
    assert past.status_code == 400 and "E9004" in past.content.decode()
    assert ReceptionDay.objects.count() == 1

    # A reception day only goes with the channel 领导接待日.
    data = registration_post(tree.township_a, channel="visit", reception_day=str(day.pk))
    response = client.post("/register/", data)
    body = response.content.decode()
    assert response.status_code == 400 and "E9016" in body and "工地拖欠农民工工资" in body
    assert Case.objects.count() == 0

    # A cancelled day takes no more bookings and is not offered for registration.
    response = client.post(f"/leaders/reception-days/{day.pk}/cancel/", {"reason": "领导临时外出"})
    assert response.status_code == 302
    assert_refused(client.post(f"/leaders/reception-days/{day.pk}/appointments/", book_post()), "E9008", 400)
    assert ReceptionAppointment.objects.count() == 0
    assert "区信访局接待大厅" not in client.get("/register/").content.decode()


def test_reception_day_wrong_role_and_scope(client: Client, tree: OrgTree, people: People) -> None:
    login(client, people.handler)
    assert_refused(client.get("/leaders/reception-days/new/"), "E9002")
    assert_refused(
        client.post("/leaders/reception-days/new/", schedule_post(tree.bureau, people.leader)), "E9002"
    )
    assert ReceptionDay.objects.count() == 0

    login(client, people.reg)
    day = schedule_day(client, tree.bureau, people.leader)
    # A registrar may not confirm the day was held: only its leader or a unit head.
    assert_refused(client.post(f"/leaders/reception-days/{day.pk}/held/"), "E9009")
    # A leader from beside the office cannot be scheduled.
    outsider = make_user(
        tree.city.children.create(name="上城区", kind="county", region_code="330102"), Role.LEADER
    )
    response = client.post(
        "/leaders/reception-days/new/", schedule_post(tree.bureau, outsider, day_part="afternoon")
    )
    assert response.status_code == 400 and ReceptionDay.objects.count() == 1
    assert f'value="{outsider.pk}"' not in client.get("/leaders/reception-days/new/").content.decode()

    # The handler sees the day but may not book.
    login(client, people.handler)
    assert_refused(client.post(f"/leaders/reception-days/{day.pk}/appointments/", book_post()), "E9002")
    assert ReceptionAppointment.objects.count() == 0

    # A township's people do not see the county bureau's day at all.
    for user in (people.reg_a, people.leader_b):
        login(client, user)
        assert_refused(client.get(f"/leaders/reception-days/{day.pk}/"), "E9001", 404)
        assert_refused(client.post(f"/leaders/reception-days/{day.pk}/held/"), "E9001", 404)
        assert "区信访局接待大厅" not in client.get("/leaders/").content.decode()
    day.refresh_from_db()
    assert day.status == ReceptionStatus.PLANNED

    login(client, people.head)
    assert client.post(f"/leaders/reception-days/{day.pk}/held/").status_code == 302
    day.refresh_from_db()
    assert day.status == ReceptionStatus.HELD and day.closed_by == people.head


def test_reception_day_hides_an_accusation_from_the_accused_unit(
    client: Client, tree: OrgTree, people: People
) -> None:
    login(client, people.reg)
    day = schedule_day(client, tree.bureau, people.housing_leader)
    client.post(f"/leaders/reception-days/{day.pk}/appointments/", book_post())
    appointment = ReceptionAppointment.objects.get()
    data = registration_post(
        tree.township_a,
        channel="leader_reception",
        category="accusation",
        accused_org=str(tree.housing.pk),
        title="举报住建局某科长收受好处",
    )
    assert client.post("/register/", data).status_code == 302
    accusation = Case.objects.get()
    assert accusation.category == Category.ACCUSATION
    response = client.post(
        f"/leaders/reception-days/{day.pk}/cases/",
        {"case_number": accusation.number, "appointment": str(appointment.pk)},
    )
    assert response.status_code == 302
    page = client.get(f"/leaders/reception-days/{day.pk}/").content.decode()
    assert accusation.number in section(page, "appointments")
    assert accusation.number in section(page, "reception-cases")

    # The day's own leader belongs to the accused unit: the day shows, the accusation and the
    # accuser's booking do not.
    login(client, people.housing_leader)
    response = client.get(f"/leaders/reception-days/{day.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "无权查看" in section(body, "appointments")
    assert accusation.number not in body and "举报住建局" not in body
    assert "王五" not in body and "征地补偿款未到位" not in body and "139****0000" not in body


# --- leader case ownership (领导包案) -------------------------------------------------------------


def assign_post(case: Case, leader: User, days: int = 30, **overrides: str) -> dict[str, str]:
    data = {
        "case_number": case.number,
        "leader": str(leader.pk),
        "target_date": (timezone.localdate() + timedelta(days=days)).isoformat(),
        "plan": "约见信访人，召集住建、人社召开协调会，督促企业分期支付欠薪。",
    }
    data.update(overrides)
    return data


def assign(client: Client, case: Case, leader: User, days: int = 30) -> LeaderCase:
    response = client.post("/leaders/cases/new/", assign_post(case, leader, days))
    assert response.status_code == 302, response.content.decode()[:3000]
    leader_case = LeaderCase.objects.order_by("-id").first()
    assert leader_case is not None and response["Location"] == f"/leaders/cases/{leader_case.pk}/"
    return leader_case


def test_leader_case_assign_steps_and_settle(client: Client, tree: OrgTree, people: People) -> None:
    case = register_case(people.reg, tree.township_a, title="某公司拖欠工资多次上访")
    login(client, people.head)
    assert client.get(f"/leaders/cases/new/?case={case.number}").status_code == 200
    leader_case = assign(client, case, people.leader)
    assert leader_case.assigned_by == people.head and not leader_case.settled
    assert kinds(case) == ["registered", "leader_assigned"]
    # The same leader cannot own the same case twice while it is open.
    again = client.post("/leaders/cases/new/", assign_post(case, people.leader))
    body = again.content.decode()
    assert again.status_code == 400 and "E9035" in body and "督促企业分期支付欠薪" in body
    assert LeaderCase.objects.count() == 1

    login(client, people.leader)
    board = client.get("/leaders/cases/").content.decode()
    assert case.number in board and f'href="/cases/{case.pk}/"' in board
    page = client.get(f"/leaders/cases/{leader_case.pk}/").content.decode()
    assert "督促企业分期支付欠薪" in page and 'id="step-form"' in page and 'id="settle-form"' in page
    today = timezone.localdate().isoformat()
    response = client.post(
        f"/leaders/cases/{leader_case.pk}/steps/", {"on": today, "text": "约见信访人，听取诉求"}
    )
    assert response.status_code == 302
    login(client, people.handler)
    response = client.post(f"/leaders/cases/{leader_case.pk}/steps/", {"on": today, "text": "召开协调会"})
    assert response.status_code == 302
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        f"/leaders/cases/{leader_case.pk}/steps/", {"on": future, "text": "约见企业负责人"}
    )
    assert response.status_code == 400 and "E9041" in response.content.decode()
    assert "约见企业负责人" in response.content.decode()
    assert LeaderCaseStep.objects.count() == 2

    # A registrar may neither record steps nor settle: refused, nothing changed.
    login(client, people.reg)
    events_before = CaseEvent.objects.count()
    assert_refused(
        client.post(f"/leaders/cases/{leader_case.pk}/steps/", {"on": today, "text": "x"}), "E9038"
    )
    assert_refused(client.post(f"/leaders/cases/{leader_case.pk}/settle/", {"note": "x"}), "E9042")
    assert_refused(client.post("/leaders/cases/new/", assign_post(case, people.leader_a)), "E9032")
    page = client.get(f"/leaders/cases/{leader_case.pk}/").content.decode()
    assert 'id="step-form"' not in page and 'id="settle-form"' not in page
    assert CaseEvent.objects.count() == events_before and LeaderCaseStep.objects.count() == 2
    leader_case.refresh_from_db()
    assert not leader_case.settled

    login(client, people.leader)
    response = client.post(
        f"/leaders/cases/{leader_case.pk}/settle/", {"note": "欠薪已全部支付，信访人签署息访承诺书"}
    )
    assert response.status_code == 302
    leader_case.refresh_from_db()
    assert leader_case.settled and leader_case.settled_by == people.leader and leader_case.settled_at
    assert kinds(case) == ["registered", "leader_assigned", "leader_step", "leader_step", "settled"]
    late = client.post(f"/leaders/cases/{leader_case.pk}/steps/", {"on": today, "text": "回访"})
    assert_refused(late, "E9039", 400)
    assert LeaderCaseStep.objects.count() == 2
    history = client.get(f"/cases/{case.pk}/").content.decode()
    assert "领导包案" in history and "包案工作记录" in history and "息访息诉" in history
    # Settled is closed: the same leader may take the case on again.
    login(client, people.head)
    assign(client, case, people.leader)
    assert verify_history().ok


def test_board_orders_worst_first_and_filters(client: Client, tree: OrgTree, people: People) -> None:
    second_leader = make_user(tree.county, Role.LEADER, "leader2")
    cases = {
        name: register_case(people.reg, tree.township_a, title=f"包案事项{name}")
        for name in ("later", "overdue", "settled", "other")
    }
    login(client, people.head)
    later = assign(client, cases["later"], people.leader, days=10)
    overdue = assign(client, cases["overdue"], people.leader, days=3)
    settled = assign(client, cases["settled"], people.leader, days=1)
    assign(client, cases["other"], second_leader, days=5)
    client.post(f"/leaders/cases/{settled.pk}/settle/", {"note": "已息访"})
    # Time passes: the target date of one 包案 is now behind us.
    LeaderCase.objects.filter(pk=overdue.pk).update(target_date=timezone.localdate() - timedelta(days=2))
    client.post(
        f"/leaders/cases/{later.pk}/steps/", {"on": timezone.localdate().isoformat(), "text": "召开协调会"}
    )

    def order(query: str = "") -> list[str]:
        body = section(client.get(f"/leaders/cases/{query}").content.decode(), "board-table")
        found = [(body.find(case.number), name) for name, case in cases.items() if case.number in body]
        return [name for _, name in sorted(found)]

    assert order() == ["overdue", "other", "later", "settled"]
    assert "已超期" in client.get("/leaders/cases/").content.decode()
    assert order("?settled=0") == ["overdue", "other", "later"]
    assert order("?settled=1") == ["settled"]
    assert order(f"?leader={second_leader.pk}") == ["other"]

    # A leader sees their own by default, everything in scope on request.
    login(client, people.leader)
    assert order() == ["overdue", "later", "settled"]
    assert order("?show=all") == ["overdue", "other", "later", "settled"]


def test_leader_cases_stay_in_scope(client: Client, tree: OrgTree, people: People) -> None:
    case_a = register_case(people.reg_a, tree.township_a, title="北山街道拆迁补偿")
    login(client, people.head_a)
    # A leader of the neighbouring township is not in the unit head's scope.
    response = client.post("/leaders/cases/new/", assign_post(case_a, people.leader_b))
    assert response.status_code == 400 and LeaderCase.objects.count() == 0
    leader_case = assign(client, case_a, people.leader_a)

    for user in (people.leader_b, people.head_b):
        login(client, user)
        assert case_a.number not in client.get("/leaders/cases/?show=all").content.decode()
        assert_refused(client.get(f"/leaders/cases/{leader_case.pk}/"), "E9031", 404)
        today = timezone.localdate().isoformat()
        assert_refused(
            client.post(f"/leaders/cases/{leader_case.pk}/steps/", {"on": today, "text": "x"}), "E9031", 404
        )
        assert_refused(client.post(f"/leaders/cases/{leader_case.pk}/settle/", {"note": "x"}), "E9031", 404)
    # Nor can a neighbour give the case to their own leader.
    response = client.post("/leaders/cases/new/", assign_post(case_a, people.leader_b))
    assert response.status_code == 400 and "E4001" in response.content.decode()
    assert LeaderCase.objects.count() == 1 and LeaderCaseStep.objects.count() == 0


def test_accusation_leader_case_invisible_to_the_accused_unit(
    client: Client, tree: OrgTree, people: People
) -> None:
    accusation = register_case(
        people.reg,
        tree.township_a,
        category=Category.ACCUSATION,
        accused_org=tree.housing,
        title="举报住建局某科长收受好处",
        request="请求调查处理",
    )
    ordinary = register_case(people.reg, tree.township_a, title="住建局办事拖延")
    Case.objects.filter(pk__in=[accusation.pk, ordinary.pk]).update(responsible_org=tree.housing)
    login(client, people.head)
    # A leader of the accused unit may not own the accusation.
    response = client.post("/leaders/cases/new/", assign_post(accusation, people.housing_leader))
    assert response.status_code == 400 and "E9034" in response.content.decode()
    assert LeaderCase.objects.count() == 0
    hidden = assign(client, accusation, people.leader)
    assign(client, ordinary, people.housing_leader)

    for user in (people.housing_head, people.housing_leader):
        login(client, user)
        board = client.get("/leaders/cases/?show=all").content.decode()
        assert ordinary.number in board and accusation.number not in board and "收受好处" not in board
        assert_refused(client.get(f"/leaders/cases/{hidden.pk}/"), "E9031", 404)
    assert verify_history().ok


def test_an_archived_case_takes_no_more_leader_work(tree: OrgTree) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from xinfang.cases.models import Case
    from xinfang.cases.states import Status
    from xinfang.core.errors import ErrorCode, XinfangError
    from xinfang.leaders.actions import do_assign_leader_case
    from xinfang.testing.factories import register_case

    head = make_user(tree.bureau, Role.UNIT_HEAD, "archive-head")
    leader = make_user(tree.bureau, Role.LEADER, "archive-leader")
    case = register_case(make_user(tree.bureau, Role.REGISTRAR, "archive-desk"), tree.township_a)
    Case.objects.filter(pk=case.pk).update(status=Status.ARCHIVED)
    with pytest.raises(XinfangError) as refused:
        do_assign_leader_case(
            actor=head,
            case=case,
            leader=leader,
            plan="约见信访人",
            target_date=timezone.localdate() + timedelta(days=30),
        )
    assert refused.value.code == ErrorCode.WRONG_STATUS
