"""Public weekly statistics (信访数据公开): what an office publishes of one week, Monday to Sunday
(Asia/Shanghai), for all cases or one region (the place of the matter).

Counts only, computed from cases, their clocks and ratings; never a name, a number or a text.
The raw counts of a week are kept (WeeklyFigures) and recomputed at most hourly until the week
has been over for seven days (late registrations are dated when the petition arrived), then
frozen as published. Small groups are suppressed when shown: a count from 1 to 4 reads "<5";
where the others and the total would give it away, the next smallest count is withheld too
("×"), until the withheld counts add up to 5 or more; a rate is shown only when neither its
part nor the rest is from 1 to 4.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from xinfang.cases.models import Case, Category, Channel, Rating, Satisfaction
from xinfang.core import clock
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines.models import Deadline
from xinfang.orgs.models import Organisation, OrgKind
from xinfang.portal.models import WeeklyFigures

SMALL = 5  # groups smaller than this are not shown
FROZEN_AFTER = timedelta(days=7)
REFRESH = timedelta(hours=1)
REGION_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)


# -- weeks ---------------------------------------------------------------------------------------


def week_containing(day: date) -> date:
    return day - timedelta(days=day.weekday())


def latest_complete_week(today: date) -> date:
    return week_containing(today) - timedelta(days=7)


def week_key(start: date) -> str:
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def week_label(start: date) -> str:
    year, week, _ = start.isocalendar()
    end = start + timedelta(days=6)
    return f"{year}年第{week}周（{start.month}月{start.day}日—{end.month}月{end.day}日）"


def parse_week(text: str, today: date) -> date:
    """The Monday of an ISO week "2026-W47" that is over; PORTAL_WEEK_INVALID otherwise."""
    try:
        year_text, week_text = text.strip().upper().split("-W")
        start = date.fromisocalendar(int(year_text), int(week_text), 1)
    except ValueError:
        raise XinfangError(ErrorCode.PORTAL_WEEK_INVALID) from None
    if start > latest_complete_week(today) or start.year < 2000:
        raise XinfangError(ErrorCode.PORTAL_WEEK_INVALID)
    return start


def recent_weeks(today: date, count: int = 12) -> list[date]:
    latest = latest_complete_week(today)
    return [latest - timedelta(days=7 * n) for n in range(count)]


def region_choices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind__in=REGION_KINDS).order_by("path")


# -- counting ------------------------------------------------------------------------------------


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def compute_figures(week_start: date, region: Organisation | None) -> dict[str, Any]:
    """Raw counts of the week: received (by channel and category), accepted, replied (on time),
    rated (by level)."""
    start, end = _start_of(week_start), _start_of(week_start + timedelta(days=7))
    last_day = week_start + timedelta(days=6)
    cases = Case.objects.all()
    if region is not None:
        cases = cases.filter(place_region__path__startswith=region.path)
    received = cases.filter(received_at__gte=start, received_at__lt=end)
    handling = Deadline.objects.filter(kind="handling", case__in=cases)
    replied = handling.filter(closed_by="reply", closed_on__gte=week_start, closed_on__lte=last_day)
    ratings = Rating.objects.filter(case__in=cases, rated_at__gte=start, rated_at__lt=end)

    def counted(queryset: QuerySet[Any], name: str) -> dict[str, int]:
        return {row[name]: row["n"] for row in queryset.order_by().values(name).annotate(n=Count("id"))}

    return {
        "received_by_channel": counted(received, "channel"),
        "received_by_category": counted(received, "category"),
        "accepted": handling.filter(started_on__gte=week_start, started_on__lte=last_day).count(),
        "replied": replied.count(),
        "replied_on_time": replied.filter(closed_on__lte=F("due_on")).count(),
        "rated_by_level": counted(ratings, "level"),
    }


def weekly_figures(week_start: date, region: Organisation | None) -> dict[str, Any]:
    """The week's counts, from the published row when it is frozen or fresh, else computed now."""
    scope = "all" if region is None else f"org:{region.pk}"
    now = clock.now()
    row = WeeklyFigures.objects.filter(week_start=week_start, scope=scope).first()
    week_over = _start_of(week_start + timedelta(days=7))
    if row is not None and (row.computed_at >= week_over + FROZEN_AFTER or row.computed_at > now - REFRESH):
        return row.figures
    figures = compute_figures(week_start, region)
    try:
        with transaction.atomic():
            WeeklyFigures.objects.update_or_create(
                week_start=week_start, scope=scope, defaults={"figures": figures, "computed_at": now}
            )
    except IntegrityError:
        pass  # another request published the same week at the same moment; the counts are equal
    return figures


# -- showing -------------------------------------------------------------------------------------

LESS_THAN = f"<{SMALL}"
WITHHELD = "×"


def suppress(counts: list[int]) -> list[str]:
    """How each count of one breakdown is shown (see the module's description)."""
    shown = [LESS_THAN if 0 < n < SMALL else str(n) for n in counts]
    hidden = [i for i, text in enumerate(shown) if text == LESS_THAN]
    if hidden:
        while len(hidden) < 2 or sum(counts[i] for i in hidden) < SMALL:
            rest = [i for i, n in enumerate(counts) if i not in hidden and n > 0]
            if not rest:
                break
            smallest = min(rest, key=lambda i: counts[i])
            shown[smallest] = WITHHELD
            hidden.append(smallest)
    return shown


def shown_total(n: int) -> str:
    return LESS_THAN if 0 < n < SMALL else str(n)


def shown_rate(part: int, whole: int) -> str:
    if whole < SMALL or 0 < part < SMALL or 0 < whole - part < SMALL:
        return "—"
    return f"{part * 100 / whole:.1f}%"


@dataclass(frozen=True)
class Row:
    label: str
    shown: str


@dataclass(frozen=True)
class Breakdown:
    rows: list[Row]
    total: str


def breakdown(choices: list[tuple[str, str]], counts: dict[str, int]) -> Breakdown:
    values = [counts.get(value, 0) for value, _ in choices]
    rows = [Row(label, text) for (_, label), text in zip(choices, suppress(values), strict=True)]
    return Breakdown(rows, shown_total(sum(values)))


@dataclass(frozen=True)
class PublicFigures:
    received_by_channel: Breakdown
    received_by_category: Breakdown
    accepted: str
    replied: Breakdown
    on_time_rate: str
    ratings: Breakdown
    satisfaction_rate: str


def public_figures(figures: dict[str, Any]) -> PublicFigures:
    replied, on_time = figures["replied"], figures["replied_on_time"]
    levels = figures["rated_by_level"]
    satisfied = levels.get(Satisfaction.SATISFIED, 0) + levels.get(Satisfaction.BASICALLY_SATISFIED, 0)
    return PublicFigures(
        received_by_channel=breakdown(list(Channel.choices), figures["received_by_channel"]),
        received_by_category=breakdown(list(Category.choices), figures["received_by_category"]),
        accepted=shown_total(figures["accepted"]),
        replied=breakdown(
            [("on_time", "按期答复"), ("late", "超期答复")],
            {"on_time": on_time, "late": replied - on_time},
        ),
        on_time_rate=shown_rate(on_time, replied),
        ratings=breakdown(list(Satisfaction.choices), levels),
        satisfaction_rate=shown_rate(satisfied, sum(levels.values())),
    )
