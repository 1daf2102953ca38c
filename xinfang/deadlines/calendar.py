"""Working-day arithmetic for statutory periods. Pure: no Django.

Counting follows 民法典 Art.201/203 by analogy (see docs/glossary.md and the
domain notes): the start day is not counted; "N 日" counts calendar days and,
if the last day is not a working day, ends on the next working day; "N 个工作日"
counts working days only. Working days are Monday to Friday, minus the public
holidays that fall on weekdays, plus the make-up working days on weekends (调休)
of the State Council's yearly schedule.

Years without a schedule fall back to weekends only, and any period that
touches such a year is marked provisional, so a deadline can be recomputed
once the schedule is entered.

Dates are handled as proleptic ordinals (date.toordinal()) internally: integer
arithmetic and set lookups keep one computation in the low microseconds.
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Unit(StrEnum):
    CALENDAR = "calendar"  # N 日
    WORKING = "working"  # N 个工作日


@dataclass(frozen=True, slots=True)
class Due:
    start: date
    days: int
    unit: Unit
    due: date
    provisional: bool  # the period touches a year without a holiday schedule


# date(1, 1, 1) has ordinal 1 and is a Monday, so (ordinal - 1) % 7 is date.weekday().
def _weekday(ordinal: int) -> int:
    return (ordinal - 1) % 7


def _weekdays_through(ordinal: int) -> int:
    """Monday-to-Friday days in [1, ordinal]: whole weeks give 5 each, the rest at most 5."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


# At most 7 working days in any 7 days (both weekend days may be make-up days), so jumping
# (remaining - 1) // 7 whole weeks can never pass the due date.
_MAX_WORKING_PER_WEEK = 7


class WorkCalendar:
    """Built from {year: (weekday holidays, weekend make-up working days)}."""

    def __init__(self, schedules: Mapping[int, tuple[Iterable[date], Iterable[date]]]) -> None:
        self.years: frozenset[int] = frozenset(schedules)
        days_off: set[int] = set()
        days_on: set[int] = set()
        for holidays, workdays in schedules.values():
            # A "holiday" on a weekend or a "make-up day" on a weekday changes nothing, and the
            # whole-week counting below relies on days_off being weekdays and days_on weekends.
            days_off.update(d.toordinal() for d in holidays if d.weekday() < 5)
            days_on.update(d.toordinal() for d in workdays if d.weekday() >= 5)
        self._days_off = frozenset(days_off)
        self._days_on = frozenset(days_on)
        self._days_off_sorted = sorted(days_off)
        self._days_on_sorted = sorted(days_on)

    # -- days ---------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        return self._is_working(day.toordinal())

    def _is_working(self, ordinal: int) -> bool:
        if ordinal in self._days_off:
            return False
        if ordinal in self._days_on:
            return True
        return _weekday(ordinal) < 5

    def _working_days_between(self, after: int, through: int) -> int:
        """Working days in (after, through], without visiting each day."""
        weekdays = _weekdays_through(through) - _weekdays_through(after)
        off = bisect_right(self._days_off_sorted, through) - bisect_right(self._days_off_sorted, after)
        on = bisect_right(self._days_on_sorted, through) - bisect_right(self._days_on_sorted, after)
        return weekdays - off + on

    # -- periods ------------------------------------------------------------------------

    def due(self, start: date, days: int, unit: Unit | str) -> Due:
        unit = Unit(unit)
        if days < 0:
            raise ValueError("days must not be negative")
        first = start.toordinal()
        if unit is Unit.CALENDAR:
            end = self._calendar_end(first, days)
        else:
            end = self._working_end(first, days)
        due = date.fromordinal(end)
        return Due(start, days, unit, due, self._is_provisional(start, due))

    def _calendar_end(self, start: int, days: int) -> int:
        end = start + days
        # Holiday runs are at most nine days long, so this loop is short.
        while not self._is_working(end):
            end += 1
        return end

    def _working_end(self, start: int, days: int) -> int:
        position = start
        remaining = days
        while remaining > _MAX_WORKING_PER_WEEK:
            weeks = (remaining - 1) // _MAX_WORKING_PER_WEEK
            target = position + 7 * weeks
            remaining -= self._working_days_between(position, target)
            position = target
        while remaining > 0:
            position += 1
            if self._is_working(position):
                remaining -= 1
        return position

    def _is_provisional(self, start: date, due: date) -> bool:
        # The start day is not counted, so only the days after it decide.
        first_year = (start + timedelta(days=1)).year if due > start else start.year
        return any(year not in self.years for year in range(first_year, due.year + 1))
