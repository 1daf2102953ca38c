"""The case ledger (信访台账) as an Excel workbook.

    export_ledger(stream: IO[bytes], cases: QuerySet[Case], *, max_rows: int,
                  chunk_size: int = 2000) -> LedgerExport
        Writes the cases, in the queryset's order, to the binary `stream` (a
        file opened "wb", a BytesIO, or an HttpResponse) and returns how many
        rows were written and whether `max_rows` cut the list short. A
        workbook that was cut short says so itself: a second sheet 说明
        (NOTES_SHEET) states that only the first N rows are there, so the
        main sheet keeps nothing but its columns and cases.

Scoping is the caller's: pass a queryset that is already limited to what the
user may see (cases.selectors.ledger_cases). Personal data is exported only
as the masks stored on Petitioner / PetitionerPhone; nothing is decrypted.
Rows stream through openpyxl's write-only mode, and the cases are read in
chunks with their relations prefetched, so the number of queries depends on
the number of chunks, not of cases. Text that Excel would run as a formula
(= + - @ …) is written as text (core.xlsx.text_cell).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import IO
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet

from xinfang.cases import states
from xinfang.cases.models import Case, CaseParty, Category, Channel
from xinfang.core.xlsx import header_row, new_write_only_workbook, text_cell, value_cell
from xinfang.people.models import Petitioner

LOCAL_TIME = ZoneInfo("Asia/Shanghai")
COLUMNS = (
    "编号",
    "收到时间",
    "信访形式",
    "问题性质",
    "内容分类",
    "标题",
    "诉求",
    "问题发生地",
    "登记单位",
    "责任单位",
    "人数",
    "集体访",
    "重复信访",
    "状态",
    "信访人",
    "身份证号",
    "联系电话",
)
COLUMN_WIDTHS = (26, 17, 10, 12, 30, 30, 40, 14, 16, 16, 6, 7, 9, 10, 14, 20, 26)
ANONYMOUS = "匿名"
NOTES_SHEET = "说明"
CHANNEL_LABELS = dict(Channel.choices)
CATEGORY_LABELS = dict(Category.choices)


def truncation_note(rows: int) -> str:
    """What the 说明 sheet of a workbook cut short at `rows` cases says."""
    return f"仅导出前 {rows} 条，另有更多符合条件的记录未导出，请缩小筛选范围"


@dataclass
class LedgerExport:
    rows: int
    truncated: bool  # more cases matched than max_rows allowed


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def _received(moment: datetime) -> datetime:
    # Excel has no time zones: write Beijing wall-clock time without tzinfo.
    return moment.astimezone(LOCAL_TIME).replace(tzinfo=None, second=0, microsecond=0)


def _petitioner_columns(parties: list[CaseParty]) -> tuple[str, str, str]:
    """Names, ID masks and phone masks, one entry per petitioner, separated by "；"."""
    names, ids, phones = [], [], []
    for party in parties:
        person: Petitioner = party.petitioner
        if person.is_anonymous:
            names.append(ANONYMOUS)
            ids.append("")
            phones.append("")
            continue
        names.append(person.name)
        ids.append(person.id_number_mask)
        phones.append("、".join(phone.mask for phone in person.phones.all()))
    return "；".join(names), "；".join(ids).strip("；"), "；".join(phones).strip("；")


def ledger_queryset(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The relations each row needs, so one chunk costs the same few queries however many cases it holds."""
    parties = CaseParty.objects.select_related("petitioner").prefetch_related("petitioner__phones")
    return cases.select_related(
        "topic", "place_region", "receiving_org__parent", "responsible_org__parent"
    ).prefetch_related(Prefetch("parties", queryset=parties))


def export_ledger(
    stream: IO[bytes], cases: QuerySet[Case], *, max_rows: int, chunk_size: int = 2000
) -> LedgerExport:
    workbook, sheet = new_write_only_workbook("信访台账")
    for index, width in enumerate(COLUMN_WIDTHS):
        # Set by Worksheet._setup at runtime; the stubs do not declare it on write-only sheets.
        sheet.column_dimensions[chr(ord("A") + index)].width = width  # type: ignore[attr-defined]
    sheet.freeze_panes = "A2"
    sheet.append(header_row(sheet, COLUMNS))
    written = 0
    truncated = False
    # One case beyond the limit tells whether the list was cut.
    for case in ledger_queryset(cases)[: max_rows + 1].iterator(chunk_size=chunk_size):
        if written == max_rows:
            truncated = True
            break
        names, id_masks, phone_masks = _petitioner_columns(list(case.parties.all()))
        sheet.append(
            [
                text_cell(sheet, case.number),
                value_cell(sheet, _received(case.received_at), number_format="yyyy-mm-dd hh:mm"),
                text_cell(sheet, CHANNEL_LABELS.get(case.channel, case.channel)),
                text_cell(sheet, CATEGORY_LABELS.get(case.category, case.category)),
                text_cell(sheet, case.topic.full_name),
                text_cell(sheet, case.title),
                text_cell(sheet, case.request),
                text_cell(sheet, case.place_region.name),
                text_cell(sheet, case.receiving_org.full_name),
                text_cell(sheet, case.responsible_org.full_name if case.responsible_org else ""),
                value_cell(sheet, case.head_count),
                text_cell(sheet, _yes_no(case.is_collective)),
                text_cell(sheet, _yes_no(case.is_repeat)),
                text_cell(sheet, states.LABELS.get(states.Status(case.status), case.status)),
                text_cell(sheet, names),
                text_cell(sheet, id_masks),
                text_cell(sheet, phone_masks),
            ]
        )
        written += 1
    if truncated:
        notes = workbook.create_sheet(NOTES_SHEET)
        notes.append([text_cell(notes, truncation_note(written), bold=True)])
    workbook.save(stream)
    return LedgerExport(rows=written, truncated=truncated)
