"""Case statuses and their groups. Pure data; no Django.

Queries ask for a group (`OPEN`, `FINISHED`) rather than listing statuses;
the transitions between statuses are the table TRANSITIONS below.
"""

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    REGISTERED = "registered"  # 已登记: received and recorded, not yet routed
    ROUTED = "routed"  # 已转送/交办: sent to the competent unit
    GUIDED_TO_LEGAL_ROUTE = "guided"  # 已导入法定途径: litigation, arbitration, reconsideration …
    SENT_TO_DISCIPLINE = "to_discipline"  # 已转纪检监察: accusations
    ACCEPTED = "accepted"  # 已受理
    NOT_ACCEPTED = "not_accepted"  # 不予受理, with reason and the correct route
    OBJECTED = "objected"  # 已退回: receiving unit objected to the transfer
    IN_PROGRESS = "in_progress"  # 办理中
    EXTENDED = "extended"  # 已延期
    REPLIED = "replied"  # 已答复: 信访处理意见书 issued
    RATED = "rated"  # 已评价
    REVIEW_REQUESTED = "review_requested"  # 申请复查
    REVIEW_DECIDED = "review_decided"  # 复查已决定
    RE_REVIEW_REQUESTED = "re_review_requested"  # 申请复核
    RE_REVIEW_DECIDED = "re_review_decided"  # 复核已决定
    CONCLUDED = "concluded"  # 已办结
    ARCHIVED = "archived"  # 已归档
    MERGED = "merged"  # 已合并 into another case
    REFUSED_AFTER_RE_REVIEW = "refused_again"  # 不再受理


LABELS: dict[Status, str] = {
    Status.REGISTERED: "已登记",
    Status.ROUTED: "已转送/交办",
    Status.GUIDED_TO_LEGAL_ROUTE: "已导入法定途径",
    Status.SENT_TO_DISCIPLINE: "已转纪检监察",
    Status.ACCEPTED: "已受理",
    Status.NOT_ACCEPTED: "不予受理",
    Status.OBJECTED: "已退回",
    Status.IN_PROGRESS: "办理中",
    Status.EXTENDED: "已延期",
    Status.REPLIED: "已答复",
    Status.RATED: "已评价",
    Status.REVIEW_REQUESTED: "申请复查",
    Status.REVIEW_DECIDED: "复查已决定",
    Status.RE_REVIEW_REQUESTED: "申请复核",
    Status.RE_REVIEW_DECIDED: "复核已决定",
    Status.CONCLUDED: "已办结",
    Status.ARCHIVED: "已归档",
    Status.MERGED: "已合并",
    Status.REFUSED_AFTER_RE_REVIEW: "不再受理",
}

FINISHED = frozenset(
    {
        Status.GUIDED_TO_LEGAL_ROUTE,
        Status.NOT_ACCEPTED,
        Status.CONCLUDED,
        Status.ARCHIVED,
        Status.MERGED,
        Status.REFUSED_AFTER_RE_REVIEW,
    }
)
OPEN = frozenset(set(Status) - FINISHED)

CHOICES = [(status.value, LABELS[status]) for status in Status]


# --- Transitions --------------------------------------------------------------
# The lifecycle as data: which verb moves a case from which statuses to which,
# who may do it, and what it does to the statutory deadlines (codes of
# xinfang.deadlines.rules, plus ASSIGNED_REPORT whose due date the assigning
# office sets). `workflow.apply` is the only code that changes Case.status and
# it does so only along this table.

ASSIGNED_REPORT = "assigned_report"  # 交办: report the result by the date the assigning office set (Art.22)

REGISTRAR = "registrar"
HANDLER = "handler"
UNIT_HEAD = "unit_head"
SUPERVISOR = "supervisor"
LEADER = "leader"
PETITIONER = "petitioner"  # the citizens' portal acts for the petitioner

BUREAU_STAFF = frozenset({REGISTRAR, UNIT_HEAD})
HANDLING_STAFF = frozenset({HANDLER, UNIT_HEAD})
FRONT_DESK = frozenset({REGISTRAR, HANDLER, UNIT_HEAD})

# Which body's people may act (besides holding one of the roles):
RECEIVING = "receiving"  # the office that registered the case
RESPONSIBLE = "responsible"  # the unit it was transferred or assigned to (the receiving office until then)
REVIEWING = "reviewing"  # the body deciding the open review or re-review
ANY_IN_SCOPE = "any"  # anyone who may see the case (recording what the petitioner asked or said)


@dataclass(frozen=True)
class Transition:
    code: str
    label: str
    sources: frozenset[Status]
    target: Status
    roles: frozenset[str]
    body: str
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    extends: tuple[str, ...] = ()
    pauses: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    note: str = ""


_HANDLING_STATUSES = frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.EXTENDED})
_ROUTABLE = frozenset({Status.REGISTERED, Status.OBJECTED})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "transfer",
        "转送",
        _ROUTABLE,
        Status.ROUTED,
        BUREAU_STAFF,
        RECEIVING,
        starts=("acceptance_notice", "objection"),
        stops=("route", "acceptance_notice"),
        note="Art.22: to the competent body within 15 days; it may object within 5 working days",
    ),
    Transition(
        "assign",
        "交办",
        _ROUTABLE,
        Status.ROUTED,
        BUREAU_STAFF,
        RECEIVING,
        starts=("acceptance_notice", "objection", ASSIGNED_REPORT),
        stops=("route", "acceptance_notice"),
        note="Art.22: the assigning office sets the report date",
    ),
    Transition(
        "guide_to_legal_route",
        "导入法定途径",
        _ROUTABLE,
        Status.GUIDED_TO_LEGAL_ROUTE,
        BUREAU_STAFF,
        RECEIVING,
        stops=("route", "acceptance_notice"),
        note="诉访分离: litigation, arbitration, reconsideration …",
    ),
    Transition(
        "send_to_discipline",
        "转纪检监察",
        _ROUTABLE,
        Status.SENT_TO_DISCIPLINE,
        BUREAU_STAFF,
        RECEIVING,
        starts=("acceptance_notice",),
        stops=("route", "acceptance_notice"),
        note="Art.30: accusations, accuser kept confidential",
    ),
    Transition(
        "refuse_again",
        "不再受理",
        frozenset({Status.REGISTERED}),
        Status.REFUSED_AFTER_RE_REVIEW,
        BUREAU_STAFF,
        RECEIVING,
        stops=("route", "acceptance_notice"),
        note="Art.36: the same matter after a re-review decision",
    ),
    Transition(
        "object",
        "退回（提出异议）",
        frozenset({Status.ROUTED}),
        Status.OBJECTED,
        HANDLING_STAFF,
        RESPONSIBLE,
        stops=("objection", "acceptance_notice", ASSIGNED_REPORT),
        starts=("route",),
        note="Art.23: outside the receiving body's remit",
    ),
    Transition(
        "accept",
        "受理",
        frozenset({Status.REGISTERED, Status.ROUTED, Status.SENT_TO_DISCIPLINE}),
        Status.ACCEPTED,
        HANDLING_STAFF,
        RESPONSIBLE,
        starts=("handling",),
        stops=("route", "acceptance_notice", "objection"),
    ),
    Transition(
        "reject",
        "不予受理",
        frozenset({Status.REGISTERED, Status.ROUTED, Status.SENT_TO_DISCIPLINE}),
        Status.NOT_ACCEPTED,
        HANDLING_STAFF,
        RESPONSIBLE,
        stops=("route", "acceptance_notice", "objection", ASSIGNED_REPORT),
        note="Art.23: with the reason and the correct route",
    ),
    Transition(
        "start_handling",
        "开始办理",
        frozenset({Status.ACCEPTED}),
        Status.IN_PROGRESS,
        HANDLING_STAFF,
        RESPONSIBLE,
    ),
    Transition(
        "extend",
        "延期",
        frozenset({Status.ACCEPTED, Status.IN_PROGRESS}),
        Status.EXTENDED,
        frozenset({UNIT_HEAD}),
        RESPONSIBLE,
        extends=("handling",),
        note="Art.34: at most 30 days, reason told to the petitioner",
    ),
    Transition(
        "reply",
        "出具信访处理意见书",
        _HANDLING_STATUSES,
        Status.REPLIED,
        frozenset({UNIT_HEAD}),
        RESPONSIBLE,
        stops=("handling",),
        starts=("review_request",),
    ),
    Transition(
        "report_assigned",
        "报送办结报告",
        _HANDLING_STATUSES,
        Status.CONCLUDED,
        frozenset({UNIT_HEAD}),
        RESPONSIBLE,
        stops=("handling", ASSIGNED_REPORT),
        note="Art.22: 交办 cases report to the assigning office",
    ),
    Transition(
        "rate",
        "评价",
        frozenset({Status.REPLIED}),
        Status.RATED,
        frozenset({REGISTRAR, HANDLER, UNIT_HEAD, PETITIONER}),
        ANY_IN_SCOPE,
    ),
    Transition(
        "request_review",
        "申请复查",
        frozenset({Status.REPLIED, Status.RATED}),
        Status.REVIEW_REQUESTED,
        FRONT_DESK | {PETITIONER},
        ANY_IN_SCOPE,
        stops=("review_request",),
        starts=("review_decision",),
        note="Art.35: to the next higher body within 30 days of the reply",
    ),
    Transition(
        "decide_review",
        "出具复查意见书",
        frozenset({Status.REVIEW_REQUESTED}),
        Status.REVIEW_DECIDED,
        frozenset({UNIT_HEAD}),
        REVIEWING,
        stops=("review_decision",),
        starts=("rereview_request",),
    ),
    Transition(
        "request_re_review",
        "申请复核",
        frozenset({Status.REVIEW_DECIDED}),
        Status.RE_REVIEW_REQUESTED,
        FRONT_DESK | {PETITIONER},
        ANY_IN_SCOPE,
        stops=("rereview_request",),
        starts=("rereview_decision",),
        note="Art.36: to the body above the reviewing one within 30 days",
    ),
    Transition(
        "open_hearing",
        "举行听证",
        frozenset({Status.RE_REVIEW_REQUESTED}),
        Status.RE_REVIEW_REQUESTED,
        frozenset({UNIT_HEAD}),
        REVIEWING,
        pauses=("rereview_decision",),
        note="Art.36: a hearing pauses the clock",
    ),
    Transition(
        "close_hearing",
        "听证结束",
        frozenset({Status.RE_REVIEW_REQUESTED}),
        Status.RE_REVIEW_REQUESTED,
        frozenset({UNIT_HEAD}),
        REVIEWING,
        resumes=("rereview_decision",),
    ),
    Transition(
        "decide_re_review",
        "出具复核意见书",
        frozenset({Status.RE_REVIEW_REQUESTED}),
        Status.RE_REVIEW_DECIDED,
        frozenset({UNIT_HEAD}),
        REVIEWING,
        stops=("rereview_decision",),
    ),
    Transition(
        "conclude",
        "办结",
        frozenset({Status.REPLIED, Status.RATED, Status.REVIEW_DECIDED, Status.RE_REVIEW_DECIDED}),
        Status.CONCLUDED,
        frozenset({UNIT_HEAD, REGISTRAR}),
        RESPONSIBLE,
        stops=("review_request", "rereview_request"),
        note="when the windows for review lapse or the petitioner accepts the answer",
    ),
    Transition(
        "merge",
        "合并",
        OPEN - {Status.MERGED},
        Status.MERGED,
        BUREAU_STAFF,
        RECEIVING,
        stops=("route", "acceptance_notice", "objection", "handling", ASSIGNED_REPORT),
        note="a duplicate of another case; history kept on both",
    ),
    Transition(
        "archive",
        "归档",
        frozenset(
            {
                Status.CONCLUDED,
                Status.NOT_ACCEPTED,
                Status.GUIDED_TO_LEGAL_ROUTE,
                Status.REFUSED_AFTER_RE_REVIEW,
                Status.MERGED,
            }
        ),
        Status.ARCHIVED,
        frozenset({UNIT_HEAD, REGISTRAR}),
        RESPONSIBLE,
    ),
)

BY_CODE: dict[str, Transition] = {transition.code: transition for transition in TRANSITIONS}


def transitions_from(status: Status) -> list[Transition]:
    return [transition for transition in TRANSITIONS if status in transition.sources]
