"""Excel exports of every statistics table: what the page shows, figure for figure."""

from typing import IO

from xinfang.core.xlsx import header_row, new_write_only_workbook, text_cell, value_cell
from xinfang.stats.assessment import RATE_LABELS, Assessment, UnitFigures, formulas
from xinfang.stats.counting import DIMENSIONS, Statistics
from xinfang.stats.periods import rate_text

COMPARISON_HEADERS = ["上年同期", "同比", "上期", "环比"]


def write_statistics(stream: IO[bytes], stats: Statistics) -> None:
    workbook, sheet = new_write_only_workbook("总体")
    sheet.append(
        [text_cell(sheet, f"统计周期：{stats.period.label}（{stats.period.start}至{stats.period.end}）")]
    )
    sheet.append(header_row(sheet, ["项目", "单位", "本期", *COMPARISON_HEADERS]))
    for figure in stats.headline.values():
        sheet.append(
            [
                text_cell(sheet, figure.label),
                text_cell(sheet, figure.unit),
                value_cell(sheet, figure.value),
                value_cell(sheet, figure.last_year),
                text_cell(sheet, figure.yoy.text),
                value_cell(sheet, figure.previous),
                text_cell(sheet, figure.mom.text),
            ]
        )
    for dimension, title in DIMENSIONS.items():
        table = workbook.create_sheet(title[:31])
        table.append(header_row(table, [title, "件数", "人次", *COMPARISON_HEADERS]))
        for row in stats.breakdowns[dimension]:
            table.append(
                [
                    text_cell(table, row.label),
                    value_cell(table, row.cases),
                    value_cell(table, row.persons),
                    value_cell(table, row.last_year),
                    text_cell(table, row.yoy.text),
                    value_cell(table, row.previous),
                    text_cell(table, row.mom.text),
                ]
            )
    workbook.save(stream)


COUNT_COLUMNS = (
    ("received", "收到件数"),
    ("concluded", "办结件数"),
    ("rated", "评价件数"),
    ("overdue", "超期件数"),
    ("reminders", "收到催办"),
    ("supervisions", "收到督办"),
)


def assessment_row(figures: UnitFigures) -> list[object]:
    rates = figures.rates
    return [
        figures.unit.full_name,
        *(rate_text(rates[key]) for key in RATE_LABELS),
        *(getattr(figures, name) for name, _ in COUNT_COLUMNS),
    ]


def assessment_headers() -> list[str]:
    return ["单位", *RATE_LABELS.values(), *(label for _, label in COUNT_COLUMNS)]


def write_assessment(stream: IO[bytes], assessment: Assessment, units: list[UnitFigures]) -> None:
    workbook, sheet = new_write_only_workbook("单位考核")
    sheet.append(
        [
            text_cell(
                sheet,
                f"考核周期：{assessment.period.label}（{assessment.period.start}至{assessment.period.end}）",
            )
        ]
    )
    sheet.append(header_row(sheet, ["排名", *assessment_headers()]))
    for position, figures in enumerate(units, start=1):
        sheet.append(
            [value_cell(sheet, position), *(value_cell(sheet, value) for value in assessment_row(figures))]
        )
    notes = workbook.create_sheet("计算方法")
    notes.append(header_row(notes, ["指标", "计算方法"]))
    for name, text in formulas():
        notes.append([text_cell(notes, name), text_cell(notes, text)])
    workbook.save(stream)
