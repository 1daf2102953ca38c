from datetime import datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from openpyxl import load_workbook

from xinfang.cases.actions.register import PartyInput
from xinfang.cases.models import Case, Category, PartyRole
from xinfang.cases.selectors import LedgerFilter, ledger_cases
from xinfang.documents.ledger_xlsx import COLUMNS, export_ledger
from xinfang.orgs.models import User
from xinfang.orgs.roles import Role
from xinfang.people.actions import PetitionerInput
from xinfang.testing.factories import OrgTree, make_id_number, make_user, register_case


def export(cases: QuerySet[Case], **kwargs: Any) -> tuple[list[tuple[Any, ...]], Any]:
    stream = BytesIO()
    result = export_ledger(stream, cases, max_rows=kwargs.pop("max_rows", 1000), **kwargs)
    stream.seek(0)
    sheet = load_workbook(stream).worksheets[0]
    return list(sheet.iter_rows(values_only=True)), result


def row_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(COLUMNS, row, strict=True))


def test_columns_and_masked_personal_data(tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    id_number = make_id_number(seq=77)
    received = datetime(2024, 5, 6, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    person = PetitionerInput(
        name="张三",
        id_number=id_number,
        phones=["13800138000", "0571-87654321"],
        address="杭州市西湖区文三路100号",
    )
    case = register_case(registrar, tree.township_a, received_at=received, parties=[PartyInput(person)])
    anonymous = register_case(
        registrar,
        tree.township_a,
        category=Category.ACCUSATION,
        parties=[PartyInput(PetitionerInput(is_anonymous=True), PartyRole.PRINCIPAL)],
    )
    rows, result = export(ledger_cases(registrar, LedgerFilter(sort="received_at")))
    assert rows[0] == COLUMNS
    assert result.rows == 2 and not result.truncated
    first = row_dict(rows[1])
    assert first["编号"] == case.number
    assert first["收到时间"] == datetime(2024, 5, 6, 9, 30)
    assert first["信访形式"] == "来访" and first["问题性质"] == "申诉求决类"
    assert first["问题发生地"] == "北山街道" and first["登记单位"] == "西湖区信访局"
    assert first["集体访"] == "否" and first["状态"] == "已登记" and first["人数"] == 1
    assert first["信访人"] == "张三"
    assert first["身份证号"] == id_number[:6] + "********" + id_number[-4:]
    assert first["联系电话"] == "138****8000、0571-****4321"
    everything = "".join(str(value) for row in rows for value in row)
    assert id_number not in everything and "13800138000" not in everything and "文三路" not in everything
    assert row_dict(rows[2])["信访人"] == "匿名"
    assert row_dict(rows[2])["编号"] == anonymous.number


def test_export_respects_the_callers_scope(tree: OrgTree) -> None:
    user_a = make_user(tree.township_a, Role.REGISTRAR)
    user_b = make_user(tree.township_b, Role.REGISTRAR)
    mine = register_case(user_a, tree.township_a)
    register_case(user_b, tree.township_b)
    rows, _ = export(ledger_cases(user_a, LedgerFilter()))
    assert [row[0] for row in rows[1:]] == [mine.number]


def test_formula_injection_is_neutralised(tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    register_case(
        registrar,
        title='=HYPERLINK("http://evil.example","点我")',
        request="+1+cmd|' /C calc'!A0",
        parties=[PartyInput(PetitionerInput(name="@SUM(1+1)", id_number=make_id_number(seq=5)))],
    )
    stream = BytesIO()
    export_ledger(stream, Case.objects.all(), max_rows=10)
    stream.seek(0)
    sheet = load_workbook(stream).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row}
    for value in ('=HYPERLINK("http://evil.example","点我")', "+1+cmd|' /C calc'!A0", "@SUM(1+1)"):
        assert cells[value].data_type == "s"
        assert cells[value].quotePrefix
    assert not any(cell.data_type == "f" for cell in cells.values())


def test_max_rows_truncates(tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    for _ in range(3):
        register_case(registrar)
    rows, result = export(Case.objects.order_by("id"), max_rows=2)
    assert len(rows) == 3 and result.rows == 2 and result.truncated


def _queries_for(user: User, django_assert_max_num_queries: Any, expected: int, chunk_size: int) -> None:
    with django_assert_max_num_queries(expected):
        export(ledger_cases(user, LedgerFilter()), chunk_size=chunk_size)


def test_query_count_is_bounded_per_chunk(tree: OrgTree, django_assert_max_num_queries: Any) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    for index in range(12):
        party = PartyInput(
            PetitionerInput(
                name=f"人{index}", id_number=make_id_number(seq=200 + index), phones=[f"1380013{index:04d}"]
            )
        )
        register_case(registrar, parties=[party])
    # The scope's org ids, the cases, then per chunk: parties with their petitioners, and phones.
    _queries_for(registrar, django_assert_max_num_queries, 2 + 2, chunk_size=100)
    _queries_for(registrar, django_assert_max_num_queries, 2 + 2 * 3, chunk_size=5)


def test_a_truncated_workbook_says_so_on_a_notes_sheet(tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    cases = [register_case(registrar) for _ in range(3)]
    stream = BytesIO()
    result = export_ledger(stream, Case.objects.order_by("id"), max_rows=2)
    stream.seek(0)
    book = load_workbook(stream)
    assert result.truncated and book.sheetnames == ["信访台账", "说明"]
    main = list(book["信访台账"].iter_rows(values_only=True))
    assert main[0] == COLUMNS
    assert [row[0] for row in main[1:]] == [case.number for case in cases[:2]]  # only cases, no note row
    notes = [value for row in book["说明"].iter_rows(values_only=True) for value in row if value]
    assert notes == ["仅导出前 2 条，另有更多符合条件的记录未导出，请缩小筛选范围"]

    stream = BytesIO()
    result = export_ledger(stream, Case.objects.order_by("id"), max_rows=3)
    stream.seek(0)
    assert not result.truncated and load_workbook(stream).sheetnames == ["信访台账"]
