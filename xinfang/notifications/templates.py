"""The Chinese texts petitioners receive, one per event.

A message carries the case number, dates, the names of the bodies handling the case and, for an
extension, the reason the petitioner is owed anyway (条例 Art.34). It never carries an ID number,
a phone number, an address, the facts or the request: a text message is read on a lock screen and
an email passes through other servers. Free text typed by staff (the extension reason, the legal
route) has any ID or phone number replaced and is cut short.

Accusations (检举控告) get neutral texts only: no body's name (a discipline body would tell what kind
of petition it is), no reason, no category, just the number and where to look (条例 Art.30 keeps
the accuser's identity confidential; whoever sees the phone must not learn of the accusation).
"""

from dataclasses import dataclass
from datetime import date

from xinfang.core.clock import chinese_date
from xinfang.documents.privacy import remove_personal_numbers
from xinfang.notifications.models import Event

SUBJECT = "信访事项办理进展（{number}）"
QUERY_HINT = "可登录网上信访平台凭编号和查询码查询办理进度"
_FREE_TEXT_LIMIT = 60


@dataclass(frozen=True)
class MessageContext:
    event: str  # an Event
    number: str  # the case number
    accusation: bool = False
    org_name: str = ""  # the body named in the text (registering, accepting, receiving the transfer)
    day: date | None = None  # registered on, due on, extended to, window closes on
    verb: str = "转送"  # 转送 or 交办 (TRANSFERRED)
    reason: str = ""  # extension reason (EXTENDED)
    legal_route: str = ""  # GUIDED
    window: str = "复查"  # 复查 or 复核 (WINDOW_CLOSING)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str


def _free_text(text: str) -> str:
    text = " ".join(remove_personal_numbers(text).split()).rstrip("。")
    return text if len(text) <= _FREE_TEXT_LIMIT else text[: _FREE_TEXT_LIMIT - 1] + "…"


def _day(context: MessageContext) -> str:
    return chinese_date(context.day) if context.day else ""


def _accusation_text(context: MessageContext) -> str:
    if context.event == Event.REGISTERED:
        return f"您反映的事项已登记，编号{context.number}。{QUERY_HINT}。"
    if context.event == Event.WINDOW_CLOSING and context.day:
        return (
            f"您反映的事项（编号{context.number}）有一项期限将于{_day(context)}届满，"
            "请及时登录网上信访平台凭编号和查询码查询。"
        )
    return f"您反映的事项（编号{context.number}）有新的办理进展，{QUERY_HINT}。"


def _text(context: MessageContext) -> str:
    about = f"您的信访事项（编号{context.number}）"
    at = f"向{context.org_name}咨询" if context.org_name else ""
    match context.event:
        case Event.REGISTERED:
            when = f"已于{_day(context)}登记" if context.day else "已登记"
            return (
                f"您的信访事项{when}，编号{context.number}。"
                f"查询方式：{QUERY_HINT}{'，也可' + at if at else ''}。"
            )
        case Event.ACCEPTED:
            by = f"已由{context.org_name}受理" if context.org_name else "已受理"
            due = f"，依法应于{_day(context)}前办结并出具信访处理意见书" if context.day else ""
            return f"{about}{by}{due}。"
        case Event.REJECTED:
            return f"{about}经审查不予受理，理由及可以选择的途径见不予受理告知书。"
        case Event.GUIDED:
            route = _free_text(context.legal_route) or "诉讼、仲裁、行政复议等"
            return f"{about}依法应通过{route}法定途径解决，请向有关机关依法提出。"
        case Event.TRANSFERRED:
            return f"{about}已{context.verb}至{context.org_name or '有权处理的机关'}办理。"
        case Event.EXTENDED:
            until = f"延期至{_day(context)}" if context.day else "延期"
            reason = _free_text(context.reason)
            return f"{about}办理期限{until}{'，理由：' + reason if reason else ''}。"
        case Event.REPLIED:
            return f"{about}已出具信访处理意见书。如不服，可自收到之日起30日内请求复查。"
        case Event.REVIEW_DECIDED:
            return f"{about}已出具复查意见书。如不服，可自收到之日起30日内请求复核。"
        case Event.RE_REVIEW_DECIDED:
            return f"{about}已出具复核意见书。"
        case Event.WINDOW_CLOSING:
            return f"{about}申请{context.window}的期限将于{_day(context)}届满，如需申请，请在期限内提出。"
    raise ValueError(f"no template for {context.event}")


def notify_message(context: MessageContext) -> Rendered:
    """The subject and text of one event's message."""
    text = _accusation_text(context) if context.accusation else _text(context)
    return Rendered(subject=SUBJECT.format(number=context.number), text=text)
