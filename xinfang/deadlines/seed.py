"""Holiday schedules 2004–2026 from the chinesecalendar package (used by the data migration).

Only the days that differ from an ordinary week are stored: holidays on weekdays
and make-up working days on weekends. Later years are entered by an administrator.
The models are passed in, so the migration can hand over its historical ones.
"""

from typing import Any

import chinese_calendar

FIRST_YEAR = 2004
LAST_YEAR = 2026
SOURCE = "chinesecalendar 软件包（据国务院办公厅历年部分节假日安排的通知）"

# chinesecalendar names festivals in English; the admin shows Chinese.
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed_holidays(holiday_year_model: Any, holiday_day_model: Any) -> None:
    """Idempotent: existing years and days are left as they are (an admin may have corrected them)."""
    years = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        years[year], _ = holiday_year_model.objects.get_or_create(year=year, defaults={"source": SOURCE})
    days = []
    for source, kind, wanted_weekend in (
        (chinese_calendar.holidays, "holiday", False),
        (chinese_calendar.workdays, "workday", True),
    ):
        for day, name in source.items():
            if FIRST_YEAR <= day.year <= LAST_YEAR and (day.weekday() >= 5) == wanted_weekend:
                days.append(
                    holiday_day_model(
                        holiday_year=years[day.year], date=day, kind=kind, name=NAMES[str(name)]
                    )
                )
    holiday_day_model.objects.bulk_create(days, ignore_conflicts=True)
