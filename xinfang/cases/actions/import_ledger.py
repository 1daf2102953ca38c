"""Import a historical ledger (历史台账) that an office kept in Excel.

    do_import_ledger(*, actor: User, stream: IO[bytes], source: str = "") -> LedgerImportReport
        Registers every good row as a case received by the actor's office,
        through the real registration action (numbering, petitioner records,
        repeat detection, full-text index), marks it `imported` and adds an
        `imported` event naming `source` (default: the stream's file name)
        and the row. Each row is its own transaction: a bad row never sinks a
        good one. Raises XinfangError only for problems with the whole file:
        NOT_ALLOWED (role may not import: importing registers, so it takes
        the right to register), NOT_ALLOWED_TO_REGISTER (no organisation), IMPORT_FILE_INVALID,
        IMPORT_COLUMNS_MISSING.

    write_report(stream: IO[bytes], report: LedgerImportReport) -> None
        The report as a workbook: one line per row (行号, 结果, 信访件编号, 原编号,
        错误代码, 原因) and a 说明 sheet with the totals and ignored columns.

    write_ledger_template(stream: IO[bytes], *, place_example: str = "北山街道") -> None
        An empty ledger with the header row, one example row and a sheet that
        lists the accepted values; pass the name of a region in the user's
        scope as `place_example`.

The report has one LedgerRowResult per non-blank row: "imported" (with the
new case number), "existing" (imported before, from this file or an earlier
one: the case number, nothing created) or "rejected" (every problem found,
each an ErrorCode with its Chinese message and the column).

Columns (order-free, surrounding whitespace ignored; others are ignored and
listed in `ignored_columns`): see COLUMN_ALIASES. Required: 收到日期, 信访形式,
问题性质, 内容分类, 问题发生地, 诉求. 编号 is kept as the case's source
reference. 姓名 empty or 匿名 means an anonymous petitioner (accusations only).
For a collective visit (来访/领导接待日 with 人数 ≥ 5) the named petitioner is
registered as the representative. A 上级交办/转送 row needs 交办机关, a
领导接待日 row 接待领导 (the registration rules).

Re-importing a file creates no duplicates: a row's submission token is a
keyed hash (core.crypto.keyed_digest, an HMAC under the server's secret) of
the importer's office and the row's parsed content, so the token in the
database cannot be used to test guesses of the personal data in the row.
"""

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, Literal

from django.db import transaction
from django.utils import timezone
from openpyxl.utils.datetime import from_excel

from xinfang.cases import events
from xinfang.cases.actions.register import (
    PartyInput,
    RegistrationInput,
    check_registration,
    do_register_case,
    is_collective,
)
from xinfang.cases.models import Case, Category, Channel, PartyRole, Topic
from xinfang.core.crypto import keyed_digest
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.core.xlsx import (
    RowProblem,
    cell_text,
    header_row,
    new_write_only_workbook,
    problems_text,
    read_sheet,
    text_cell,
    value_cell,
)
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.roles import CAN_IMPORT_LEDGER
from xinfang.orgs.scoping import regions_in_scope
from xinfang.orgs.tree_xlsx import PATH_SEPARATOR, name_chains
from xinfang.people.actions import PetitionerInput
from xinfang.people.identity import check_id_number, check_phone, id_check_char

COL_REFERENCE = "编号"
COL_RECEIVED = "收到日期"
COL_CHANNEL = "信访形式"
COL_NAME = "姓名"
COL_ID_NUMBER = "身份证号"
COL_PHONES = "联系电话"
COL_ADDRESS = "住址"
COL_HEAD_COUNT = "人数"
COL_PLACE = "问题发生地"
COL_PLACE_ADDRESS = "详细地点"
COL_ACCUSED = "被反映人/单位"
COL_CATEGORY = "问题性质"
COL_TOPIC = "内容分类"
COL_TITLE = "标题"
COL_FACTS = "反映内容/事实与理由"
COL_REQUEST = "诉求"
COL_HANDED_DOWN_FROM = "交办机关"
COL_HANDED_DOWN_DOC_NO = "交办文号"
COL_RECEPTION_LEADER = "接待领导"

# Canonical column -> the headers offices actually use for it (whitespace is removed before matching).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    COL_REFERENCE: ("编号", "原编号", "来源编号"),
    COL_RECEIVED: ("收到日期", "收到时间", "登记日期"),
    COL_CHANNEL: ("信访形式",),
    COL_NAME: ("姓名", "信访人姓名"),
    COL_ID_NUMBER: ("身份证号", "身份证号码"),
    COL_PHONES: ("联系电话", "电话"),
    COL_ADDRESS: ("住址", "地址"),
    COL_HEAD_COUNT: ("人数",),
    COL_PLACE: ("问题发生地",),
    COL_PLACE_ADDRESS: ("详细地点",),
    COL_ACCUSED: ("被反映人/单位", "被反映人", "被反映单位", "被反映对象"),
    COL_CATEGORY: ("问题性质",),
    COL_TOPIC: ("内容分类",),
    COL_TITLE: ("标题",),
    COL_FACTS: ("反映内容/事实与理由", "反映内容", "事实与理由"),
    COL_REQUEST: ("诉求", "信访诉求"),
    COL_HANDED_DOWN_FROM: ("交办机关", "交办/转送机关", "转送机关"),
    COL_HANDED_DOWN_DOC_NO: ("交办文号",),
    COL_RECEPTION_LEADER: ("接待领导",),
}
REQUIRED_COLUMNS = (COL_RECEIVED, COL_CHANNEL, COL_CATEGORY, COL_TOPIC, COL_PLACE, COL_REQUEST)
_HEADER_TO_COLUMN = {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}

CHANNEL_ALIASES: dict[str, str] = {
    **{str(label): value for value, label in Channel.choices},
    "走访": Channel.VISIT,
    "网信": Channel.WEB,
    "上级交办": Channel.HANDED_DOWN,
    "交办": Channel.HANDED_DOWN,
    "转送": Channel.HANDED_DOWN,
}
CATEGORY_ALIASES: dict[str, str] = {
    **{str(label): value for value, label in Category.choices},
    **{str(label)[:-1]: value for value, label in Category.choices},  # 建议意见, 检举控告, 申诉求决
    "建议": Category.SUGGESTION,
    "意见": Category.SUGGESTION,
    "检举": Category.ACCUSATION,
    "控告": Category.ACCUSATION,
    "申诉": Category.APPEAL,
    "求决": Category.APPEAL,
}
ANONYMOUS = "匿名"
TITLE_FROM_REQUEST = 30
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*秒?)?$"
)
_PHONE_SEPARATORS = re.compile(r"[,，;；、\s]+")
_PATH_SEPARATORS = re.compile(r"\s*[/›>／＞]\s*")
# Text limits of the Case fields the ledger fills (checked here, so PostgreSQL never sees an overlong value).
TEXT_LIMITS = {
    COL_NAME: 50,
    COL_TITLE: 200,
    COL_PLACE_ADDRESS: 200,
    COL_ACCUSED: 200,
    COL_REFERENCE: 100,
    COL_HANDED_DOWN_FROM: 100,
    COL_HANDED_DOWN_DOC_NO: 60,
    COL_RECEPTION_LEADER: 50,
}

LedgerRowStatus = Literal["imported", "existing", "rejected"]
STATUS_LABELS: dict[str, str] = {"imported": "已导入", "existing": "此前已导入", "rejected": "未导入"}


@dataclass
class LedgerRowResult:
    row: int
    status: LedgerRowStatus
    case_number: str = ""
    source_reference: str = ""
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class LedgerImportReport:
    rows: list[LedgerRowResult]
    ignored_columns: list[str]

    @property
    def imported(self) -> int:
        return sum(1 for row in self.rows if row.status == "imported")

    @property
    def existing(self) -> int:
        return sum(1 for row in self.rows if row.status == "existing")

    @property
    def rejected(self) -> list[LedgerRowResult]:
        return [row for row in self.rows if row.status == "rejected"]


def _match_by_path(text: str, chains: list[tuple[list[str], Any]]) -> list[Any]:
    """Items whose name chain ends with the typed path: a bare name, a partial or a full path all work."""
    wanted = [part for part in _PATH_SEPARATORS.split(text.strip()) if part]
    if not wanted:
        return []
    return [item for chain, item in chains if chain[-len(wanted) :] == wanted]


class _Lookups:
    """What every row resolves against, loaded once per file."""

    def __init__(self, actor: User) -> None:
        regions = list(regions_in_scope(actor))
        region_chains = name_chains(regions)
        self.regions: list[tuple[list[str], Any]] = [(region_chains[org.pk], org) for org in regions]
        self.topics: list[tuple[list[str], Any]] = [
            (topic.full_name.split(" › "), topic) for topic in Topic.objects.filter(level=3)
        ]

    def region(self, text: str) -> Organisation:
        found = _match_by_path(text, self.regions)
        if len(found) == 1:
            return found[0]
        if not found:
            raise XinfangError(ErrorCode.REGION_UNKNOWN, f"“{text}”不在您的辖区内")
        example = PATH_SEPARATOR.join(next(chain for chain, org in self.regions if org == found[0]))
        raise XinfangError(
            ErrorCode.REGION_UNKNOWN, f"“{text}”有{len(found)}个同名单位，请写完整路径，如“{example}”"
        )

    def topic(self, text: str) -> Topic:
        found = _match_by_path(text, self.topics)
        if len(found) == 1:
            return found[0]
        if not found:
            raise XinfangError(ErrorCode.TOPIC_UNKNOWN, f"没有“{text}”这一三级分类")
        raise XinfangError(
            ErrorCode.TOPIC_UNKNOWN,
            f"“{text}”对应{len(found)}个分类，请写“一级 › 二级 › 三级”，如“{found[0]}”",
        )


def _received_at(value: Any) -> datetime:
    """A date or datetime cell, an Excel serial number, or text: 2025-03-04, 2025/3/4, 2025年3月4日."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            value = from_excel(value)
        except (ValueError, OverflowError):
            raise XinfangError(ErrorCode.RECEIVED_DATE_FORMAT, cell_text(value)[:20]) from None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, datetime.min.time())
    else:
        match = _DATE_TEXT.match(cell_text(value))
        if not match:
            raise XinfangError(ErrorCode.RECEIVED_DATE_FORMAT, cell_text(value)[:20])
        parts = [int(part) if part else 0 for part in match.groups()]
        try:
            moment = datetime(*parts)  # type: ignore[arg-type]
        except ValueError:
            raise XinfangError(ErrorCode.RECEIVED_DATE_FORMAT, cell_text(value)[:20]) from None
    if timezone.is_naive(moment):
        # Ledgers are kept in local (Beijing) time.
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _head_count(value: Any) -> int:
    text = cell_text(value).removesuffix("人")
    if not text:
        return 1
    if not text.isdigit():
        raise XinfangError(ErrorCode.HEAD_COUNT_INVALID, text[:10])
    return int(text)


@dataclass
class _ParsedRow:
    data: RegistrationInput | None
    fingerprint: dict[str, Any]
    source_reference: str
    problems: list[RowProblem]


def _parse_row(cells: tuple[Any, ...], columns: dict[str, int], lookups: _Lookups) -> _ParsedRow:
    """Turn one row into a RegistrationInput, collecting every problem instead of stopping at the first."""
    problems: list[RowProblem] = []

    def text(column: str) -> str:
        index = columns.get(column)
        value = cell_text(cells[index]) if index is not None and index < len(cells) else ""
        limit = TEXT_LIMITS.get(column)
        if limit and len(value) > limit:
            problems.append(
                RowProblem.of(XinfangError(ErrorCode.IMPORT_TEXT_TOO_LONG, f"不超过{limit}字"), column)
            )
        return value

    def raw(column: str) -> Any:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    def attempt(column: str, parse: Any, *args: Any) -> Any:
        try:
            return parse(*args)
        except XinfangError as error:
            problems.append(RowProblem.of(error, column))
            return None

    received_at = attempt(COL_RECEIVED, _received_at, raw(COL_RECEIVED))
    channel = CHANNEL_ALIASES.get(text(COL_CHANNEL))
    if channel is None:
        known = "、".join(label for label in CHANNEL_ALIASES if "/" not in label)
        problems.append(
            RowProblem.of(
                XinfangError(ErrorCode.CHANNEL_UNKNOWN, f"“{text(COL_CHANNEL)}”；可填：{known}"), COL_CHANNEL
            )
        )
    category = CATEGORY_ALIASES.get(text(COL_CATEGORY))
    if category is None:
        problems.append(
            RowProblem.of(XinfangError(ErrorCode.CATEGORY_UNKNOWN, text(COL_CATEGORY)), COL_CATEGORY)
        )
    topic = attempt(COL_TOPIC, lookups.topic, text(COL_TOPIC))
    place = attempt(COL_PLACE, lookups.region, text(COL_PLACE))
    head_count = attempt(COL_HEAD_COUNT, _head_count, raw(COL_HEAD_COUNT))

    name = text(COL_NAME)
    id_number = ""
    if text(COL_ID_NUMBER):
        id_number = attempt(COL_ID_NUMBER, check_id_number, text(COL_ID_NUMBER)) or ""
    phones = []
    for piece in _PHONE_SEPARATORS.split(text(COL_PHONES)):
        if piece:
            phone = attempt(COL_PHONES, check_phone, piece)
            if phone and phone not in phones:
                phones.append(phone)
    address = text(COL_ADDRESS)
    anonymous = name in ("", ANONYMOUS)
    if anonymous and category is not None and category != Category.ACCUSATION:
        code = ErrorCode.ANONYMOUS_ONLY_FOR_ACCUSATIONS if name == ANONYMOUS else ErrorCode.NAME_REQUIRED
        problems.append(RowProblem.of(XinfangError(code), COL_NAME))
    elif anonymous and (text(COL_ID_NUMBER) or text(COL_PHONES) or address):
        # An anonymous record keeps no identity: storing it would silently drop these details.
        detail = "匿名信访不登记身份证号、电话和住址；知道姓名的请填写姓名"
        problems.append(RowProblem.of(XinfangError(ErrorCode.IMPORT_ROW_INVALID, detail), COL_NAME))

    request = text(COL_REQUEST)
    title = text(COL_TITLE) or request[:TITLE_FROM_REQUEST]
    fields = {
        "facts": text(COL_FACTS),
        "place_address": text(COL_PLACE_ADDRESS),
        "accused": text(COL_ACCUSED),
        "handed_down_from": text(COL_HANDED_DOWN_FROM),
        "handed_down_doc_no": text(COL_HANDED_DOWN_DOC_NO),
        "reception_leader": text(COL_RECEPTION_LEADER),
        "source_reference": text(COL_REFERENCE),
    }
    fingerprint = {
        "received_at": received_at.isoformat() if received_at else None,
        "channel": channel,
        "category": category,
        "topic": topic.pk if topic else None,
        "place": place.pk if place else None,
        "head_count": head_count,
        "name": name,
        "id_number": id_number,
        "phones": phones,
        "address": address,
        "title": title,
        "request": request,
        **fields,
    }
    if problems or None in (received_at, channel, category, topic, place, head_count):
        return _ParsedRow(None, fingerprint, fields["source_reference"], problems)
    assert channel is not None and category is not None
    role = (
        PartyRole.REPRESENTATIVE
        if is_collective(channel, head_count) and not anonymous
        else PartyRole.PRINCIPAL
    )
    petitioner = PetitionerInput(
        name="" if anonymous else name,
        id_number=id_number,
        phones=phones,
        address=address,
        is_anonymous=anonymous,
    )
    data = RegistrationInput(
        channel=channel,
        received_at=received_at,
        category=category,
        topic=topic,
        place_region=place,
        title=title,
        request=request,
        parties=[PartyInput(petitioner, role)],
        head_count=head_count,
        facts=fields["facts"],
        place_address=fields["place_address"],
        accused=fields["accused"],
        handed_down_from=fields["handed_down_from"],
        handed_down_doc_no=fields["handed_down_doc_no"],
        reception_leader=fields["reception_leader"],
        source_reference=fields["source_reference"],
    )
    return _ParsedRow(data, fingerprint, fields["source_reference"], problems)


FINGERPRINT_PURPOSE = "ledger-submission-token"


def submission_token(office_id: int, fingerprint: dict[str, Any]) -> str:
    """Same office, same row content -> same token, so a re-import finds the case it made before.

    Keyed (HMAC), because the fingerprint holds ID numbers, phones and addresses.
    """
    payload = json.dumps([office_id, fingerprint], ensure_ascii=False, sort_keys=True)
    return "ledger-" + keyed_digest(payload, purpose=FINGERPRINT_PURPOSE)[:57]


def _columns(headers: dict[int, str]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in sorted(headers.items()):
        column = _HEADER_TO_COLUMN.get(header)
        if column is None or column in columns:
            ignored.append(header)
        else:
            columns[column] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise XinfangError(ErrorCode.IMPORT_COLUMNS_MISSING, "缺少：" + "、".join(missing))
    return columns, ignored


def _import_row(actor: User, number: int, parsed: _ParsedRow, source: str) -> LedgerRowResult:
    reference = parsed.source_reference
    if parsed.data is None:
        return LedgerRowResult(number, "rejected", source_reference=reference, problems=parsed.problems)
    assert actor.organisation_id is not None
    data = parsed.data
    data.submission_token = submission_token(actor.organisation_id, parsed.fingerprint)
    earlier = (
        Case.objects.filter(submission_token=data.submission_token).values_list("number", flat=True).first()
    )
    if earlier:
        return LedgerRowResult(number, "existing", case_number=earlier, source_reference=reference)
    problems = [RowProblem.of(error, error.field or "") for error in check_registration(data, actor=actor)]
    if problems:
        return LedgerRowResult(number, "rejected", source_reference=reference, problems=problems)
    try:
        with transaction.atomic():
            case = do_register_case(actor=actor, data=data)
            Case.objects.filter(pk=case.pk).update(imported=True)
            events.record_imported(case, actor, source, number)
    except XinfangError as error:
        return LedgerRowResult(
            number, "rejected", source_reference=reference, problems=[RowProblem.of(error)]
        )
    return LedgerRowResult(number, "imported", case_number=case.number, source_reference=reference)


def do_import_ledger(*, actor: User, stream: IO[bytes], source: str = "") -> LedgerImportReport:
    if actor.role not in CAN_IMPORT_LEDGER:
        raise XinfangError(ErrorCode.NOT_ALLOWED)
    if actor.organisation_id is None:
        # Imported rows are registrations by the importer's office; say so once, not on every row.
        raise XinfangError(ErrorCode.NOT_ALLOWED_TO_REGISTER)
    source = source or os.path.basename(str(getattr(stream, "name", "") or ""))
    sheet = read_sheet(stream)
    columns, ignored = _columns(sheet.headers)
    lookups = _Lookups(actor)
    results = [
        _import_row(actor, number, _parse_row(cells, columns, lookups), source)
        for number, cells in sheet.rows
    ]
    return LedgerImportReport(rows=results, ignored_columns=ignored)


REPORT_COLUMNS = ("行号", "结果", "信访件编号", "原编号", "错误代码", "原因")


def write_report(stream: IO[bytes], report: LedgerImportReport) -> None:
    workbook, sheet = new_write_only_workbook("导入结果")
    sheet.append(header_row(sheet, REPORT_COLUMNS))
    for row in report.rows:
        codes = "、".join(dict.fromkeys(problem.code.value for problem in row.problems))
        sheet.append(
            [
                value_cell(sheet, row.row),
                text_cell(sheet, row.status_label),
                text_cell(sheet, row.case_number),
                text_cell(sheet, row.source_reference),
                text_cell(sheet, codes),
                text_cell(sheet, problems_text(row.problems)),
            ]
        )
    notes = workbook.create_sheet("说明")
    for label, value in (
        ("已导入", report.imported),
        ("此前已导入", report.existing),
        ("未导入", len(report.rejected)),
        ("未识别的列（已忽略）", "、".join(report.ignored_columns) or "无"),
    ):
        notes.append([text_cell(notes, label), value_cell(notes, value)])
    workbook.save(stream)


def write_ledger_template(stream: IO[bytes], *, place_example: str = "北山街道") -> None:
    example_id = "33010619800101123"
    example = {
        COL_REFERENCE: "2024-来访-001",
        COL_RECEIVED: "2024-03-04",
        COL_CHANNEL: "来访",
        COL_NAME: "张三",
        COL_ID_NUMBER: example_id + id_check_char(example_id),
        COL_PHONES: "13800138000、0571-87654321",
        COL_ADDRESS: "杭州市西湖区文三路100号",
        COL_HEAD_COUNT: 1,
        COL_PLACE: place_example,
        COL_PLACE_ADDRESS: "文三路100号小区",
        COL_ACCUSED: "某物业公司",
        COL_CATEGORY: "申诉求决类",
        COL_TOPIC: "城乡建设 › 住房保障与房地产 › 物业服务",
        COL_TITLE: "反映小区物业不履行维修义务",
        COL_FACTS: "小区电梯损坏两个月，物业一直未维修。",
        COL_REQUEST: "请求督促物业公司尽快维修电梯",
    }
    workbook, sheet = new_write_only_workbook("台账")
    sheet.append(header_row(sheet, example))
    sheet.append([value_cell(sheet, value) for value in example.values()])
    notes = workbook.create_sheet("填写说明")
    for line in (
        "必填列：" + "、".join(REQUIRED_COLUMNS),
        "信访形式：" + "、".join(CHANNEL_ALIASES),
        "问题性质：建议意见类、检举控告类、申诉求决类（也可写 建议、检举、申诉、求决）",
        "内容分类：三级分类名称，或“一级 › 二级 › 三级”",
        "问题发生地：辖区内的区县、乡镇（街道）或村（社区）名称，重名时写完整路径，如“西湖区 / 北山街道”",
        "收到日期：2025-03-04、2025/3/4 或 2025年3月4日",
        "联系电话：多个号码用逗号、分号、顿号或空格分隔",
        "姓名：检举控告类可填“匿名”；集体访（5人以上来访）填写的信访人登记为代表",
        "上级交办/转送须另加“交办机关”列，领导接待日须另加“接待领导”列",
    ):
        notes.append([text_cell(notes, line)])
    workbook.save(stream)
