"""The transition table walked against the database: for every transition, each allowed role
moves the case and applies exactly the table's deadline effects; a wrong role, a wrong body
or a wrong state is refused and changes nothing."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction

from tests.lifecycle_helpers import GOOD_REPLY, People, make_people
from xinfang.cases import states, workflow
from xinfang.cases.actions.accept import do_accept
from xinfang.cases.models import Appeal, AppealLevel, Case
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines import clocks
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.orgs.models import User
from xinfang.orgs.roles import Role
from xinfang.testing.factories import OrgTree, make_user, register_case


@pytest.fixture
def people(tree: OrgTree) -> People:
    return make_people(tree)


def actor_for(transition: states.Transition, role: str, people: People, tree: OrgTree) -> User | None:
    if role == states.PETITIONER:
        return None
    if transition.body == states.RECEIVING:
        return {Role.REGISTRAR: people.registrar, Role.UNIT_HEAD: people.bureau_head}[Role(role)]
    if transition.body == states.REVIEWING:
        return people.bureau_head  # the appeals below are all before the county
    return {
        Role.REGISTRAR: make_user(tree.housing, Role.REGISTRAR),
        Role.HANDLER: people.housing_handler,
        Role.UNIT_HEAD: people.housing_head,
    }[Role(role)]


def prepare(transition: states.Transition, tree: OrgTree, people: People) -> Case:
    """A case in the transition's first source status with the clocks it would have there."""
    case = register_case(people.registrar, tree.township_a)
    source = sorted(transition.sources)[0]
    Case.objects.filter(pk=case.pk).update(status=source, responsible_org=tree.housing)
    case.refresh_from_db()
    today = workflow.today()
    Deadline.objects.filter(case=case).update(state=DeadlineState.CLOSED, closed_on=today)
    for kind in (
        set(transition.stops) | set(transition.extends) | set(transition.pauses) | set(transition.resumes)
    ):
        if not Deadline.objects.filter(case=case, kind=kind).exclude(state=DeadlineState.CLOSED).exists():
            deadline = clocks.open_deadline(
                case.pk,
                kind,
                started_on=today,
                responsible_org=tree.housing,
                due_on=today + timedelta(days=20) if kind == "assigned_report" else None,
            )
            if kind in transition.resumes:
                clocks.pause_deadline(deadline, on=today - timedelta(days=3))
    if transition.body == states.REVIEWING or transition.code in ("request_review", "request_re_review"):
        # (The request actions create the appeal before the transition; the decisions find it.)
        level = (
            AppealLevel.REVIEW
            if "re_review" not in transition.code
            and transition.code != "open_hearing"
            and transition.code != "close_hearing"
            else AppealLevel.RE_REVIEW
        )
        Appeal.objects.create(case=case, level=level, body=tree.county, requested_on=today, grounds="不服")
    return case


def apply(case: Case, transition: states.Transition, actor: User | None) -> None:
    with transaction.atomic():
        locked = workflow.lock_case(case)
        workflow.apply(
            locked,
            transition.code,
            actor=actor,
            report_due=workflow.today() + timedelta(days=20),
            extension=workflow.Extension(30, "需要调查"),
        )


@pytest.mark.parametrize("transition", states.TRANSITIONS, ids=lambda t: t.code)
def test_each_allowed_role_performs_the_transition_with_its_deadline_effects(
    transition: states.Transition, tree: OrgTree, people: People
) -> None:
    for role in sorted(transition.roles):
        case = prepare(transition, tree, people)
        before = {d.pk: d.due_on for d in Deadline.objects.filter(case=case)}
        apply(case, transition, actor_for(transition, role, people, tree))
        case.refresh_from_db()
        assert case.status == transition.target, (transition.code, role)
        live = {d.kind: d for d in Deadline.objects.filter(case=case).exclude(state=DeadlineState.CLOSED)}
        for kind in transition.stops:
            if kind not in transition.starts:
                assert kind not in live, (transition.code, kind)
        for kind in transition.starts:
            assert live[kind].state == DeadlineState.RUNNING and live[kind].responsible_org is not None
        for kind in transition.extends:
            assert live[kind].extended_days == 30 and live[kind].due_on > before[live[kind].pk]
        for kind in transition.pauses:
            assert live[kind].state == DeadlineState.PAUSED
        for kind in transition.resumes:
            assert live[kind].state == DeadlineState.RUNNING and live[kind].paused_days == 3
        event = case.events.order_by("-seq").first()
        assert event is not None and event.kind == transition.code


@pytest.mark.parametrize("transition", states.TRANSITIONS, ids=lambda t: t.code)
def test_a_wrong_role_is_refused_and_nothing_changes(
    transition: states.Transition, tree: OrgTree, people: People
) -> None:
    case = prepare(transition, tree, people)
    outsider = make_user(tree.bureau, Role.AUDITOR)
    events_before = case.events.count()
    deadlines_before = list(Deadline.objects.filter(case=case).values())
    with pytest.raises(XinfangError) as refused:
        apply(case, transition, outsider)
    assert refused.value.code == ErrorCode.WRONG_ROLE
    case.refresh_from_db()
    assert case.status == sorted(transition.sources)[0] and case.events.count() == events_before
    assert list(Deadline.objects.filter(case=case).values()) == deadlines_before


@pytest.mark.parametrize("transition", states.TRANSITIONS, ids=lambda t: t.code)
def test_a_wrong_state_is_refused(transition: states.Transition, tree: OrgTree, people: People) -> None:
    case = prepare(transition, tree, people)
    wrong = next(status for status in states.Status if status not in transition.sources)
    Case.objects.filter(pk=case.pk).update(status=wrong)
    case.refresh_from_db()
    role = sorted(transition.roles)[0]
    with pytest.raises(XinfangError) as refused:
        apply(case, transition, actor_for(transition, role, people, tree))
    assert refused.value.code == ErrorCode.WRONG_STATUS
    assert Case.objects.get(pk=case.pk).status == wrong


def test_a_unit_outside_the_case_cannot_act_for_the_responsible_one(tree: OrgTree, people: People) -> None:
    case = register_case(people.registrar, tree.township_a)
    Case.objects.filter(pk=case.pk).update(status=states.Status.ROUTED, responsible_org=tree.housing)
    case.refresh_from_db()
    other_head = make_user(tree.township_b, Role.UNIT_HEAD)
    problems = workflow.check_transition(case, "accept", other_head)
    assert [p.code for p in problems] == [ErrorCode.WRONG_BODY]


def test_a_stale_page_is_refused_with_case_changed(tree: OrgTree, people: People) -> None:
    case = register_case(people.registrar, tree.township_a)
    Case.objects.filter(pk=case.pk).update(status=states.Status.ROUTED, responsible_org=tree.housing)
    seen = workflow.last_seq(case)
    do_accept(actor=people.housing_handler, case=case, expected_seq=seen)
    with pytest.raises(XinfangError) as refused:
        do_accept(actor=people.housing_head, case=case, expected_seq=seen)
    assert refused.value.code == ErrorCode.CASE_CHANGED
    assert case.events.filter(kind="accept").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_at_once_one_wins_the_other_is_told(tree: OrgTree) -> None:
    people = make_people(tree)
    case = register_case(people.registrar, tree.township_a)
    Case.objects.filter(pk=case.pk).update(status=states.Status.ROUTED, responsible_org=tree.housing)
    seen = workflow.last_seq(case)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(actor: User) -> None:
        try:
            barrier.wait()
            do_accept(actor=actor, case=case, expected_seq=seen)
            outcomes.append("ok")
        except XinfangError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=accept, args=(user,))
        for user in (people.housing_handler, people.housing_head)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["ok", ErrorCode.CASE_CHANGED]), outcomes
    assert case.events.filter(kind="accept").count() == 1
    assert Deadline.objects.filter(case=case, kind="handling").count() == 1


def test_a_provisional_clock_is_recomputed_when_the_year_is_entered(
    tree: OrgTree,
    people: People,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from datetime import date

    from xinfang.deadlines.models import HolidayDay, HolidayKind, HolidayYear
    from xinfang.deadlines.selectors import forget_calendar

    HolidayYear.objects.filter(year=2027).delete()
    forget_calendar()
    case = register_case(people.registrar, tree.township_a)
    # 2026-12-20 + 15 日 = Monday 2027-01-04, computed on weekends only: provisional.
    clock = clocks.open_deadline(
        case.pk, "handling", started_on=date(2026, 10, 1), responsible_org=tree.housing
    )
    late = clocks.open_deadline(
        case.pk, "acceptance_notice", started_on=date(2026, 12, 20), responsible_org=tree.county
    )
    assert late.due_on == date(2027, 1, 4) and late.provisional and not clock.provisional
    with django_capture_on_commit_callbacks(execute=True):
        year = HolidayYear.objects.create(year=2027, source="国务院办公厅通知（测试）")
        HolidayDay.objects.create(
            holiday_year=year, date=date(2027, 1, 4), kind=HolidayKind.HOLIDAY, name="元旦"
        )
    late.refresh_from_db()
    assert late.due_on == date(2027, 1, 5) and not late.provisional
    forget_calendar()


# -- regressions found in review ---------------------------------------------------------------

from xinfang.cases.actions import appeal as appeal_actions  # noqa: E402
from xinfang.cases.actions import handle, route  # noqa: E402
from xinfang.cases.models import Category  # noqa: E402


def live_kinds(case: Case) -> set[str]:
    return set(
        Deadline.objects.filter(case=case).exclude(state=DeadlineState.CLOSED).values_list("kind", flat=True)
    )


def test_an_accusation_against_discipline_inspection_is_not_sent_to_it(tree: OrgTree, people: People) -> None:
    case = register_case(
        people.registrar, tree.township_a, category=Category.ACCUSATION, accused_org=tree.discipline
    )
    with pytest.raises(XinfangError) as refused:
        route.do_send_to_discipline(actor=people.registrar, case=case)
    assert refused.value.code == ErrorCode.ACCUSED_CANNOT_HANDLE
    assert Case.objects.get(pk=case.pk).status == states.Status.REGISTERED


def test_only_an_assigned_case_reports_instead_of_replying(tree: OrgTree, people: People) -> None:
    case = register_case(people.registrar, tree.township_a)
    route.do_transfer(actor=people.registrar, case=case, data=route.RouteInput(target_org=tree.housing))
    do_accept(actor=people.housing_handler, case=case)
    case.refresh_from_db()
    assert "report_assigned" not in [t.code for t in workflow.allowed_transitions(case, people.housing_head)]
    with pytest.raises(XinfangError) as refused:
        handle.do_report_assigned(actor=people.housing_head, case=case, data=handle.ReportInput("已办结"))
    assert refused.value.code == ErrorCode.NOT_ASSIGNED_CASE


def test_an_office_other_than_the_bureau_registers_and_routes(tree: OrgTree) -> None:
    desk = make_user(tree.housing, Role.REGISTRAR)
    case = register_case(desk, tree.township_a)
    assert live_kinds(case) == {"acceptance_notice"}  # Art.23: it tells the petitioner within 15 日
    route.do_transfer(actor=desk, case=case, data=route.RouteInput(target_org=tree.township_a))
    assert live_kinds(case) == {"acceptance_notice", "objection"}
    other = register_case(desk, tree.township_a)
    route.do_guide_to_legal_route(
        actor=desk, case=other, data=route.GuideInput("向人民法院提起诉讼", "属民事纠纷")
    )
    assert live_kinds(other) == set()


def test_no_clock_runs_on_a_finished_case(tree: OrgTree, people: People) -> None:
    due = workflow.today() + timedelta(days=20)
    case = register_case(people.registrar, tree.township_a)
    route.do_assign(
        actor=people.registrar, case=case, data=route.RouteInput(target_org=tree.housing, report_due=due)
    )
    do_accept(actor=people.housing_handler, case=case)
    handle.do_reply(
        actor=people.housing_head,
        case=case,
        data=handle.ReplyInput(
            request=GOOD_REPLY["request"],
            facts_found=GOOD_REPLY["facts_found"],
            reasons=GOOD_REPLY["reasons"],
            decision=GOOD_REPLY["decision"],
            legal_basis=GOOD_REPLY["legal_basis"],
            review_notice=GOOD_REPLY["review_notice"],
        ),
    )
    handle.do_conclude(actor=people.housing_head, case=case, petitioner_accepts=True)
    assert live_kinds(case) == set()
    # Merged while a review is pending: the review clock stops with it.
    other = register_case(people.registrar, tree.township_a)
    target = register_case(people.registrar, tree.township_a)
    Case.objects.filter(pk=other.pk).update(
        status=states.Status.REVIEW_REQUESTED, responsible_org=tree.housing
    )
    clocks.open_deadline(
        other.pk, "review_decision", started_on=workflow.today(), responsible_org=tree.county
    )
    route.do_merge(actor=people.registrar, case=other, into_number=target.number)
    assert live_kinds(other) == set()


def test_bodies_above_or_inside_the_acting_one_cannot_act_for_it(tree: OrgTree, people: People) -> None:
    case = register_case(people.registrar, tree.township_a)
    Case.objects.filter(pk=case.pk).update(status=states.Status.ROUTED, responsible_org=tree.township_a)
    case.refresh_from_db()
    county_head = make_user(tree.county, Role.UNIT_HEAD)
    village_head = make_user(tree.village_a, Role.UNIT_HEAD)
    for outsider in (county_head, village_head):
        assert [p.code for p in workflow.check_transition(case, "accept", outsider)] == [ErrorCode.WRONG_BODY]
    # The city may not decide a review addressed to the county.
    Case.objects.filter(pk=case.pk).update(status=states.Status.REVIEW_REQUESTED)
    case.refresh_from_db()
    Appeal.objects.create(
        case=case, level=AppealLevel.REVIEW, body=tree.county, requested_on=workflow.today(), grounds="x"
    )
    assert [p.code for p in workflow.check_transition(case, "decide_review", people.city_head)] == [
        ErrorCode.WRONG_BODY
    ]
    assert not workflow.check_transition(case, "decide_review", people.bureau_head)


def test_a_bureau_does_not_review_its_own_answer(tree: OrgTree, people: People) -> None:
    case = register_case(people.registrar, tree.township_a)
    Case.objects.filter(pk=case.pk).update(status=states.Status.REVIEW_REQUESTED, responsible_org=tree.bureau)
    case.refresh_from_db()
    Appeal.objects.create(
        case=case, level=AppealLevel.REVIEW, body=tree.county, requested_on=workflow.today(), grounds="x"
    )
    assert [p.code for p in workflow.check_transition(case, "decide_review", people.bureau_head)] == [
        ErrorCode.WRONG_BODY
    ]


def test_a_decision_during_a_hearing_counts_the_paused_days(tree: OrgTree, people: People) -> None:
    case = register_case(people.registrar, tree.township_a)
    Case.objects.filter(pk=case.pk).update(
        status=states.Status.RE_REVIEW_REQUESTED, responsible_org=tree.housing
    )
    Appeal.objects.create(
        case=case,
        level=AppealLevel.REVIEW,
        body=tree.county,
        requested_on=workflow.today(),
        grounds="x",
        decided_on=workflow.today(),
    )
    Appeal.objects.create(
        case=case, level=AppealLevel.RE_REVIEW, body=tree.city, requested_on=workflow.today(), grounds="x"
    )
    started = workflow.today() - timedelta(days=50)
    clock = clocks.open_deadline(case.pk, "rereview_decision", started_on=started, responsible_org=tree.city)
    clocks.pause_deadline(clock, on=started + timedelta(days=10))  # a hearing since day 10: 40 days paused
    appeal_actions.do_decide_appeal(
        actor=people.city_head,
        case=case,
        data=appeal_actions.AppealDecisionInput(
            "维持", "请求", "事实", "维持原意见", "依据", "本复核意见为最终意见。"
        ),
    )
    clock.refresh_from_db()
    assert clock.paused_days == 40 and clock.met_on_time


def test_an_accusation_is_not_merged_into_a_case_its_accused_unit_handles(
    tree: OrgTree, people: People
) -> None:
    accusation = register_case(
        people.registrar, tree.township_a, category=Category.ACCUSATION, accused_org=tree.township_a
    )
    handled_there = register_case(people.registrar, tree.township_a)
    Case.objects.filter(pk=handled_there.pk).update(
        status=states.Status.ROUTED, responsible_org=tree.township_a
    )
    with pytest.raises(XinfangError) as refused:
        route.do_merge(actor=people.registrar, case=accusation, into_number=handled_there.number)
    assert refused.value.code == ErrorCode.MERGE_TARGET_INVALID
    assert not handled_there.events.filter(kind="merged_in").exists()


@pytest.mark.django_db(transaction=True)
def test_merging_two_cases_into_each_other_at_once_neither_deadlocks_nor_loops(tree: OrgTree) -> None:
    people = make_people(tree)
    first = register_case(people.registrar, tree.township_a)
    second = register_case(people.registrar, tree.township_a)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def merge(case: Case, into: Case) -> None:
        try:
            barrier.wait()
            route.do_merge(actor=people.registrar, case=case, into_number=into.number)
            outcomes.append("ok")
        except XinfangError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=merge, args=pair) for pair in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["ok", ErrorCode.MERGE_TARGET_INVALID]), outcomes
    assert Case.objects.filter(status=states.Status.MERGED).count() == 1
