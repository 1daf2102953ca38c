"""Case statuses and their groups. Pure data; no Django.

The transition table arrives with the lifecycle work; until then only
registration moves a case (into REGISTERED). Queries ask for a group
(`OPEN`, `FINISHED`) rather than listing statuses.
"""

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
