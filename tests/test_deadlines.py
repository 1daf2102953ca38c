"""Deadline calendar: statutory periods over the State Council holiday schedules.

Expected dates are worked out by hand from the official schedules (国办发明电
〔2023〕7号 for 2024, 〔2024〕12号 for 2025, 〔2025〕7号 for 2026), written out
below; `chinese_calendar` serves only as an independent check of which days
are working days.
"""

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from xinfang.deadlines import rules
from xinfang.deadlines.calendar import Due, Unit, WorkCalendar
from xinfang.deadlines.models import HolidayDay, HolidayKind, HolidayYear
from xinfang.deadlines.seed import seed_holidays
from xinfang.deadlines.selectors import forget_calendar, load_calendar, missing_schedule_warning
from xinfang.orgs.roles import Role
from xinfang.testing.factories import OrgTree, make_user

# {year: (weekday holidays, weekend make-up working days)}, copied from the notices.
OFFICIAL: dict[int, tuple[set[date], set[date]]] = {
    2024: (
        {
            date(2024, 1, 1),  # 元旦
            *(date(2024, 2, d) for d in (12, 13, 14, 15, 16)),  # 春节 2.10–2.17
            date(2024, 4, 4),  # 清明 4.4–4.6
            date(2024, 4, 5),
            date(2024, 5, 1),  # 劳动节 5.1–5.5
            date(2024, 5, 2),
            date(2024, 5, 3),
            date(2024, 6, 10),  # 端午 6.8–6.10
            date(2024, 9, 16),  # 中秋 9.15–9.17
            date(2024, 9, 17),
            *(date(2024, 10, d) for d in (1, 2, 3, 4, 7)),  # 国庆 10.1–10.7
        },
        {
            date(2024, 2, 4),  # Sunday
            date(2024, 2, 18),  # Sunday
            date(2024, 4, 7),  # Sunday
            date(2024, 4, 28),  # Sunday
            date(2024, 5, 11),  # Saturday
            date(2024, 9, 14),  # Saturday
            date(2024, 9, 29),  # Sunday
            date(2024, 10, 12),  # Saturday
        },
    ),
    2025: (
        {
            date(2025, 1, 1),  # 元旦
            *(date(2025, 1, d) for d in (28, 29, 30, 31)),  # 春节 1.28–2.4
            date(2025, 2, 3),
            date(2025, 2, 4),
            date(2025, 4, 4),  # 清明 4.4–4.6
            date(2025, 5, 1),  # 劳动节 5.1–5.5
            date(2025, 5, 2),
            date(2025, 5, 5),
            date(2025, 6, 2),  # 端午 5.31–6.2
            *(date(2025, 10, d) for d in (1, 2, 3, 6, 7, 8)),  # 国庆、中秋 10.1–10.8
        },
        {
            date(2025, 1, 26),  # Sunday
            date(2025, 2, 8),  # Saturday
            date(2025, 4, 27),  # Sunday
            date(2025, 9, 28),  # Sunday
            date(2025, 10, 11),  # Saturday
        },
    ),
    2026: (
        {
            date(2026, 1, 1),  # 元旦 1.1–1.3
            date(2026, 1, 2),
            *(date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)),  # 春节 2.15–2.23
            date(2026, 4, 6),  # 清明 4.4–4.6
            date(2026, 5, 1),  # 劳动节 5.1–5.5
            date(2026, 5, 4),
            date(2026, 5, 5),
            date(2026, 6, 19),  # 端午 6.19–6.21
            date(2026, 9, 25),  # 中秋 9.25–9.27
            *(date(2026, 10, d) for d in (1, 2, 5, 6, 7)),  # 国庆 10.1–10.7
        },
        {
            date(2026, 1, 4),  # Sunday
            date(2026, 2, 14),  # Saturday
            date(2026, 2, 28),  # Saturday
            date(2026, 5, 9),  # Saturday
            date(2026, 9, 20),  # Sunday
            date(2026, 10, 10),  # Saturday
        },
    ),
}

C, W = Unit.CALENDAR, Unit.WORKING

# (start, days, unit, expected due). The comment walks the days: "x off" is a holiday or
# weekend, "x work" a make-up working day, (n) the n-th working day counted.
CASES: list[tuple[date, int, Unit, date]] = [
    # -- 2024 春节: off 2.10–2.17, make-up Sun 2.4 and Sun 2.18 --
    (date(2024, 2, 5), 5, W, date(2024, 2, 18)),  # 6,7,8,9 (4); 10–17 off; Sun 18 (5): DOMAIN.md
    (date(2024, 2, 2), 1, W, date(2024, 2, 4)),  # Sat 3 off; Sun 4 work (1)
    (date(2024, 2, 2), 2, W, date(2024, 2, 5)),  # Sun 4 (1), Mon 5 (2)
    (date(2024, 2, 8), 2, W, date(2024, 2, 18)),  # Fri 9 (1); 10–17 off; Sun 18 (2)
    (date(2024, 2, 8), 3, W, date(2024, 2, 19)),  # 9, 18, 19
    (date(2024, 2, 9), 1, W, date(2024, 2, 18)),  # 10–17 off
    (date(2024, 1, 31), 10, W, date(2024, 2, 19)),  # 2.1,2,4,5,6,7,8,9 (8); 18 (9); 19 (10)
    (date(2024, 2, 15), 1, W, date(2024, 2, 18)),  # 16, 17 off
    (date(2024, 2, 12), 5, W, date(2024, 2, 22)),  # starts in the holiday: 18,19,20,21,22
    (date(2024, 2, 1), 15, C, date(2024, 2, 18)),  # Fri 2.16 holiday, Sat 17 off, Sun 18 work
    (date(2024, 1, 28), 15, C, date(2024, 2, 18)),  # Mon 2.12 holiday … Sun 18 work
    (date(2024, 2, 3), 15, C, date(2024, 2, 18)),  # Sun 2.18 is a make-up working day
    (date(2024, 1, 26), 15, C, date(2024, 2, 18)),  # Sat 2.10 off … Sun 18 work
    (date(2024, 1, 20), 15, C, date(2024, 2, 4)),  # Sun 2.4 is a make-up working day: no extension
    (date(2024, 1, 19), 15, C, date(2024, 2, 4)),  # Sat 2.3 off, Sun 4 work
    # -- 2024 清明: off Thu 4.4–Sat 4.6, make-up Sun 4.7 --
    (date(2024, 4, 3), 1, W, date(2024, 4, 7)),  # 4, 5, 6 off; Sun 7 work
    (date(2024, 4, 2), 5, W, date(2024, 4, 10)),  # 3 (1); 7 (2); 8, 9, 10
    (date(2024, 3, 20), 15, C, date(2024, 4, 7)),  # 3.35 = Thu 4.4 holiday … Sun 7 work
    (date(2024, 3, 22), 15, C, date(2024, 4, 7)),  # Sat 4.6 off, Sun 7 work
    (date(2024, 3, 23), 15, C, date(2024, 4, 7)),  # lands on the make-up Sunday
    # -- 2024 劳动节: off Wed 5.1–Sun 5.5, make-up Sun 4.28 and Sat 5.11 --
    (date(2024, 4, 26), 1, W, date(2024, 4, 28)),  # Sat 27 off; Sun 28 work
    (date(2024, 4, 26), 3, W, date(2024, 4, 30)),  # 28, 29, 30
    (date(2024, 4, 29), 5, W, date(2024, 5, 9)),  # 30 (1); 5.1–5.5 off; 6, 7, 8, 9
    (date(2024, 5, 6), 5, W, date(2024, 5, 11)),  # 7, 8, 9, 10, Sat 11 work
    (date(2024, 4, 16), 15, C, date(2024, 5, 6)),  # Wed 5.1 holiday … Mon 6
    (date(2024, 4, 26), 15, C, date(2024, 5, 11)),  # Sat 5.11 is a make-up working day
    (date(2024, 4, 13), 15, C, date(2024, 4, 28)),  # Sun 4.28 is a make-up working day
    (date(2024, 4, 1), 30, C, date(2024, 5, 6)),  # Wed 5.1 holiday … Mon 6
    # -- 2024 端午: off Sat 6.8–Mon 6.10 --
    (date(2024, 6, 7), 1, W, date(2024, 6, 11)),  # 8, 9, 10 off
    (date(2024, 5, 26), 15, C, date(2024, 6, 11)),  # 5.41 = Mon 6.10 holiday
    (date(2024, 4, 11), 60, C, date(2024, 6, 11)),  # 4.30 (19), 5.31 (50), 6.10 (60) holiday
    # -- 2024 中秋: off Sun 9.15–Tue 9.17, make-up Sat 9.14 --
    (date(2024, 9, 13), 1, W, date(2024, 9, 14)),  # Sat 14 work
    (date(2024, 9, 13), 2, W, date(2024, 9, 18)),  # 14 (1); 15–17 off; Wed 18 (2)
    (date(2024, 8, 30), 15, C, date(2024, 9, 14)),  # 8.45 = Sat 9.14, a make-up working day
    (date(2024, 9, 1), 15, C, date(2024, 9, 18)),  # Mon 9.16 holiday, 17 holiday
    # -- 2024 国庆: off Tue 10.1–Mon 10.7, make-up Sun 9.29 and Sat 10.12 --
    (date(2024, 9, 27), 1, W, date(2024, 9, 29)),  # Sat 28 off; Sun 29 work
    (date(2024, 9, 27), 2, W, date(2024, 9, 30)),  # 29, 30
    (date(2024, 9, 27), 3, W, date(2024, 10, 8)),  # 29, 30; 10.1–10.7 off; Tue 8
    (date(2024, 9, 20), 15, C, date(2024, 10, 8)),  # 9.35 = Sat 10.5 … Mon 7 holiday
    (date(2024, 9, 16), 15, C, date(2024, 10, 8)),  # starts on a holiday: Tue 10.1 holiday
    (date(2024, 9, 27), 15, C, date(2024, 10, 12)),  # Sat 10.12 is a make-up working day
    (date(2024, 10, 8), 5, W, date(2024, 10, 14)),  # 9, 10, 11, Sat 12 (4); Sun 13 off; Mon 14
    (date(2024, 9, 30), 5, W, date(2024, 10, 12)),  # 8, 9, 10, 11, Sat 12
    (date(2024, 9, 5), 30, C, date(2024, 10, 8)),  # 9.35 = Sat 10.5 … Mon 7 holiday
    # -- 2025 春节: off Tue 1.28–Tue 2.4, make-up Sun 1.26 and Sat 2.8 --
    (date(2025, 1, 24), 1, W, date(2025, 1, 26)),  # Sat 25 off; Sun 26 work
    (date(2025, 1, 24), 3, W, date(2025, 2, 5)),  # 26, 27; 1.28–2.4 off; Wed 2.5
    (date(2025, 1, 27), 1, W, date(2025, 2, 5)),  # 1.28–2.4 off
    (date(2025, 2, 5), 3, W, date(2025, 2, 8)),  # 6, 7, Sat 8 work
    (date(2025, 1, 13), 15, C, date(2025, 2, 5)),  # Tue 1.28 holiday … Tue 2.4 holiday
    (date(2025, 1, 11), 15, C, date(2025, 1, 26)),  # Sun 1.26 is a make-up working day
    (date(2025, 1, 24), 15, C, date(2025, 2, 8)),  # 1.39 = Sat 2.8, a make-up working day
    (date(2025, 1, 20), 5, W, date(2025, 1, 26)),  # 21, 22, 23, 24, Sun 26
    # -- 2025 清明: off Fri 4.4–Sun 4.6 --
    (date(2025, 4, 3), 1, W, date(2025, 4, 7)),
    (date(2025, 3, 20), 15, C, date(2025, 4, 7)),  # 3.35 = Fri 4.4 holiday, 5, 6 off
    # -- 2025 劳动节: off Thu 5.1–Mon 5.5, make-up Sun 4.27 --
    (date(2025, 4, 25), 1, W, date(2025, 4, 27)),  # Sat 26 off; Sun 27 work
    (date(2025, 4, 29), 2, W, date(2025, 5, 6)),  # 30 (1); 5.1–5.5 off; Tue 6 (2)
    (date(2025, 4, 16), 15, C, date(2025, 5, 6)),  # Thu 5.1 holiday … Mon 5 holiday
    # -- 2025 端午: off Sat 5.31–Mon 6.2 --
    (date(2025, 5, 18), 15, C, date(2025, 6, 3)),  # 5.33 = Mon 6.2 holiday
    (date(2025, 5, 30), 1, W, date(2025, 6, 3)),
    # -- 2025 国庆、中秋: off Wed 10.1–Wed 10.8, make-up Sun 9.28 and Sat 10.11 --
    (date(2025, 9, 19), 15, C, date(2025, 10, 9)),  # 9.34 = Sat 10.4 … Wed 8 holiday: DOMAIN.md
    (date(2025, 9, 26), 1, W, date(2025, 9, 28)),  # Sat 27 off; Sun 28 work
    (date(2025, 9, 26), 3, W, date(2025, 9, 30)),  # 28, 29, 30
    (date(2025, 9, 30), 1, W, date(2025, 10, 9)),  # 10.1–10.8 off
    (date(2025, 9, 30), 3, W, date(2025, 10, 11)),  # 9, 10, Sat 11 work
    (date(2025, 9, 26), 15, C, date(2025, 10, 11)),  # Sat 10.11 is a make-up working day
    (date(2025, 9, 1), 30, C, date(2025, 10, 9)),  # Wed 10.1 holiday … Wed 8 holiday
    (date(2025, 8, 9), 60, C, date(2025, 10, 9)),  # 8.31 (22), 9.30 (52), 10.8 (60) holiday
    (date(2025, 9, 24), 5, W, date(2025, 9, 30)),  # 25, 26, Sun 28, 29, 30
    (date(2025, 9, 1), 30, W, date(2025, 10, 17)),  # Sept gives 22 (Sun 28 incl.); 9, 10, 11, 13–17
    # -- across New Year 2024/2025 --
    (date(2024, 12, 31), 60, C, date(2025, 3, 3)),  # 1.31 (31), 2.28 (59), Sat 3.1 (60)
    (date(2024, 12, 20), 30, W, date(2025, 2, 8)),  # 12.23–31 (7); 1.2, 3 (9); … Sun 1.26 (25); 27; 2.5–8
    # -- 2026 元旦: off Thu 1.1–Sat 1.3, make-up Sun 1.4 --
    (date(2025, 12, 31), 1, W, date(2026, 1, 4)),  # 1, 2, 3 off; Sun 4 work
    (date(2025, 12, 17), 15, C, date(2026, 1, 4)),  # 12.32 = Thu 1.1 holiday … Sun 4 work
    (date(2025, 12, 19), 15, C, date(2026, 1, 4)),  # Sat 1.3 off, Sun 4 work
    # -- 2026 春节: off Sun 2.15–Mon 2.23, make-up Sat 2.14 and Sat 2.28 --
    (date(2026, 2, 13), 1, W, date(2026, 2, 14)),  # Sat 14 work
    (date(2026, 2, 13), 2, W, date(2026, 2, 24)),  # 14 (1); 15–23 off; Tue 24 (2)
    (date(2026, 2, 10), 5, W, date(2026, 2, 24)),  # 11, 12, 13, Sat 14, 24
    (date(2026, 2, 24), 4, W, date(2026, 2, 28)),  # 25, 26, 27, Sat 28 work
    (date(2026, 2, 1), 15, C, date(2026, 2, 24)),  # Mon 2.16 holiday … Mon 23 holiday
    (date(2026, 1, 30), 15, C, date(2026, 2, 14)),  # 1.45 = Sat 2.14, a make-up working day
    (date(2026, 2, 13), 15, C, date(2026, 2, 28)),  # Sat 2.28 is a make-up working day
    (date(2026, 2, 6), 15, C, date(2026, 2, 24)),  # Sat 2.21 off … Mon 23 holiday
    (date(2026, 2, 12), 10, W, date(2026, 3, 4)),  # 13, Sat 14, 24, 25, 26, 27, Sat 28, 3.2, 3, 4
    # -- 2026 清明: off Sat 4.4–Mon 4.6 --
    (date(2026, 4, 3), 1, W, date(2026, 4, 7)),
    (date(2026, 3, 22), 15, C, date(2026, 4, 7)),  # 3.37 = Mon 4.6 holiday
    # -- 2026 劳动节: off Fri 5.1–Tue 5.5, make-up Sat 5.9 --
    (date(2026, 4, 30), 1, W, date(2026, 5, 6)),  # 5.1–5.5 off
    (date(2026, 4, 30), 4, W, date(2026, 5, 9)),  # 6, 7, 8, Sat 9 work
    (date(2026, 4, 24), 15, C, date(2026, 5, 9)),  # Sat 5.9 is a make-up working day
    (date(2026, 4, 18), 15, C, date(2026, 5, 6)),  # Sun 5.3 off … Tue 5 holiday
    # -- 2026 端午: off Fri 6.19–Sun 6.21 --
    (date(2026, 6, 18), 1, W, date(2026, 6, 22)),
    (date(2026, 6, 4), 15, C, date(2026, 6, 22)),  # Fri 6.19 holiday, 20, 21 off
    # -- 2026 中秋: off Fri 9.25–Sun 9.27; Sun 9.20 is a make-up day for 国庆 --
    (date(2026, 9, 18), 1, W, date(2026, 9, 20)),  # Sat 19 off; Sun 20 work
    (date(2026, 9, 24), 1, W, date(2026, 9, 28)),  # 25, 26, 27 off
    (date(2026, 9, 10), 15, C, date(2026, 9, 28)),  # Fri 9.25 holiday, 26, 27 off
    (date(2026, 9, 5), 15, C, date(2026, 9, 20)),  # Sun 9.20 is a make-up working day
    (date(2026, 9, 15), 5, W, date(2026, 9, 21)),  # 16, 17, 18, Sun 20, Mon 21
    # -- 2026 国庆: off Thu 10.1–Wed 10.7, make-up Sat 10.10 --
    (date(2026, 9, 30), 1, W, date(2026, 10, 8)),  # 10.1–10.7 off
    (date(2026, 9, 30), 3, W, date(2026, 10, 10)),  # 8, 9, Sat 10 work
    (date(2026, 9, 16), 15, C, date(2026, 10, 8)),  # Thu 10.1 holiday … Wed 7 holiday
    (date(2026, 9, 25), 15, C, date(2026, 10, 10)),  # Sat 10.10 is a make-up working day
]


def official_calendar() -> WorkCalendar:
    return WorkCalendar(OFFICIAL)


def case_id(case: tuple[date, int, Unit, date]) -> str:
    start, days, unit, _ = case
    return f"{start}+{days}{'w' if unit is W else 'd'}"


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_due_dates_on_the_official_schedules(case: tuple[date, int, Unit, date]) -> None:
    start, days, unit, expected = case
    assert official_calendar().due(start, days, unit) == Due(start, days, unit, expected, False)


def test_official_schedules_agree_with_chinese_calendar() -> None:
    """The hand-copied schedules classify every day of 2024–2026 as chinese_calendar does."""
    calendar = official_calendar()
    day = date(2024, 1, 1)
    while day <= date(2026, 12, 31):
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def naive_due(start: date, days: int, unit: Unit) -> date:
    """Day by day, on chinese_calendar's classification: slow, obviously right."""
    day = start
    if unit is Unit.CALENDAR:
        day += timedelta(days=days)
        while not chinese_calendar.is_workday(day):
            day += timedelta(days=1)
        return day
    while days:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            days -= 1
    return day


def test_long_periods_match_day_by_day_counting() -> None:
    """Whole-week jumps give the same dates as walking every day, over 2004–2026."""
    schedules = {
        year: (
            {d for d in chinese_calendar.holidays if d.year == year},
            {d for d in chinese_calendar.workdays if d.year == year},
        )
        for year in range(2004, 2027)
    }
    calendar = WorkCalendar(schedules)
    generator = random.Random(20240205)
    for _ in range(2000):
        start = date(2004, 1, 1) + timedelta(days=generator.randrange(8000))
        days = generator.randrange(0, 200)
        unit = generator.choice([C, W])
        result = calendar.due(start, days, unit)
        assert result.due == naive_due(start, days, unit), (start, days, unit)
        assert not result.provisional


def test_a_year_without_schedule_counts_weekends_only_and_is_provisional() -> None:
    calendar = official_calendar()
    # 2026-12-31 is a Thursday; 2027-01-01 (a holiday in every real schedule) counts as a working day.
    result = calendar.due(date(2026, 12, 31), 1, W)
    assert result == Due(date(2026, 12, 31), 1, W, date(2027, 1, 1), True)
    # 2026-12-25 (Fri) + 15 日 = 2027-01-09, a Saturday: moves to Monday 01-11.
    assert calendar.due(date(2026, 12, 25), 15, C) == Due(date(2026, 12, 25), 15, C, date(2027, 1, 11), True)
    # 2027-02-05 (Fri) + 5 个工作日 across what will be 春节: weekends only, 02-12.
    assert calendar.due(date(2027, 2, 5), 5, W).due == date(2027, 2, 12)
    # Ending on the last day of a known year is final.
    assert not calendar.due(date(2026, 12, 30), 1, W).provisional


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError):
        official_calendar().due(date(2025, 1, 1), -1, C)


def test_periods_cite_their_articles() -> None:
    assert len(rules.PERIODS) == 10  # nine statutory periods and the 交办 report date
    assert rules.BY_CODE["objection"].unit is Unit.WORKING
    assert rules.BY_CODE["objection"].days == 5
    assert rules.BY_CODE["handling"].days == 60
    assert rules.BY_CODE["extension"].at_most
    for period in rules.PERIODS:
        assert period.article.startswith("《信访工作条例》第")
        assert period.unit is Unit.WORKING or period.unit is Unit.CALENDAR
    # Five working days from Friday 2025-09-26: Sun 9.28, 29, 30; 10.1–10.8 off; 10.9, 10.10.
    assert official_calendar().due(date(2025, 9, 26), 5, rules.OBJECTION.unit).due == date(2025, 10, 10)


# -- the schedules in the database ---------------------------------------------------------


@pytest.fixture
def seeded(db: None) -> Iterator[None]:
    """The migration's rows; a transactional test elsewhere may have flushed them."""
    if not HolidayYear.objects.exists():
        seed_holidays(HolidayYear, HolidayDay)
    # The cached calendar outlives each test's rolled-back transaction.
    forget_calendar()
    yield
    forget_calendar()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_seeded_schedules_give_the_same_due_dates(seeded: None, case: tuple[date, int, Unit, date]) -> None:
    start, days, unit, expected = case
    assert load_calendar().due(start, days, unit) == Due(start, days, unit, expected, False)


def test_seed_keeps_only_days_that_differ_from_an_ordinary_week(seeded: None) -> None:
    assert set(HolidayYear.objects.values_list("year", flat=True)) == set(range(2004, 2027))
    assert HolidayDay.objects.get(date=date(2024, 2, 18)).kind == HolidayKind.WORKDAY
    assert HolidayDay.objects.get(date=date(2024, 2, 18)).name == "春节"
    assert HolidayDay.objects.get(date=date(2025, 10, 6)).kind == HolidayKind.HOLIDAY
    assert not HolidayDay.objects.filter(date=date(2024, 2, 10)).exists()  # a Saturday off anyway
    for day in HolidayDay.objects.all():
        assert (day.date.weekday() >= 5) == (day.kind == HolidayKind.WORKDAY), day


def test_entering_a_new_year_makes_provisional_periods_final(seeded: None) -> None:
    # 2026-12-31 is a Thursday. Without a 2027 schedule, Friday 2027-01-01 counts as a working day.
    before = load_calendar().due(date(2026, 12, 31), 1, Unit.WORKING)
    assert before == Due(date(2026, 12, 31), 1, Unit.WORKING, date(2027, 1, 1), True)

    year = HolidayYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    HolidayDay.objects.create(holiday_year=year, date=date(2027, 1, 1), kind=HolidayKind.HOLIDAY, name="元旦")
    after = load_calendar().due(date(2026, 12, 31), 1, Unit.WORKING)
    assert after == Due(date(2026, 12, 31), 1, Unit.WORKING, date(2027, 1, 4), False)

    HolidayDay.objects.filter(date=date(2027, 1, 1)).delete()
    assert load_calendar().due(date(2026, 12, 31), 1, Unit.WORKING).due == date(2027, 1, 1)
    year.delete()
    assert load_calendar().due(date(2026, 12, 31), 1, Unit.WORKING).provisional


def test_an_admin_enters_a_year_on_one_page(seeded: None, client: Client, tree: OrgTree) -> None:
    admin = make_user(tree.province, Role.ADMIN, "root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert load_calendar().due(date(2027, 2, 5), 5, Unit.WORKING).provisional
    form = {
        "year": "2027",
        "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "days-TOTAL_FORMS": "2",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        # A made-up schedule: what matters is that both kinds of day take effect.
        "days-0-date": "2027-02-08",
        "days-0-kind": "holiday",
        "days-0-name": "春节",
        "days-1-date": "2027-02-13",
        "days-1-kind": "workday",
        "days-1-name": "春节",
    }
    response = client.post("/admin/deadlines/holidayyear/add/", form)
    assert response.status_code == 302, response.content.decode()
    # Friday 2027-02-05 + 5 个工作日: Mon 8 off; 9, 10, 11, 12, Sat 13 work.
    assert load_calendar().due(date(2027, 2, 5), 5, Unit.WORKING) == Due(
        date(2027, 2, 5), 5, Unit.WORKING, date(2027, 2, 13), False
    )
    assert client.get("/admin/deadlines/holidayday/").status_code == 200


def test_a_holiday_on_a_weekend_is_refused(seeded: None) -> None:
    year = HolidayYear.objects.create(year=2027, source="测试")
    saturday = HolidayDay(holiday_year=year, date=date(2027, 1, 2), kind=HolidayKind.HOLIDAY, name="元旦")
    with pytest.raises(ValidationError, match="E6003"):
        saturday.full_clean()
    monday = HolidayDay(holiday_year=year, date=date(2027, 1, 4), kind=HolidayKind.WORKDAY, name="元旦")
    with pytest.raises(ValidationError, match="E6003"):
        monday.full_clean()
    other_year = HolidayDay(holiday_year=year, date=date(2028, 1, 3), kind=HolidayKind.HOLIDAY, name="元旦")
    with pytest.raises(ValidationError, match="E6004"):
        other_year.full_clean()


# -- the missing-schedule warning ----------------------------------------------------------


def test_warning_from_november_when_next_year_is_missing(seeded: None) -> None:
    assert missing_schedule_warning(date(2026, 10, 31)) is None
    warning = missing_schedule_warning(date(2026, 11, 1))
    assert warning is not None and warning.startswith("尚未录入2027年法定节假日安排……")
    assert missing_schedule_warning(date(2026, 12, 31)) == warning
    HolidayYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    assert missing_schedule_warning(date(2026, 11, 1)) is None


def test_warning_when_the_current_year_is_missing(seeded: None) -> None:
    assert missing_schedule_warning(date(2027, 3, 1)) == missing_schedule_warning(date(2026, 11, 1))
    both = missing_schedule_warning(date(2027, 11, 1))
    assert both is not None and both.startswith("尚未录入2027年、2028年法定节假日安排")
    assert missing_schedule_warning(date(2025, 11, 1)) is None


# -- the command ---------------------------------------------------------------------------


def run_deadline(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_command_prints_one_json_object(seeded: None) -> None:
    assert run_deadline("due", "2024-02-05", "5", "--working") == {
        "start": "2024-02-05",
        "days": 5,
        "unit": "working",
        "due": "2024-02-18",
        "provisional": False,
    }
    assert run_deadline("due", "2025-09-19", "15") == {
        "start": "2025-09-19",
        "days": 15,
        "unit": "calendar",
        "due": "2025-10-09",
        "provisional": False,
    }
    assert run_deadline("due", "2026-12-25", "15")["provisional"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2025-13-01", "15"], "日期格式不正确，应如 2025-03-04。（2025-13-01） [E6001]"),
        (["明天", "15"], "日期格式不正确，应如 2025-03-04。（明天） [E6001]"),
        (["2025-09-19", "-3"], "期限天数应为不小于0的整数。（-3） [E6002]"),
        (["2025-09-19", "十五"], "期限天数应为不小于0的整数。（十五） [E6002]"),
        (["2025-09-19", "1.5"], "期限天数应为不小于0的整数。（1.5） [E6002]"),
    ],
)
def test_command_refuses_bad_input(seeded: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("deadline", "due", *args)
    assert str(caught.value) == message
    assert caught.value.returncode == 2


def test_console_command_exits_with_2_and_no_traceback(tmp_path: Path) -> None:
    console = Path(sys.executable).parent / "xinfang"
    environment = {**os.environ, "XINFANG_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [str(console), "deadline", "due", "2025-02-30", "15"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "[E6001]" in result.stderr
    assert "Traceback" not in result.stderr


def test_administrators_see_the_missing_schedule_warning_on_every_page(
    seeded: None, client: Client, tree: OrgTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime

    from django.utils import timezone

    from xinfang.core import clock

    HolidayYear.objects.filter(year=2027).delete()
    monkeypatch.setattr(
        clock, "now", lambda: datetime(2026, 11, 22, 9, 0, tzinfo=timezone.get_current_timezone())
    )
    admin = make_user(tree.bureau, Role.ADMIN, "keeper")
    registrar = make_user(tree.bureau, Role.REGISTRAR, "desk")
    client.force_login(admin)
    for path in ("/", "/ledger/", "/settings/"):
        assert "尚未录入2027年法定节假日安排" in client.get(path).content.decode(), path
    client.force_login(registrar)
    assert "尚未录入2027年" not in client.get("/").content.decode()
    HolidayYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    client.force_login(admin)
    assert "尚未录入" not in client.get("/").content.decode()
