"""The screening ledger (矛盾纠纷排查台账) as an Excel workbook.

Scoping is the caller's: pass a queryset already limited to what the user may see
(selectors.ledger_risks), in the order to write. A workbook cut short at `max_rows` says so
on a second sheet 说明. Text that Excel would run as a formula is written as text
(core.xlsx.text_cell).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import IO
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from xinfang.core.xlsx import header_row, new_write_only_workbook, text_cell, value_cell
from xinfang.screening.models import ScreeningRisk

LOCAL_TIME = ZoneInfo("Asia/Shanghai")
COLUMNS = (
    "序号",
    "排查轮次",
    "上报单位",
    "上报人",
    "上报人身份",
    "上报时间",
    "发生地",
    "详细地点",
    "基本情况",
    "风险等级",
    "责任单位",
    "化解时限",
    "状态",
    "是否超期",
    "销号时间",
    "化解情况",
)
COLUMN_WIDTHS = (7, 28, 16, 10, 10, 17, 12, 20, 50, 8, 18, 12, 8, 8, 17, 40)
NOTES_SHEET = "说明"


def truncation_note(rows: int) -> str:
    return f"仅导出前 {rows} 条，另有更多符合条件的记录未导出，请缩小筛选范围"


@dataclass
class RiskExport:
    rows: int
    truncated: bool


def _local(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: Beijing wall-clock time without tzinfo.
    if moment is None:
        return None
    return moment.astimezone(LOCAL_TIME).replace(tzinfo=None, second=0, microsecond=0)


def export_risks(
    stream: IO[bytes], risks: QuerySet[ScreeningRisk], *, today: date, max_rows: int
) -> RiskExport:
    workbook, sheet = new_write_only_workbook("矛盾纠纷排查台账")
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width  # type: ignore[attr-defined]
    sheet.freeze_panes = "A2"
    sheet.append(header_row(sheet, COLUMNS))
    rows = risks.select_related(
        "round__organisation__parent",
        "reporting_org__parent",
        "reporter",
        "place_region",
        "responsible_org__parent",
    )
    written = 0
    truncated = False
    for risk in rows[: max_rows + 1].iterator(chunk_size=2000):
        if written == max_rows:
            truncated = True
            break
        overdue = risk.is_open and risk.deadline < today
        sheet.append(
            [
                value_cell(sheet, risk.pk),
                text_cell(sheet, str(risk.round) if risk.round else "随时上报"),
                text_cell(sheet, risk.reporting_org.full_name),
                text_cell(sheet, str(risk.reporter)),
                text_cell(sheet, risk.reporter_kind_label),
                value_cell(sheet, _local(risk.created_at), number_format="yyyy-mm-dd hh:mm"),
                text_cell(sheet, risk.place_region.name),
                text_cell(sheet, risk.place_address),
                text_cell(sheet, risk.description),
                text_cell(sheet, risk.level_label),
                text_cell(sheet, risk.responsible_org.full_name),
                value_cell(sheet, risk.deadline, number_format="yyyy-mm-dd"),
                text_cell(sheet, risk.status_label),
                text_cell(sheet, "是" if overdue else "否"),
                value_cell(sheet, _local(risk.closed_at), number_format="yyyy-mm-dd hh:mm"),
                text_cell(sheet, risk.closing_note),
            ]
        )
        written += 1
    if truncated:
        notes = workbook.create_sheet(NOTES_SHEET)
        notes.append([text_cell(notes, truncation_note(written), bold=True)])
    workbook.save(stream)
    return RiskExport(rows=written, truncated=truncated)
