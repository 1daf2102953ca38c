"""Starting, stopping, extending and pausing the statutory clocks of a case.

Only `xinfang.cases.workflow` calls these, inside the transaction of the action that
moves the case, with the case row locked; so they never race each other.
"""

from datetime import date, timedelta

from xinfang.deadlines import rules
from xinfang.deadlines.calendar import Unit
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.deadlines.selectors import load_calendar
from xinfang.orgs.models import Organisation


def open_deadline(
    case_id: int,
    code: str,
    *,
    started_on: date,
    responsible_org: Organisation | None,
    due_on: date | None = None,
) -> Deadline:
    """Start the clock `code` on the day after `started_on` (the start day is not counted).

    `due_on` is only for periods the office sets itself (交办); others are computed."""
    period = rules.BY_CODE[code]
    calendar = load_calendar()
    if due_on is not None:
        if not period.set_by_office:
            raise ValueError(f"{code} is a statutory period; its due date is computed")
        days = max((due_on - started_on).days, 0)
        due = calendar.due(started_on, days, Unit.CALENDAR)
        # The office chose a date; a working day it chose stays, a rest day moves like any period.
        due_date, provisional = due.due, due.provisional
    else:
        due = calendar.due(started_on, period.days, period.unit)
        days, due_date, provisional = period.days, due.due, due.provisional
    return Deadline.objects.create(
        case_id=case_id,
        kind=code,
        responsible_org=responsible_org,
        started_on=started_on,
        days=days,
        unit=period.unit if due_on is None else Unit.CALENDAR,
        statutory_due_on=due_date,
        due_on=due_date,
        provisional=provisional,
        petitioner_window=period.petitioner_window,
    )


def live_deadlines(case_id: int, codes: tuple[str, ...] | list[str]) -> list[Deadline]:
    return list(
        Deadline.objects.select_for_update()
        .filter(case_id=case_id, kind__in=codes)
        .exclude(state=DeadlineState.CLOSED)
    )


def close_all_deadlines(case_id: int, *, on: date, by: str) -> list[Deadline]:
    codes = list(
        Deadline.objects.filter(case_id=case_id)
        .exclude(state=DeadlineState.CLOSED)
        .values_list("kind", flat=True)
    )
    return close_deadlines(case_id, tuple(codes), on=on, by=by)


def close_deadlines(case_id: int, codes: tuple[str, ...], *, on: date, by: str) -> list[Deadline]:
    closed = live_deadlines(case_id, codes)
    for deadline in closed:
        if deadline.state == DeadlineState.PAUSED:
            # Decided during a hearing: the paused days count in its favour, as on resuming.
            _shift_by_pause(deadline, on)
        deadline.state = DeadlineState.CLOSED
        deadline.closed_on = on
        deadline.closed_by = by
        deadline.save()
    return closed


def extend_deadline(deadline: Deadline, *, days: int, reason: str) -> Deadline:
    """Add `days` calendar days to the due date in force (Art.34: at most 30, once)."""
    new_due = load_calendar().due(deadline.due_on, days, Unit.CALENDAR)
    deadline.due_on = new_due.due
    deadline.provisional = deadline.provisional or new_due.provisional
    deadline.extended_days += days
    deadline.extension_reason = reason
    deadline.save()
    return deadline


def pause_deadline(deadline: Deadline, *, on: date) -> Deadline:
    deadline.state = DeadlineState.PAUSED
    deadline.paused_on = on
    deadline.save()
    return deadline


def resume_deadline(deadline: Deadline, *, on: date) -> Deadline:
    """The paused days are added back, so the clock loses nothing to the hearing."""
    _shift_by_pause(deadline, on)
    deadline.state = DeadlineState.RUNNING
    deadline.save()
    return deadline


def _shift_by_pause(deadline: Deadline, on: date) -> None:
    paused = _add_paused_days(deadline, on)
    shifted = deadline.due_on + timedelta(days=paused)
    calendar = load_calendar()
    while not calendar.is_working_day(shifted):
        shifted += timedelta(days=1)
    deadline.due_on = shifted


def _add_paused_days(deadline: Deadline, on: date) -> int:
    assert deadline.paused_on is not None
    paused = max((on - deadline.paused_on).days, 0)
    deadline.paused_days += paused
    deadline.paused_on = None
    return paused


def recompute_provisional() -> int:
    """After a year's schedule is entered, recompute every live clock marked provisional.

    Returns how many changed. Extensions and pauses are reapplied on top of the new date."""
    calendar = load_calendar()
    changed = 0
    for deadline in (
        Deadline.objects.select_for_update().filter(provisional=True).exclude(state=DeadlineState.CLOSED)
    ):
        base = calendar.due(deadline.started_on, deadline.days, deadline.unit)
        due = base.due
        if deadline.extended_days:
            due = calendar.due(due, deadline.extended_days, Unit.CALENDAR).due
        if deadline.paused_days:
            due += timedelta(days=deadline.paused_days)
            while not calendar.is_working_day(due):
                due += timedelta(days=1)
        provisional = calendar.due(deadline.started_on, (due - deadline.started_on).days, Unit.CALENDAR)
        if due != deadline.due_on or provisional.provisional != deadline.provisional:
            deadline.statutory_due_on = base.due
            deadline.due_on = due
            deadline.provisional = provisional.provisional
            deadline.save()
            changed += 1
    return changed
