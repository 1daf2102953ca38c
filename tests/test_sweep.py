"""The deadline sweep: levels follow the date, each warning is written once (also with several
sweeps at the same moment), paused clocks and the petitioner's windows never warn, and
"due soon" looks ahead in working days."""

import json
import threading
from collections import defaultdict
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tests.lifecycle_helpers import People, client_for, make_people, step
from xinfang.cases.models import Case, Category
from xinfang.cases.states import FINISHED, Status
from xinfang.core import clock
from xinfang.deadlines.models import Deadline, DeadlineState, WarningLevel
from xinfang.demo.actions import do_write_demo_cases
from xinfang.demo.tree import ensure_demo_tree
from xinfang.orgs.roles import Role
from xinfang.supervision.models import DeadlineAlert
from xinfang.supervision.sweep import sweep_deadlines, warning_horizon
from xinfang.supervision.tasks import sweep_deadlines_every_five_minutes
from xinfang.testing.factories import OrgTree, make_org_tree, make_user, register_case

SHANGHAI_NOON = timedelta(hours=12)

REPLY: dict[str, Any] = {
    "request": "请求督促公司支付拖欠的工资",
    "facts_found": "经查，该公司确实拖欠工资三万元。",
    "reasons": "用人单位应当按时足额支付劳动报酬。",
    "decision": "责令该公司于30日内支付拖欠工资。",
    "legal_basis": "《保障农民工工资支付条例》第十五条",
}


@pytest.fixture
def people(tree: OrgTree) -> People:
    return make_people(tree)


def clock_of(case: Case, kind: str = "route") -> Deadline:
    return Deadline.objects.exclude(state=DeadlineState.CLOSED).get(case=case, kind=kind)


def alerts_of(deadline: Deadline) -> list[str]:
    return sorted(DeadlineAlert.objects.filter(deadline=deadline).values_list("level", flat=True))


def test_a_repeat_sweep_changes_nothing_and_warns_once(people: People, tree: OrgTree) -> None:
    cases = [register_case(people.registrar, tree.township_a, title=f"拖欠工资{i}") for i in range(3)]
    clocks = [clock_of(case) for case in cases]
    day_after = max(c.due_on for c in clocks) + timedelta(days=1)

    first = sweep_deadlines(day_after)
    assert (first.overdue, first.alerts) == (3, 3)
    levels = list(Deadline.objects.order_by("id").values_list("id", "level"))

    second = sweep_deadlines(day_after)
    assert (second.overdue, second.due_soon, second.normal, second.alerts) == (0, 0, 0, 0)
    assert list(Deadline.objects.order_by("id").values_list("id", "level")) == levels
    for deadline in clocks:
        assert alerts_of(deadline) == [WarningLevel.OVERDUE]
        alert = DeadlineAlert.objects.get(deadline=deadline)
        assert alert.responsible_org == tree.bureau and alert.acknowledged_at is None


def test_levels_follow_the_date_and_each_level_warns_once(people: People, tree: OrgTree) -> None:
    deadline = clock_of(register_case(people.registrar, tree.township_a))
    due = deadline.due_on

    assert sweep_deadlines(due - timedelta(days=40)).alerts == 0
    deadline.refresh_from_db()
    assert deadline.level == WarningLevel.NORMAL

    result = sweep_deadlines(due)
    deadline.refresh_from_db()
    assert (result.due_soon, result.alerts, deadline.level) == (1, 1, WarningLevel.DUE_SOON)

    result = sweep_deadlines(due + timedelta(days=1))
    deadline.refresh_from_db()
    assert (result.overdue, result.alerts, deadline.level) == (1, 1, WarningLevel.OVERDUE)
    assert alerts_of(deadline) == [WarningLevel.DUE_SOON, WarningLevel.OVERDUE]

    # As after an extension: the date is far again, the mark goes, the history of alerts stays.
    result = sweep_deadlines(due - timedelta(days=40))
    deadline.refresh_from_db()
    assert (result.normal, result.alerts, deadline.level) == (1, 0, WarningLevel.NORMAL)
    # Due soon once more: the level comes back, but that warning was already given.
    assert sweep_deadlines(due).alerts == 0
    assert alerts_of(deadline) == [WarningLevel.DUE_SOON, WarningLevel.OVERDUE]


def test_a_closed_clock_is_unmarked_and_the_objection_window_never_warns(
    people: People, tree: OrgTree
) -> None:
    case = register_case(people.registrar, tree.township_a)
    route = clock_of(case)
    sweep_deadlines(route.due_on + timedelta(days=1))
    route.refresh_from_db()
    assert route.level == WarningLevel.OVERDUE

    step(client_for(people.registrar), case, "transfer", target_org=tree.housing.pk, note="请依法办理")
    objection = clock_of(case, "objection")
    notice = clock_of(case, "acceptance_notice")
    assert objection.due_on < notice.due_on
    result = sweep_deadlines(objection.due_on + timedelta(days=1))
    route.refresh_from_db()
    objection.refresh_from_db()
    assert route.state == DeadlineState.CLOSED and route.level == WarningLevel.NORMAL
    # The right to object lapsing is no unit's overdue work; the acceptance notice is still in time.
    assert objection.level == WarningLevel.NORMAL and alerts_of(objection) == []
    assert result.overdue == 0 and alerts_of(route) == [WarningLevel.OVERDUE]


def test_paused_clocks_and_the_petitioners_windows_never_warn(people: People, tree: OrgTree) -> None:
    case = register_case(people.registrar, tree.township_a)
    registrar = client_for(people.registrar)
    head = client_for(people.housing_head)
    step(registrar, case, "transfer", target_org=tree.housing.pk, note="请依法办理")
    step(client_for(people.housing_handler), case, "accept", note="")
    step(
        head,
        case,
        "reply",
        review_notice="如不服，可自收到本意见书之日起30日内向西湖区人民政府请求复查。",
        **REPLY,
    )

    window = clock_of(case, "review_request")
    assert window.petitioner_window
    sweep_deadlines(window.due_on + timedelta(days=5))
    window.refresh_from_db()
    assert window.level == WarningLevel.NORMAL and alerts_of(window) == []

    step(registrar, case, "request_review", grounds="对处理意见不服")
    step(
        client_for(people.bureau_head),
        case,
        "decide_review",
        outcome="维持",
        next_step_notice="可向杭州市人民政府请求复核。",
        **REPLY,
    )
    step(registrar, case, "request_re_review", grounds="仍不服")
    decision = clock_of(case, "rereview_decision")
    # Overdue before the hearing: warned. Paused by the hearing: unmarked, and no further warning.
    sweep_deadlines(decision.due_on + timedelta(days=1))
    step(client_for(people.city_head), case, "open_hearing", note="召开听证会")
    decision.refresh_from_db()
    assert decision.state == DeadlineState.PAUSED
    result = sweep_deadlines(decision.due_on + timedelta(days=10))
    decision.refresh_from_db()
    assert decision.level == WarningLevel.NORMAL and result.normal == 1 and result.alerts == 0
    assert alerts_of(decision) == [WarningLevel.OVERDUE]


def test_due_soon_counts_working_days_across_the_national_day_holiday(people: People, tree: OrgTree) -> None:
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are make-up working days.
    assert warning_horizon(date(2025, 9, 30), 3) == date(2025, 10, 11)
    before_holiday = register_case(
        people.registrar, tree.township_a, received_at=_shanghai(date(2025, 9, 25))
    )
    after_it = register_case(people.registrar, tree.township_a, received_at=_shanghai(date(2025, 9, 28)))
    near, far = clock_of(before_holiday), clock_of(after_it)
    assert (near.due_on, far.due_on) == (date(2025, 10, 10), date(2025, 10, 13))

    # Ten calendar days ahead, but only three working days: due soon.
    result = sweep_deadlines(date(2025, 9, 30))
    near.refresh_from_db()
    far.refresh_from_db()
    assert (near.level, far.level) == (WarningLevel.DUE_SOON, WarningLevel.NORMAL)
    assert result.soon_until == date(2025, 10, 11)


def _shanghai(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=clock.local_now().tzinfo) + SHANGHAI_NOON


def test_the_command_prints_a_json_summary(people: People, tree: OrgTree) -> None:
    deadline = clock_of(register_case(people.registrar, tree.township_a))
    out = StringIO()
    call_command(
        "supervision", "sweep", "--today", (deadline.due_on + timedelta(days=2)).isoformat(), stdout=out
    )
    summary = json.loads(out.getvalue())
    assert summary["overdue"] == 1 and summary["alerts"] == 1 and summary["skipped"] is False
    with pytest.raises(CommandError, match="E6001"):
        call_command("supervision", "sweep", "--today", "2025-13-01")


@pytest.fixture
def immediate_huey():  # type: ignore[no-untyped-def]
    previous = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = previous


def test_the_periodic_task_sweeps_in_immediate_mode(people: People, tree: OrgTree, immediate_huey) -> None:  # type: ignore[no-untyped-def]
    late = register_case(people.registrar, tree.township_a, received_at=clock.now() - timedelta(days=30))
    # Enqueued and, in immediate mode, run at once (huey keeps no result for periodic tasks).
    sweep_deadlines_every_five_minutes()
    deadline = clock_of(late)
    assert deadline.level == WarningLevel.OVERDUE and alerts_of(deadline) == [WarningLevel.OVERDUE]
    assert sweep_deadlines_every_five_minutes.call_local()["alerts"] == 0


# --- several sweeps at the same moment (own connections; runs on SQLite and PostgreSQL) ---


def _run_at_once(count: int, target) -> list[BaseException]:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def worker() -> None:
        try:
            barrier.wait()
            target()
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lock", [True, False], ids=["with-lock", "without-lock"])
def test_sweeps_running_at_once_write_each_alert_once(lock: bool) -> None:
    tree = make_org_tree()
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    cases = [register_case(registrar, tree.township_a, title=f"事项{i}") for i in range(12)]
    due = clock_of(cases[0]).due_on
    day_after = due + timedelta(days=1)

    assert _run_at_once(4, lambda: sweep_deadlines(day_after, lock=lock)) == []

    assert DeadlineAlert.objects.count() == 12
    assert set(DeadlineAlert.objects.values_list("level", flat=True)) == {WarningLevel.OVERDUE}
    assert set(Deadline.objects.values_list("level", flat=True)) == {WarningLevel.OVERDUE}
    assert sweep_deadlines(day_after, lock=lock).alerts == 0


# --- the demo data carries the clocks its statuses imply (the benchmark sweeps them) ---

LIVE_BY_STATUS: dict[str, set[str]] = {
    Status.ROUTED: {"acceptance_notice", "objection"},
    Status.SENT_TO_DISCIPLINE: {"acceptance_notice"},
    Status.OBJECTED: {"route"},
    Status.ACCEPTED: {"handling"},
    Status.IN_PROGRESS: {"handling"},
    Status.EXTENDED: {"handling"},
    Status.REPLIED: {"review_request"},
    Status.RATED: {"review_request"},
    Status.REVIEW_REQUESTED: {"review_decision"},
    Status.REVIEW_DECIDED: {"rereview_request"},
    Status.RE_REVIEW_REQUESTED: {"rereview_decision"},
    Status.RE_REVIEW_DECIDED: set(),
}


def test_demo_cases_get_the_clocks_their_status_implies(db: None) -> None:
    anchor = date(2026, 3, 1)
    do_write_demo_cases(count=600, seed=4, anchor=anchor, batch_size=250)
    tree = ensure_demo_tree()
    live: dict[int, set[str]] = defaultdict(set)
    for deadline in Deadline.objects.select_related("case"):
        case = deadline.case
        received = timezone.localtime(case.received_at).date()
        assert received <= deadline.started_on < anchor
        assert deadline.level == WarningLevel.NORMAL  # the sweep sets levels, not the generator
        if deadline.state == DeadlineState.CLOSED:
            assert deadline.closed_on is not None and deadline.started_on <= deadline.closed_on < anchor
        else:
            assert deadline.kind not in live[case.pk], "one live clock per kind"
            live[case.pk].add(deadline.kind)
            if deadline.kind == "review_decision":
                assert (
                    deadline.responsible_org == tree.main.county
                    or deadline.responsible_org == tree.second.county
                )
            if deadline.kind == "rereview_decision":
                assert deadline.responsible_org == tree.city
    seen = set()
    for case in Case.objects.select_related("receiving_org"):
        status = Status(case.status)
        seen.add(status)
        if status in FINISHED:
            assert not live[case.pk], case.number
        elif status == Status.REGISTERED:
            first = "route" if case.receiving_org.kind == "petition_bureau" else "acceptance_notice"
            assert live[case.pk] == {first}, case.number
        elif case.category == Category.ACCUSATION and status == Status.ROUTED:
            assert live[case.pk] == {"acceptance_notice"}  # sent to discipline: no objection window
        else:
            assert live[case.pk] == LIVE_BY_STATUS[status], (case.number, status)
        if status == Status.EXTENDED:
            assert Deadline.objects.get(case=case, kind="handling").extended_days > 0
    assert len(seen) >= 10
    result = sweep_deadlines(anchor)
    assert result.overdue > 0 and result.alerts >= result.overdue
