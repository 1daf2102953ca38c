"""Due-date computations per second, in-process, on the seeded 2004–2026 schedules.

    .venv/bin/python bench/deadlines.py [--count 200000]

Builds the WorkCalendar the way load_calendar() does (from chinesecalendar, so no
database is needed), then times due() over random starts in 2004–2026 with the
statutory periods (5 working days; 15, 30 and 60 calendar days) and some long
working-day spans. Prints one JSON object.
"""

import argparse
import json
import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import chinese_calendar

from xinfang.deadlines.calendar import Unit, WorkCalendar

PERIODS = [
    (5, Unit.WORKING),
    (15, Unit.CALENDAR),
    (30, Unit.CALENDAR),
    (60, Unit.CALENDAR),
    (120, Unit.WORKING),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200_000)
    options = parser.parse_args()
    calendar = WorkCalendar(
        {
            year: (
                {d for d in chinese_calendar.holidays if d.year == year},
                {d for d in chinese_calendar.workdays if d.year == year},
            )
            for year in range(2004, 2027)
        }
    )
    generator = random.Random(1)
    inputs = [
        (date(2004, 1, 1) + timedelta(days=generator.randrange(8300)), *generator.choice(PERIODS))
        for _ in range(options.count)
    ]
    started = time.perf_counter()
    for start, days, unit in inputs:
        calendar.due(start, days, unit)
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "benchmark": "deadline due dates",
                "computations": options.count,
                "seconds": round(elapsed, 3),
                "per_second": round(options.count / elapsed),
                "python": platform.python_version(),
                "machine": platform.machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
