"""Statistical periods and their comparisons (同比, 环比). Pure; no Django.

A period is a closed range of calendar days in Asia/Shanghai: a month, a quarter, a year or
any range. 环比 compares with the period just before it of the same length (the previous
month, quarter or year; for a range, the same number of days before it); 同比 with the same
period a year earlier. A change against zero is not a percentage: it is shown as "—".
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


KIND_LABELS = {
    PeriodKind.MONTH: "月度",
    PeriodKind.QUARTER: "季度",
    PeriodKind.YEAR: "年度",
    PeriodKind.RANGE: "自定义",
}


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind == PeriodKind.YEAR:
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}"

    def previous(self) -> "Period":
        """环比: the period just before, of the same kind."""
        if self.kind == PeriodKind.MONTH:
            last = self.start - timedelta(days=1)
            return month(last.year, last.month)
        if self.kind == PeriodKind.QUARTER:
            last = self.start - timedelta(days=1)
            return quarter(last.year, (last.month - 1) // 3 + 1)
        if self.kind == PeriodKind.YEAR:
            return year(self.start.year - 1)
        return Period(
            PeriodKind.RANGE, self.start - timedelta(days=self.days), self.start - timedelta(days=1)
        )

    def same_last_year(self) -> "Period":
        """同比: the same period a year earlier (29 February becomes the 28th)."""
        if self.kind == PeriodKind.MONTH:
            return month(self.start.year - 1, self.start.month)
        if self.kind == PeriodKind.QUARTER:
            return quarter(self.start.year - 1, (self.start.month - 1) // 3 + 1)
        if self.kind == PeriodKind.YEAR:
            return year(self.start.year - 1)
        return Period(PeriodKind.RANGE, _year_earlier(self.start), _year_earlier(self.end))


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def month(year_number: int, month_number: int) -> Period:
    last = calendar.monthrange(year_number, month_number)[1]
    return Period(PeriodKind.MONTH, date(year_number, month_number, 1), date(year_number, month_number, last))


def quarter(year_number: int, quarter_number: int) -> Period:
    if not 1 <= quarter_number <= 4:
        raise ValueError("a quarter is 1 to 4")
    first = 3 * (quarter_number - 1) + 1
    start = date(year_number, first, 1)
    return Period(PeriodKind.QUARTER, start, month(year_number, first + 2).end)


def year(year_number: int) -> Period:
    return Period(PeriodKind.YEAR, date(year_number, 1, 1), date(year_number, 12, 31))


@dataclass(frozen=True)
class Change:
    """current against before: the difference, and the percentage when `before` is not zero."""

    current: float
    before: float

    @property
    def delta(self) -> float:
        return self.current - self.before

    @property
    def percent(self) -> float | None:
        if not self.before:
            return None
        return round(100 * (self.current - self.before) / self.before, 1)

    @property
    def text(self) -> str:
        """As a table cell: +7.0% / -13.0% / 0.0%, or — when there is nothing to compare with."""
        percent = self.percent
        return "—" if percent is None else f"{percent:+.1f}%"

    @property
    def words(self) -> str:
        """As a report says it: 上升了7% / 下降了13% / 持平 / 无可比数据."""
        percent = self.percent
        if percent is None:
            return "无可比数据"
        if percent == 0:
            return "持平"
        return f"{'上升' if percent > 0 else '下降'}了{_plain(abs(percent))}%"


def _plain(number: float) -> str:
    return f"{number:.0f}" if number >= 10 or number == int(number) else f"{number:.1f}"


def rate(numerator: int, denominator: int) -> float | None:
    """A rate in percent, or None (shown "—") when there is nothing to divide by."""
    return None if not denominator else round(100 * numerator / denominator, 1)


def rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"
