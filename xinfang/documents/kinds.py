"""The twelve kinds of document (文书) as data: what each takes, what it needs, whom it goes to.

Every document also gets the values built from its case (CASE_FIELDS); a
template may use those and its kind's own fields, nothing else. Fields named
`*_date` hold a date: entered as 2026-03-04 or 2026年3月4日, printed in the
Chinese form.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.db import models

from xinfang.core.errors import ErrorCode, XinfangError


class DocumentKind(models.TextChoices):
    ACCEPTANCE_NOTICE = "acceptance_notice", "受理告知书"
    REJECTION_NOTICE = "rejection_notice", "不予受理告知书"
    REFUSAL_NOTICE = "refusal_notice", "不再受理告知书"
    TRANSFER_SLIP = "transfer_slip", "转送单"
    ASSIGNMENT_SLIP = "assignment_slip", "交办单"
    REMINDER = "reminder", "催办单"
    SUPERVISION_NOTICE = "supervision_notice", "督办单"
    EXTENSION_NOTICE = "extension_notice", "延期告知书"
    REPLY = "reply", "信访处理意见书"
    REVIEW_DECISION = "review_decision", "复查意见书"
    RE_REVIEW_DECISION = "re_review_decision", "复核意见书"
    CONCLUSION_REPORT = "conclusion_report", "办结报告"


class Addressee(StrEnum):
    PETITIONER = "petitioner"  # 信访人: names the petitioner, goes to them
    BODY = "body"  # another body (责任单位, 交办机关): must never name an accuser (条例 Art.30)


# Filled from the case and the issuing context for every kind.
CASE_FIELDS: dict[str, str] = {
    "document_number": "文号",
    "case_number": "信访件编号",
    "title": "事项标题",
    "received_date": "收到日期",
    "petitioner_names": "信访人",
    "place": "问题发生地",
    "request": "信访诉求",
    "addressee": "主送",
    "issuing_org": "出具单位",
    "issue_date": "出具日期",
}


@dataclass(frozen=True, slots=True)
class KindSpec:
    kind: DocumentKind
    abbreviation: str  # in the document number: 西湖区信访局受告〔2026〕3号
    addressed_to: Addressee
    fields: dict[str, str]  # input field name -> Chinese label, in form order
    required: frozenset[str]

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def placeholders(self) -> dict[str, str]:
        """Every name a template of this kind may use, with its label."""
        return {**CASE_FIELDS, **self.fields}


_DECISION_FIELDS = {
    "request": "信访诉求",
    "facts_found": "查明事实",
    "reasons": "理由",
    "decision": "处理意见",
    "legal_basis": "法律政策依据",
}
_DECISION_REQUIRED = frozenset({"request", "facts_found", "decision", "legal_basis"})

SPECS: tuple[KindSpec, ...] = (
    KindSpec(
        DocumentKind.ACCEPTANCE_NOTICE,
        "受告",
        Addressee.PETITIONER,
        {"handling_org": "承办单位", "notes": "其他告知事项"},
        frozenset({"handling_org"}),
    ),
    KindSpec(
        DocumentKind.REJECTION_NOTICE,
        "不受告",
        Addressee.PETITIONER,
        {"reason": "不予受理理由", "correct_route": "应当通过的途径", "notes": "其他告知事项"},
        frozenset({"reason", "correct_route"}),
    ),
    KindSpec(
        DocumentKind.REFUSAL_NOTICE,
        "不再受告",
        Addressee.PETITIONER,
        {"final_decision_ref": "复核意见书（机关、文号、日期）", "notes": "其他告知事项"},
        frozenset({"final_decision_ref"}),
    ),
    KindSpec(
        DocumentKind.TRANSFER_SLIP,
        "转",
        Addressee.BODY,
        {"requirements": "办理要求"},
        frozenset(),
    ),
    KindSpec(
        DocumentKind.ASSIGNMENT_SLIP,
        "交",
        Addressee.BODY,
        {"report_due_date": "报送办理结果期限", "requirements": "办理要求"},
        frozenset({"report_due_date"}),
    ),
    KindSpec(
        DocumentKind.REMINDER,
        "催",
        Addressee.BODY,
        {"demand": "催办事项", "answer_by_date": "回复期限"},
        frozenset({"demand", "answer_by_date"}),
    ),
    KindSpec(
        DocumentKind.SUPERVISION_NOTICE,
        "督",
        Addressee.BODY,
        {"problems": "存在问题", "demand": "督办要求", "answer_by_date": "回复期限"},
        frozenset({"demand", "answer_by_date"}),
    ),
    KindSpec(
        DocumentKind.EXTENSION_NOTICE,
        "延告",
        Addressee.PETITIONER,
        {"reason": "延期理由", "new_due_date": "延长后的办结期限"},
        frozenset({"reason", "new_due_date"}),
    ),
    KindSpec(
        DocumentKind.REPLY,
        "处",
        Addressee.PETITIONER,
        {**_DECISION_FIELDS, "review_notice": "复查告知"},
        # 条例 Art.33: the 信访处理意见书 states the facts and the reasons (事实和理由).
        _DECISION_REQUIRED | {"reasons", "review_notice"},
    ),
    KindSpec(
        DocumentKind.REVIEW_DECISION,
        "复查",
        Addressee.PETITIONER,
        {**_DECISION_FIELDS, "re_review_notice": "复核告知"},
        _DECISION_REQUIRED | {"re_review_notice"},
    ),
    KindSpec(
        DocumentKind.RE_REVIEW_DECISION,
        "复核",
        Addressee.PETITIONER,
        _DECISION_FIELDS,
        _DECISION_REQUIRED,
    ),
    KindSpec(
        DocumentKind.CONCLUSION_REPORT,
        "办报",
        Addressee.BODY,
        {
            "assignment_ref": "交办文号",
            "process": "办理过程",
            "result": "办理结果",
            "petitioner_opinion": "信访人意见",
        },
        frozenset({"result"}),
    ),
)

BY_KIND: dict[str, KindSpec] = {spec.kind.value: spec for spec in SPECS}


def spec_for(kind: str) -> KindSpec:
    try:
        return BY_KIND[kind]
    except KeyError:
        raise XinfangError(ErrorCode.DOCUMENT_KIND_UNKNOWN, str(kind)[:40], field="kind") from None


def check_document_fields(kind: str, fields: dict[str, str]) -> list[XinfangError]:
    """One error per required field left blank (and per unreadable date), each naming its
    field, so a form shows them all."""
    spec = spec_for(kind)
    problems: list[XinfangError] = []
    for name, label in spec.fields.items():
        value = str(fields.get(name) or "").strip()
        if not value:
            if name in spec.required:
                detail = f"请填写「{label}」"
                problems.append(XinfangError(ErrorCode.DOCUMENT_FIELD_REQUIRED, detail, field=name))
        elif name.endswith("_date") and parse_date(value) is None:
            problems.append(XinfangError(ErrorCode.DOCUMENT_DATE_FORMAT, label, field=name))
    return problems


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def review_notice_text(review_body: str) -> str:
    """The 复查 notice a reply must carry (条例 Art.35), for a form to offer as the default."""
    return (
        f"如对本处理意见不服，可以自收到本意见书之日起30日内，向{review_body}书面提出复查请求"
        "（《信访工作条例》第三十五条）。"
    )


def re_review_notice_text(re_review_body: str) -> str:
    """The 复核 notice a review decision must carry (条例 Art.36)."""
    return (
        f"如对本复查意见不服，可以自收到本意见书之日起30日内，向{re_review_body}书面提出复核请求"
        "（《信访工作条例》第三十六条）。"
    )
