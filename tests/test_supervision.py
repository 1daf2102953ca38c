"""督查督办 through the pages a user touches: the board (order and scope), sending a 催办 or
督办 with its document, the unit's written answer, escalation 约谈 › 通报 › 挂牌督办, and the
workbench's deadline warnings. Every refusal shows its code and changes nothing."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.lifecycle_helpers import People, client_for, make_people, step
from xinfang.cases.audit import verify_history
from xinfang.cases.models import Case, CaseEvent, Category
from xinfang.core import clock
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.documents.models import CaseDocument
from xinfang.orgs.models import Organisation, OrgKind
from xinfang.orgs.roles import Role
from xinfang.supervision.models import DeadlineAlert, Escalation, Supervision, SupervisionKind
from xinfang.supervision.sweep import sweep_deadlines
from xinfang.testing.factories import OrgTree, make_user, register_case


@pytest.fixture
def people(tree: OrgTree) -> People:
    return make_people(tree)


def days_ago(days: int):  # type: ignore[no-untyped-def]
    return clock.now() - timedelta(days=days)


def live_clock(case: Case, kind: str) -> Deadline:
    return Deadline.objects.exclude(state=DeadlineState.CLOSED).get(case=case, kind=kind)


def answer_date(days: int = 7) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def board_numbers(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/supervision/{query}")
    assert response.status_code == 200, response.content.decode()[:2000]
    return re.findall(
        r'data-deadline="\d+">\s*<td class="text-nowrap"><a href="/cases/\d+/">([^<]+)</a>',
        response.content.decode(),
    )


def state_counts() -> tuple[int, int, int]:
    return Supervision.objects.count(), CaseDocument.objects.count(), CaseEvent.objects.count()


# --- the board ----------------------------------------------------------------------------------------


def test_board_shows_the_worst_first_with_levels(people: People, tree: OrgTree) -> None:
    # Registered 25, 18, 13 and 2 days ago: the 15-day route clocks are overdue, just due, or not yet.
    cases = {
        age: register_case(people.registrar, tree.township_a, received_at=days_ago(age))
        for age in (13, 2, 25, 18)
    }
    clocks = sorted((live_clock(c, "route") for c in cases.values()), key=lambda d: (d.due_on, d.pk))
    expected = [d.case.number for d in clocks]
    today = timezone.localdate()
    overdue = [d.case.number for d in clocks if d.due_on < today]
    assert overdue[:1] == [cases[25].number] and cases[2].number not in overdue

    supervisor = client_for(people.supervisor)
    assert board_numbers(supervisor) == expected
    page = supervisor.get("/supervision/").content.decode()
    assert "已超期" in page and "《信访工作条例》第二十二条" in page and "超期 " in page
    assert board_numbers(supervisor, "?level=overdue") == overdue
    assert board_numbers(supervisor, f"?unit={tree.housing.pk}") == []
    assert board_numbers(supervisor, f"?unit={tree.bureau.pk}") == expected


def test_board_is_scoped_and_hides_an_accusation_from_the_accused_unit(tree: OrgTree) -> None:
    village_registrar = make_user(tree.village_a, Role.REGISTRAR)
    county_supervisor = make_user(tree.bureau, Role.SUPERVISOR)
    township_head = make_user(tree.township_a, Role.UNIT_HEAD)
    neighbour_head = make_user(tree.township_b, Role.UNIT_HEAD)
    plain = register_case(village_registrar, tree.village_a, title="小区路灯损坏")
    accusation = register_case(
        village_registrar,
        tree.village_a,
        category=Category.ACCUSATION,
        title="反映街道干部违规收费",
        accused="北山街道某干部",
        accused_org=tree.township_a,
    )
    assert {live_clock(c, "acceptance_notice").responsible_org for c in (plain, accusation)} == {
        tree.village_a
    }

    assert set(board_numbers(client_for(county_supervisor))) == {plain.number, accusation.number}
    # The township above the village sees the village's work, but never the accusation against itself.
    township_page = client_for(township_head)
    assert board_numbers(township_page) == [plain.number]
    assert board_numbers(client_for(neighbour_head)) == []
    # Nor can it reach the accusation's clock by its id.
    accusation_clock = live_clock(accusation, "acceptance_notice")
    response = township_page.get(f"/supervision/deadlines/{accusation_clock.pk}/notice/")
    assert response.status_code == 404 and "E4001" in response.content.decode()
    # A unit outside the user's scope is not a filter it may use.
    response = client_for(neighbour_head).get(f"/supervision/?unit={tree.village_a.pk}")
    assert response.status_code == 400 and "E7115" in response.content.decode()


# --- sending, answering, escalating ---------------------------------------------------------------------


@pytest.fixture
def transferred(people: People, tree: OrgTree) -> Case:
    case = register_case(people.registrar, tree.township_a)
    step(client_for(people.registrar), case, "transfer", target_org=tree.housing.pk, note="请依法办理")
    return case


def send(
    client: Client, deadline: Deadline, kind: str = SupervisionKind.REMIND, expect: int = 302, **fields: str
):  # type: ignore[no-untyped-def]
    url = f"/supervision/deadlines/{deadline.pk}/notice/"
    data = {
        "kind": kind,
        "demand": "请抓紧办理并书面回复办理进展。",
        "answer_due": answer_date(),
        "problems": "",
    }
    data.update(fields)
    response = client.post(url, data)
    assert response.status_code == expect, response.content.decode()[:3000]
    return response


def test_a_supervisor_sends_a_reminder_with_its_document(
    people: People, tree: OrgTree, transferred: Case
) -> None:
    deadline = live_clock(transferred, "acceptance_notice")
    supervisor = client_for(people.supervisor)
    form = supervisor.get(f"/supervision/deadlines/{deadline.pk}/notice/?kind=remind")
    assert form.status_code == 200 and "告知受理" in form.content.decode()

    response = send(supervisor, deadline)
    notice = Supervision.objects.get()
    assert response["Location"] == f"/supervision/notices/{notice.pk}/"
    assert (notice.kind, notice.target_org, notice.deadline, notice.issued_by) == (
        SupervisionKind.REMIND,
        tree.housing,
        deadline,
        people.supervisor,
    )
    assert notice.document.kind == "reminder" and notice.document.addressee == tree.housing.full_name
    kinds = list(transferred.events.order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == ["document_issued", "reminder_sent"]
    page = supervisor.get(response["Location"]).content.decode()
    assert notice.document.number in page and "催办单" in page

    send(supervisor, deadline, kind=SupervisionKind.SUPERVISE, problems="逾期未告知信访人是否受理")
    supervise = Supervision.objects.get(kind=SupervisionKind.SUPERVISE)
    assert supervise.document.kind == "supervision_notice" and supervise.escalation == Escalation.NONE
    assert "supervision_sent" in transferred.events.values_list("kind", flat=True)
    # The board counts the notices sent about the clock.
    board = supervisor.get("/supervision/").content.decode()
    assert re.search(rf'data-deadline="{deadline.pk}">.*?<td class="text-end">2</td>', board, re.S)
    assert verify_history().ok


def test_a_mistake_keeps_what_was_typed_and_writes_nothing(people: People, transferred: Case) -> None:
    deadline = live_clock(transferred, "acceptance_notice")
    supervisor = client_for(people.supervisor)
    before = state_counts()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = send(supervisor, deadline, expect=400, demand="限三日内说明未受理原因", answer_due=yesterday)
    body = response.content.decode()
    assert "E7105" in body and "限三日内说明未受理原因" in body
    response = send(supervisor, deadline, expect=400, demand="  ")
    assert "E7104" in response.content.decode()
    # A phone number may not go into a document sent to another body.
    response = send(supervisor, deadline, expect=400, demand="请联系信访人13800138000")
    assert "E8004" in response.content.decode() and "13800138000" in response.content.decode()
    assert state_counts() == before


def test_wrong_role_and_out_of_scope_are_refused(people: People, tree: OrgTree, transferred: Case) -> None:
    deadline = live_clock(transferred, "acceptance_notice")
    before = state_counts()
    # A handler does not send notices.
    handler = client_for(people.housing_handler)
    assert "E7101" in handler.get(f"/supervision/deadlines/{deadline.pk}/notice/").content.decode()
    response = send(handler, deadline, expect=403)
    assert "E7101" in response.content.decode()
    # A unit head may not chase their own unit: only an office above it may.
    response = send(client_for(people.housing_head), deadline, expect=403)
    assert "E7102" in response.content.decode()
    # A neighbouring township cannot see the case at all.
    neighbour = client_for(make_user(tree.township_b, Role.UNIT_HEAD))
    response = send(neighbour, deadline, expect=404)
    assert "E4001" in response.content.decode()
    # The county bureau's head is above the department: allowed.
    send(client_for(people.bureau_head), deadline)
    assert state_counts()[0] == before[0] + 1


def test_the_target_unit_answers_and_escalation_climbs_to_listed_supervision(
    people: People, tree: OrgTree, transferred: Case
) -> None:
    deadline = live_clock(transferred, "acceptance_notice")
    supervisor = client_for(people.supervisor)
    send(supervisor, deadline)
    first = Supervision.objects.get()
    url = f"/supervision/notices/{first.pk}/"

    # Nobody answers for the unit but its handler or head.
    registrar_of_unit = client_for(make_user(tree.housing, Role.REGISTRAR))
    before = state_counts()
    response = registrar_of_unit.post(url + "answer/", {"answer": "正在办理"})
    assert response.status_code == 403 and "E7107" in response.content.decode()
    response = client_for(people.supervisor).post(url + "answer/", {"answer": "正在办理"})
    assert response.status_code == 403 and "E7107" in response.content.decode()
    # Escalating before the answer date, with no answer yet, is too early (the page does not offer it).
    assert 'id="escalate-later"' in supervisor.get(url).content.decode()
    response = supervisor.post(
        url + "escalate/", {"reason": "", "demand": "立即办理", "answer_due": answer_date(3)}
    )
    assert response.status_code == 400 and "E7110" in response.content.decode()
    assert state_counts() == before

    handler = client_for(people.housing_handler)
    page = handler.get(url).content.decode()
    assert 'id="answer-form"' in page and 'id="escalate-form"' not in page
    response = handler.post(url + "answer/", {"answer": "已于今日电话告知信访人受理，将按期办理。"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_answered and first.answered_by == people.housing_handler
    assert "supervision_answered" in transferred.events.values_list("kind", flat=True)
    response = handler.post(url + "answer/", {"answer": "再答一次"})
    assert response.status_code == 409 and "E7108" in response.content.decode()

    # The answer does not do: 约谈.
    assert 'id="escalate-form"' in supervisor.get(url).content.decode()
    response = supervisor.post(
        url + "escalate/",
        {"reason": "回复未说明办理时限。", "demand": "请主要负责人到局约谈", "answer_due": answer_date(5)},
    )
    assert response.status_code == 302
    interview = Supervision.objects.get(escalated_from=first)
    assert (interview.kind, interview.escalation, interview.target_org) == (
        SupervisionKind.SUPERVISE,
        Escalation.INTERVIEW,
        tree.housing,
    )
    assert interview.document.kind == "supervision_notice"
    assert interview.document.fields["demand"].startswith("约谈")
    assert first.document.number in interview.document.fields["problems"]
    response = supervisor.post(
        url + "escalate/", {"reason": "", "demand": "再升级", "answer_due": answer_date(5)}
    )
    assert response.status_code == 409 and "E7112" in response.content.decode()

    # Unanswered past its date (time passes): 通报, then 挂牌督办, then nothing higher.
    notice = interview
    for expected in (Escalation.PUBLIC_NOTICE, Escalation.LISTED):
        Supervision.objects.filter(pk=notice.pk).update(answer_due=timezone.localdate() - timedelta(days=1))
        response = supervisor.post(
            f"/supervision/notices/{notice.pk}/escalate/",
            {"reason": "", "demand": "限期整改", "answer_due": answer_date(5)},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        notice = Supervision.objects.get(escalated_from=notice)
        assert notice.escalation == expected
    assert "挂牌督办" in supervisor.get(f"/supervision/notices/{notice.pk}/").content.decode()
    Supervision.objects.filter(pk=notice.pk).update(answer_due=timezone.localdate() - timedelta(days=1))
    response = supervisor.post(
        f"/supervision/notices/{notice.pk}/escalate/",
        {"reason": "", "demand": "x", "answer_due": answer_date(5)},
    )
    assert response.status_code == 409 and "E7111" in response.content.decode()
    assert transferred.events.filter(kind="supervision_escalated").count() == 3
    assert verify_history().ok


def test_notices_are_refused_once_the_case_is_finished(people: People, tree: OrgTree) -> None:
    case = register_case(people.registrar, tree.township_a)
    route = live_clock(case, "route")
    supervisor = client_for(people.supervisor)
    send(supervisor, route)  # the bureau's own supervisor chases its registration desk
    notice = Supervision.objects.get()
    assert notice.target_org == tree.bureau
    step(
        client_for(people.registrar),
        case,
        "guide_to_legal_route",
        legal_route="向人民法院提起诉讼",
        reason="属民事纠纷",
    )
    before = state_counts()
    response = supervisor.post(
        f"/supervision/notices/{notice.pk}/escalate/",
        {"reason": "", "demand": "x", "answer_due": answer_date()},
    )
    assert response.status_code == 409 and "E7103" in response.content.decode()
    response = client_for(people.bureau_head).post(
        f"/supervision/notices/{notice.pk}/answer/", {"answer": "已办"}
    )
    assert response.status_code == 409 and "E7103" in response.content.decode()
    response = supervisor.get(f"/supervision/deadlines/{route.pk}/notice/")
    assert response.status_code == 409 and "E7103" in response.content.decode()
    assert state_counts() == before


def test_notices_of_an_accusation_stay_away_from_the_accused_unit(tree: OrgTree) -> None:
    # An accusation against the county bureau, received by a street office in the bureau's jurisdiction.
    street_registrar = make_user(tree.township_a, Role.REGISTRAR)
    accusation = register_case(
        street_registrar,
        tree.township_a,
        category=Category.ACCUSATION,
        title="反映区信访局工作人员推诿",
        accused="区信访局某工作人员",
        accused_org=tree.bureau,
    )
    city_bureau = Organisation.objects.create(
        name="信访局", kind=OrgKind.PETITION_BUREAU, region_code="330100", parent=tree.city
    )
    city_supervisor = client_for(make_user(city_bureau, Role.SUPERVISOR))
    county_supervisor = client_for(make_user(tree.bureau, Role.SUPERVISOR))
    deadline = live_clock(accusation, "acceptance_notice")
    assert board_numbers(county_supervisor) == [] and board_numbers(city_supervisor) == [accusation.number]

    send(city_supervisor, deadline)
    notice = Supervision.objects.get()
    assert notice.target_org == tree.township_a
    response = county_supervisor.get(f"/supervision/notices/{notice.pk}/")
    assert response.status_code == 404 and "E7106" in response.content.decode()
    assert accusation.number not in county_supervisor.get("/supervision/notices/").content.decode()
    # The street office it was sent to sees it and answers it.
    street = client_for(make_user(tree.township_a, Role.HANDLER))
    assert accusation.number in street.get("/supervision/notices/").content.decode()
    response = street.post(f"/supervision/notices/{notice.pk}/answer/", {"answer": "已转纪检监察机关"})
    assert response.status_code == 302


# --- the workbench -----------------------------------------------------------------------------------------


def test_workbench_shows_the_units_warnings_until_acknowledged(people: People, tree: OrgTree) -> None:
    late = register_case(people.registrar, tree.township_a, received_at=days_ago(25))
    sweep_deadlines()
    alert = DeadlineAlert.objects.get()
    assert alert.deadline.case == late and alert.responsible_org == tree.bureau
    send(client_for(people.supervisor), live_clock(late, "route"))
    notice = Supervision.objects.get()

    head = client_for(people.bureau_head)
    page = head.get("/").content.decode()
    panel = page[page.index('id="deadline-warnings"') :]
    assert late.number in panel and "已超期 1" in panel and "转送、交办" in panel
    assert f"/supervision/alerts/{alert.pk}/acknowledge/" in panel
    assert f"/supervision/notices/{notice.pk}/" in panel

    # Another unit cannot acknowledge it.
    other = client_for(people.housing_head)
    response = other.post(f"/supervision/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 404 and "E7114" in response.content.decode()
    assert (
        "期限预警" in other.get("/").content.decode() and late.number not in other.get("/").content.decode()
    )

    assert head.post(f"/supervision/alerts/{alert.pk}/acknowledge/").status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == people.bureau_head and alert.acknowledged_at is not None
    page = head.get("/").content.decode()
    assert f"/supervision/alerts/{alert.pk}/acknowledge/" not in page and late.number in page
    # Answering removes the notice from the list addressed to the unit.
    head.post(f"/supervision/notices/{notice.pk}/answer/", {"answer": "已于今日转送住建局。"})
    assert f"/supervision/notices/{notice.pk}/" not in head.get("/").content.decode()


def test_pages_need_a_login(db: None) -> None:
    for url in ("/supervision/", "/supervision/notices/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
