"""Statutory periods as data, each citing its article of 信访工作条例 (2022). Pure: no Django.

The lifecycle starts, extends and checks deadlines by `code`; the label and the
article are what the UI and the documents show.
"""

from dataclasses import dataclass

from xinfang.deadlines.calendar import Unit


@dataclass(frozen=True, slots=True)
class Period:
    code: str
    label: str
    days: int
    unit: Unit
    article: str
    # True where the article sets a maximum the office chooses within (the extension),
    # rather than a fixed period.
    at_most: bool = False
    # True where the period binds the petitioner (the windows to ask for review), not a unit:
    # its lapse closes a door, it is never a unit's overdue work.
    petitioner_window: bool = False
    # True where the office sets the due date itself (交办), so `days` is only a default.
    set_by_office: bool = False


ROUTE = Period("route", "转送、交办", 15, Unit.CALENDAR, "《信访工作条例》第二十二条")
ACCEPTANCE_NOTICE = Period("acceptance_notice", "告知受理", 15, Unit.CALENDAR, "《信访工作条例》第二十三条")
OBJECTION = Period(
    "objection", "对转送、交办事项提出异议（退回）", 5, Unit.WORKING, "《信访工作条例》第二十三条"
)
HANDLING = Period("handling", "办理并出具信访处理意见书", 60, Unit.CALENDAR, "《信访工作条例》第三十四条")
EXTENSION = Period("extension", "延期办理", 30, Unit.CALENDAR, "《信访工作条例》第三十四条", at_most=True)
REVIEW_REQUEST = Period(
    "review_request", "请求复查", 30, Unit.CALENDAR, "《信访工作条例》第三十五条", petitioner_window=True
)
REVIEW_DECISION = Period("review_decision", "出具复查意见", 30, Unit.CALENDAR, "《信访工作条例》第三十五条")
REREVIEW_REQUEST = Period(
    "rereview_request", "请求复核", 30, Unit.CALENDAR, "《信访工作条例》第三十六条", petitioner_window=True
)
REREVIEW_DECISION = Period(
    "rereview_decision", "出具复核意见", 30, Unit.CALENDAR, "《信访工作条例》第三十六条"
)
# 交办: the assigning office sets the date the result must be reported by; 60 日 (the handling
# period) is the default it is offered.
ASSIGNED_REPORT = Period(
    "assigned_report",
    "报送办结报告（交办）",
    60,
    Unit.CALENDAR,
    "《信访工作条例》第二十二条",
    set_by_office=True,
)

PERIODS: tuple[Period, ...] = (
    ROUTE,
    ACCEPTANCE_NOTICE,
    OBJECTION,
    HANDLING,
    EXTENSION,
    REVIEW_REQUEST,
    REVIEW_DECISION,
    REREVIEW_REQUEST,
    REREVIEW_DECISION,
    ASSIGNED_REPORT,
)

BY_CODE: dict[str, Period] = {period.code: period for period in PERIODS}
