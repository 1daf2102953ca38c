"""The statutory clocks a generated case's status implies, made in memory. Pure: no Django queries.

A demo case is stored at its final status without its history, so its clocks are
rebuilt by replaying the steps that lead to that status (registered › transferred ›
accepted › replied …) through the transition table of `cases.states`: each step
stops, starts and extends clocks exactly as `cases.workflow.apply` would, on a date
between receipt and the anchor. The dates come from the case's index through a
fixed hash, not from the generator's random stream, so adding clocks changed none
of the cases a seed makes, and the same seed and anchor give the same clocks.
"""

from dataclasses import dataclass, field
from datetime import date

from xinfang.cases import states
from xinfang.cases.models import Category
from xinfang.cases.states import Status
from xinfang.deadlines import rules
from xinfang.deadlines.calendar import Due, Unit, WorkCalendar
from xinfang.deadlines.models import DeadlineState

S = Status

# The steps after registration that lead to each status (the route step is filled in per case).
ROUTE = "<route>"
_HANDLED = (ROUTE, "accept", "start_handling")
_REPLIED = (ROUTE, "accept", "reply")
PATHS: dict[Status, tuple[str, ...]] = {
    S.REGISTERED: (),
    S.ROUTED: (ROUTE,),
    S.SENT_TO_DISCIPLINE: ("send_to_discipline",),
    S.GUIDED_TO_LEGAL_ROUTE: ("guide_to_legal_route",),
    S.REFUSED_AFTER_RE_REVIEW: ("refuse_again",),
    S.OBJECTED: (ROUTE, "object"),
    S.NOT_ACCEPTED: (ROUTE, "reject"),
    S.ACCEPTED: (ROUTE, "accept"),
    S.IN_PROGRESS: _HANDLED,
    S.EXTENDED: (*_HANDLED, "extend"),
    S.REPLIED: _REPLIED,
    S.RATED: (*_REPLIED, "rate"),
    S.REVIEW_REQUESTED: (*_REPLIED, "request_review"),
    S.REVIEW_DECIDED: (*_REPLIED, "request_review", "decide_review"),
    S.RE_REVIEW_REQUESTED: (*_REPLIED, "request_review", "decide_review", "request_re_review"),
    S.RE_REVIEW_DECIDED: (
        *_REPLIED,
        "request_review",
        "decide_review",
        "request_re_review",
        "decide_re_review",
    ),
    S.CONCLUDED: (*_REPLIED, "conclude"),
    S.ARCHIVED: (*_REPLIED, "conclude", "archive"),
    S.MERGED: (ROUTE, "merge"),
}

# Days each step usually takes after the one before (low, high): most within their period,
# some late, so a demo board has overdue work to show.
STEP_DAYS: dict[str, tuple[int, int]] = {
    "transfer": (1, 17),
    "send_to_discipline": (1, 12),
    "guide_to_legal_route": (0, 10),
    "refuse_again": (0, 10),
    "merge": (1, 20),
    "object": (1, 6),
    "reject": (1, 14),
    "accept": (1, 16),
    "start_handling": (0, 5),
    "extend": (40, 58),
    "reply": (20, 68),
    "rate": (3, 20),
    "request_review": (5, 29),
    "decide_review": (10, 34),
    "request_re_review": (5, 29),
    "decide_re_review": (10, 34),
    "conclude": (31, 45),
    "archive": (1, 30),
}
EXTENSION_REASONS = (
    "涉及多个部门，需进一步调查核实",
    "需委托第三方进行鉴定评估",
    "信访人提供的材料需补充核实",
    "需召开联席会议协调处理",
)


@dataclass(frozen=True)
class OrgFacts:
    """What the replay needs to know about the organisation tree, by id."""

    bureau_ids: frozenset[int]
    higher_body: dict[int, int | None]  # as orgs.scoping.higher_body


@dataclass(frozen=True, slots=True)
class CaseFacts:
    index: int
    received_on: date  # local date
    status: str
    category: str
    receiving_org_id: int
    responsible_org_id: int | None


@dataclass(slots=True)
class ClockRow:
    """One Deadline row, without its case id (changed in place while the steps replay)."""

    kind: str
    responsible_org_id: int | None
    started_on: date
    days: int
    unit: str
    statutory_due_on: date
    due_on: date
    provisional: bool
    petitioner_window: bool
    extended_days: int = 0
    extension_reason: str = ""
    state: str = DeadlineState.RUNNING
    closed_on: date | None = None
    closed_by: str = ""


def spread(index: int, salt: int, low: int, high: int) -> int:
    """A fixed, well-mixed number in [low, high] for (index, salt)."""
    value = (index * 0x9E3779B1 + salt * 0x85EBCA77) & 0xFFFFFFFF
    value ^= value >> 15
    value = (value * 0x2C1B3C6D) & 0xFFFFFFFF
    value ^= value >> 12
    return low + value % (high - low + 1)


class DueDates:
    """WorkCalendar.due, remembered: a million cases start their clocks on a few hundred days."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self._known: dict[tuple[date, int, str], Due] = {}

    def __call__(self, start: date, days: int, unit: str) -> Due:
        key = (start, days, unit)
        due = self._known.get(key)
        if due is None:
            due = self._known[key] = self.calendar.due(start, days, unit)
        return due


@dataclass
class _Replay:
    case: CaseFacts
    due_dates: DueDates
    facts: OrgFacts
    responsible: int | None
    live: dict[str, ClockRow] = field(default_factory=dict)
    done: list[ClockRow] = field(default_factory=list)
    appeal_bodies: list[int | None] = field(default_factory=list)

    def start(self, kind: str, on: date) -> None:
        period = rules.BY_CODE[kind]
        due = self.due_dates(on, period.days, period.unit)
        self.live[kind] = ClockRow(
            kind=kind,
            responsible_org_id=self._responsible_for(kind),
            started_on=on,
            days=period.days,
            unit=period.unit,
            statutory_due_on=due.due,
            due_on=due.due,
            provisional=due.provisional,
            petitioner_window=period.petitioner_window,
        )

    def stop(self, kind: str, on: date, by: str) -> None:
        row = self.live.pop(kind, None)
        if row is not None:
            row.state, row.closed_on, row.closed_by = DeadlineState.CLOSED, on, by
            self.done.append(row)

    def extend(self, kind: str, days: int, reason: str) -> None:
        row = self.live[kind]
        new_due = self.due_dates(row.due_on, days, Unit.CALENDAR)
        row.due_on = new_due.due
        row.provisional = row.provisional or new_due.provisional
        row.extended_days += days
        row.extension_reason = reason

    def _responsible_for(self, kind: str) -> int | None:
        """As cases.workflow: the receiving office routes, higher bodies decide reviews."""
        if kind == "route":
            return self.case.receiving_org_id
        if kind in ("review_decision", "rereview_decision"):
            return self.appeal_bodies[-1] if self.appeal_bodies else None
        return self.responsible or self.case.receiving_org_id

    def apply(self, code: str, on: date) -> None:
        transition = states.BY_CODE[code]
        # A finished case has no clock left to run, whatever step finished it.
        stops = list(self.live) if transition.target in states.FINISHED else transition.stops
        for kind in stops:
            self.stop(kind, on, code)
        if code == "object":
            self.responsible = None
        if code in ("request_review", "request_re_review"):
            unit = self.appeal_bodies[-1] if self.appeal_bodies else self._unit()
            self.appeal_bodies.append(self.facts.higher_body.get(unit) if unit is not None else None)
        for kind in transition.extends:
            days = spread(self.case.index, 7, 15, rules.EXTENSION.days)
            reason = EXTENSION_REASONS[spread(self.case.index, 8, 0, len(EXTENSION_REASONS) - 1)]
            self.extend(kind, days, reason)
        for kind in transition.starts:
            if kind == states.ASSIGNED_REPORT:
                continue  # demo routes by transfer only; 交办 dates are the office's own choice
            self.stop(kind, on, code)  # never two live clocks of a kind
            self.start(kind, on)

    def first_clock(self) -> str:
        """As cases.workflow.start_route_clock: a bureau routes, any other office answers itself."""
        return "route" if self.case.receiving_org_id in self.facts.bureau_ids else "acceptance_notice"

    def _unit(self) -> int:
        return self.responsible or self.case.receiving_org_id


def _steps(case: CaseFacts) -> list[str]:
    path = PATHS[Status(case.status)]
    route = "send_to_discipline" if case.category == Category.ACCUSATION else "transfer"
    if case.responsible_org_id == case.receiving_org_id and route == "transfer":
        route = ""  # an office accepting what it registered itself routes nowhere
    return [route if step == ROUTE else step for step in path if not (step == ROUTE and not route)]


def step_dates(case: CaseFacts, steps: list[str], anchor: date) -> list[date]:
    """Each step's date: usual durations, squeezed into the days between receipt and the anchor."""
    wanted = [spread(case.index, salt, *STEP_DAYS[code]) for salt, code in enumerate(steps, start=1)]
    available = max((anchor - case.received_on).days - 1, 0)
    total = sum(wanted)
    if total > available:
        wanted = [days * available // total for days in wanted]
    dates, on = [], case.received_on
    for days in wanted:
        on = date.fromordinal(on.toordinal() + days)
        dates.append(on)
    return dates


def case_clocks(case: CaseFacts, anchor: date, due_dates: DueDates, facts: OrgFacts) -> list[ClockRow]:
    """Every clock of the case, in the order they were started."""
    replay = _Replay(case, due_dates, facts, responsible=case.responsible_org_id)
    replay.start(replay.first_clock(), case.received_on)
    steps = _steps(case)
    for code, on in zip(steps, step_dates(case, steps, anchor), strict=True):
        replay.apply(code, on)
    return sorted([*replay.done, *replay.live.values()], key=lambda row: (row.started_on, row.kind))
