"""Small helpers shared by every Excel import and export.

Writing: `text_cell` stores text as a string cell, never a formula. A cell
starting with = + - @ (or a tab / carriage return) is what Excel and
LibreOffice evaluate when the value is typed or pasted, so such text gets
the string type *and* the quote-prefix style (Excel's leading apostrophe),
which keeps it text even when someone edits the cell later. Readers
(openpyxl, our imports) still see the original value, so round trips hold.

Reading: `read_sheet` opens the first sheet of an uploaded workbook and
returns its header map and data rows; a file that is not an .xlsx raises
XinfangError(IMPORT_FILE_INVALID). Cell values are left as openpyxl gives
them; `cell_text` turns one into stripped text (an integer typed into a
text column, such as a region code, comes back without ".0").
"""

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from xinfang.core.errors import ErrorCode, XinfangError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def text_cell(sheet: WriteOnlyWorksheet, value: str, *, bold: bool = False) -> Cell:
    """A cell that always holds `value` as text (see the module docstring)."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise mark "=..." as a formula
        if is_formula_like(value):
            cell.quotePrefix = True
    if bold:
        cell.font = HEADER_FONT
    return cell


def value_cell(sheet: WriteOnlyWorksheet, value: Any, *, number_format: str | None = None) -> Cell:
    """A cell for a number, date or text; text goes through `text_cell`."""
    if value is None:
        value = ""
    if isinstance(value, str):
        return text_cell(sheet, value)
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


def new_write_only_workbook(title: str) -> tuple[Workbook, WriteOnlyWorksheet]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    return workbook, sheet


def header_row(sheet: WriteOnlyWorksheet, headers: Iterable[str]) -> list[Cell]:
    return [text_cell(sheet, header, bold=True) for header in headers]


def normalise_header(value: Any) -> str:
    """Headers match whatever whitespace surrounds them (or sits inside them)."""
    if value is None:
        return ""
    return "".join(str(value).split())


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class SheetRows:
    """The first sheet of an uploaded workbook: normalised headers by column index, and data rows.

    `rows` yields (Excel row number, cells) for rows with at least one non-blank cell.
    """

    headers: dict[int, str]
    rows: Iterator[tuple[int, tuple[Any, ...]]]


def read_sheet(stream: IO[bytes]) -> SheetRows:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise XinfangError(ErrorCode.IMPORT_FILE_INVALID) from error
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise XinfangError(ErrorCode.IMPORT_FILE_INVALID)
    all_rows = sheet.iter_rows(values_only=True)
    first = next(all_rows, None)
    if first is None:
        raise XinfangError(ErrorCode.IMPORT_COLUMNS_MISSING, "文件为空")
    headers = {index: normalise_header(value) for index, value in enumerate(first) if normalise_header(value)}

    def data_rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for number, cells in enumerate(all_rows, start=2):
            if any(cell_text(value) for value in cells):
                yield number, cells
        workbook.close()

    return SheetRows(headers=headers, rows=data_rows())


@dataclass(frozen=True)
class RowProblem:
    """Why a row was not taken: the error code, its Chinese message, and the column if known."""

    code: ErrorCode
    message: str
    column: str = ""

    @classmethod
    def of(cls, error: XinfangError, column: str = "") -> "RowProblem":
        return cls(code=error.code, message=error.message, column=column)


def problems_text(problems: Iterable[RowProblem]) -> str:
    return "；".join(f"{p.column}：{p.message}" if p.column else p.message for p in problems)
