"""A walk over the transition table (pure data): every status reachable, finished
ones closed, every transition with roles and consistent deadline effects."""

from collections import deque

import pytest

from xinfang.cases.states import (
    ANY_IN_SCOPE,
    ASSIGNED_REPORT,
    BY_CODE,
    FINISHED,
    OPEN,
    RECEIVING,
    RESPONSIBLE,
    REVIEWING,
    TRANSITIONS,
    Status,
    transitions_from,
)
from xinfang.deadlines.rules import BY_CODE as PERIODS

KNOWN_DEADLINES = set(PERIODS) | {ASSIGNED_REPORT}


def test_every_status_is_reachable_from_registration() -> None:
    seen = {Status.REGISTERED}
    queue = deque([Status.REGISTERED])
    while queue:
        for transition in transitions_from(queue.popleft()):
            if transition.target not in seen:
                seen.add(transition.target)
                queue.append(transition.target)
    assert seen == set(Status)


def test_finished_statuses_only_lead_to_the_archive() -> None:
    assert not transitions_from(Status.ARCHIVED)
    for status in FINISHED - {Status.ARCHIVED}:
        assert {t.target for t in transitions_from(status)} == {Status.ARCHIVED}, status
    assert OPEN.isdisjoint(FINISHED) and OPEN | FINISHED == set(Status)


def test_every_open_status_has_a_way_forward() -> None:
    for status in OPEN:
        assert any(t.target != status for t in transitions_from(status)), status


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.code)
def test_each_transition_names_roles_and_known_deadlines(transition) -> None:  # type: ignore[no-untyped-def]
    assert transition.roles, "someone must be allowed to perform it"
    assert transition.body in {RECEIVING, RESPONSIBLE, REVIEWING, ANY_IN_SCOPE}
    assert transition.label
    effects = (
        *transition.starts,
        *transition.stops,
        *transition.extends,
        *transition.pauses,
        *transition.resumes,
    )
    assert set(effects) <= KNOWN_DEADLINES, set(effects) - KNOWN_DEADLINES
    # Restarted on purpose: routing after an objection; a new unit's acceptance notice after routing.
    assert not set(transition.starts) & set(transition.stops) - {"route", "acceptance_notice"}


def test_codes_are_unique() -> None:
    assert len(BY_CODE) == len(TRANSITIONS)


@pytest.mark.parametrize(
    ("code", "starts", "stops"),
    [
        ("transfer", {"acceptance_notice", "objection"}, {"route", "acceptance_notice"}),
        ("accept", {"handling"}, {"route", "acceptance_notice", "objection"}),
        ("reply", {"review_request"}, {"handling"}),
        ("request_review", {"review_decision"}, {"review_request"}),
        ("decide_review", {"rereview_request"}, {"review_decision"}),
        ("request_re_review", {"rereview_decision"}, {"rereview_request"}),
        ("decide_re_review", set(), {"rereview_decision"}),
    ],
)
def test_statutory_clock_hand_offs(code: str, starts: set[str], stops: set[str]) -> None:
    transition = BY_CODE[code]
    assert set(transition.starts) == starts and set(transition.stops) == stops


def test_extension_and_hearing_effects() -> None:
    assert BY_CODE["extend"].extends == ("handling",) and BY_CODE["extend"].roles == {"unit_head"}
    assert BY_CODE["open_hearing"].pauses == ("rereview_decision",)
    assert BY_CODE["close_hearing"].resumes == ("rereview_decision",)


def test_the_workflow_page_is_generated_from_the_table() -> None:
    from pathlib import Path

    from xinfang.cases.workflow_doc import render

    page = Path(__file__).resolve().parent.parent / "docs" / "workflow.md"
    assert page.read_text() == render(), "run: .venv/bin/xinfang workflow doc > docs/workflow.md"
