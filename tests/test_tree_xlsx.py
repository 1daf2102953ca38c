from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from xinfang.cases.models import Case, CaseNumberCounter
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.actions.import_tree import do_import_tree
from xinfang.orgs.models import Organisation, OrgKind
from xinfang.orgs.roles import Role
from xinfang.orgs.tree_xlsx import COLUMNS, export_tree
from xinfang.testing.factories import OrgTree, make_user, register_case


def workbook(rows: list[list[Any]], headers: tuple[str, ...] = COLUMNS) -> BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    stream = BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


def exported_rows(root: Organisation | None) -> list[tuple[Any, ...]]:
    stream = BytesIO()
    export_tree(stream, root)
    stream.seek(0)
    return list(load_workbook(stream).worksheets[0].iter_rows(values_only=True))


def test_export_lists_parents_first_with_name_paths(tree: OrgTree) -> None:
    rows = exported_rows(None)
    assert rows[0] == COLUMNS
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["浙江省"][2] in ("", None)
    assert by_name["宝石社区"][1:5] == (
        "村/社区",
        "浙江省 / 杭州市 / 西湖区 / 北山街道",
        "330106",
        "330106001001",
    )
    assert by_name["信访局"][5] == tree.bureau.case_number_prefix
    names = [row[0] for row in rows[1:]]
    assert names.index("北山街道") < names.index("宝石社区")


def test_export_of_a_subtree_names_the_parent_outside_it(tree: OrgTree) -> None:
    rows = exported_rows(tree.county)
    assert rows[1][0] == "西湖区"
    assert rows[1][2] == "浙江省 / 杭州市"
    assert "杭州市" not in [row[0] for row in rows[1:]]


def test_round_trip_changes_nothing(tree: OrgTree) -> None:
    admin = make_user(tree.province, Role.ADMIN)
    before = list(Organisation.objects.order_by("pk").values())
    stream = BytesIO()
    export_tree(stream, None)
    stream.seek(0)
    report = do_import_tree(actor=admin, stream=stream)
    assert {row.status for row in report.rows} == {"unchanged"}
    assert len(report.rows) == len(before)
    assert list(Organisation.objects.order_by("pk").values()) == before


def test_rows_in_any_order_create_and_update(tree: OrgTree) -> None:
    admin = make_user(tree.province, Role.ADMIN)
    stream = workbook(
        [
            # a village before the new township it belongs to
            ["翠苑社区", "社区", "浙江省 / 杭州市 / 西湖区 / 翠苑街道", "330106", "330106003001", ""],
            ["翠苑街道", "乡镇/街道", "浙江省/杭州市/西湖区", 330106, 330106003, None],
            # an existing unit, with a new statistical code
            ["西溪街道", "乡镇/街道", "浙江省 / 杭州市 / 西湖区", "330106", "330106009", ""],
        ]
    )
    report = do_import_tree(actor=admin, stream=stream)
    assert [(row.row, row.status) for row in report.rows] == [(2, "created"), (3, "created"), (4, "updated")]
    assert report.rows[2].changed == ["统计用区划代码"]
    village = Organisation.objects.get(name="翠苑社区")
    assert village.kind == OrgKind.VILLAGE
    assert village.parent is not None and village.parent.name == "翠苑街道"
    assert village.parent.parent_id == tree.county.pk
    assert village.parent.area_code == "330106003"
    tree.township_b.refresh_from_db()
    assert tree.township_b.area_code == "330106009"
    assert tree.township_b.case_number_prefix  # an empty prefix cell keeps the prefix


def test_bad_rows_are_rejected_with_reasons_and_codes(tree: OrgTree) -> None:
    admin = make_user(tree.province, Role.ADMIN)
    county = "浙江省 / 杭州市 / 西湖区"
    count_before = Organisation.objects.count()
    stream = workbook(
        [
            ["文新街道", "街办", county, "330106", "", ""],  # 2: unknown kind
            ["古荡街道", "乡镇/街道", county, "33010", "", ""],  # 3: region code not 6 digits
            ["留下街道", "乡镇/街道", "浙江省 / 杭州市 / 余杭区", "330110", "", ""],  # 4: unknown parent
            ["小和山社区", "村/社区", county + " / 古荡街道", "330106", "", ""],  # 5: parent row rejected
            ["", "乡镇/街道", county, "330106", "", ""],  # 6: no name
            ["转塘街道", "乡镇/街道", county, "330106", "12ab", ""],  # 7: bad statistical code
            ["双浦镇", "乡镇/街道", county, "330106", "", tree.bureau.case_number_prefix],  # 8: prefix taken
            ["三墩镇", "乡镇/街道", county, "330106", "", ""],  # 9: fine
            ["三墩镇", "乡镇/街道", county, "330106", "", ""],  # 10: duplicate of row 9
        ]
    )
    report = do_import_tree(actor=admin, stream=stream)
    codes = {row.row: [problem.code for problem in row.problems] for row in report.rows}
    assert codes == {
        2: [ErrorCode.ORG_KIND_UNKNOWN],
        3: [ErrorCode.REGION_CODE_FORMAT],
        4: [ErrorCode.ORG_PARENT_UNKNOWN],
        5: [ErrorCode.ORG_PARENT_UNKNOWN],
        6: [ErrorCode.ORG_NAME_REQUIRED],
        7: [ErrorCode.AREA_CODE_FORMAT],
        8: [ErrorCode.CASE_NUMBER_PREFIX_TAKEN],
        9: [],
        10: [ErrorCode.IMPORT_DUPLICATE_ROW],
    }
    assert [row.row for row in report.rejected] == [2, 3, 4, 5, 6, 7, 8, 10]
    assert all(problem.message for row in report.rejected for problem in row.problems)
    assert "第3行未导入" in report.rows[3].problems[0].message
    assert "行政区划代码应为6位数字" in report.rows[1].problems[0].message
    assert Organisation.objects.count() == count_before + 1


def test_only_admins_import(tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    with pytest.raises(XinfangError) as raised:
        do_import_tree(actor=registrar, stream=workbook([]))
    assert raised.value.code == ErrorCode.NOT_ALLOWED


def test_file_problems_raise(tree: OrgTree) -> None:
    admin = make_user(tree.province, Role.ADMIN)
    with pytest.raises(XinfangError) as raised:
        do_import_tree(actor=admin, stream=BytesIO(b"not a workbook"))
    assert raised.value.code == ErrorCode.IMPORT_FILE_INVALID
    with pytest.raises(XinfangError) as raised:
        do_import_tree(actor=admin, stream=workbook([["x"]], headers=("名称", "类型")))
    assert raised.value.code == ErrorCode.IMPORT_COLUMNS_MISSING
    assert "上级" in str(raised.value)


def test_names_starting_with_formula_characters_stay_text(tree: OrgTree) -> None:
    Organisation.objects.create(
        name="=HYPERLINK(1)", kind=OrgKind.DEPARTMENT, region_code="330106", parent=tree.county
    )
    stream = BytesIO()
    export_tree(stream, tree.county)
    stream.seek(0)
    sheet = load_workbook(stream).worksheets[0]
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if str(row[0].value).startswith("="))
    assert cell.data_type == "s"
    assert cell.value == "=HYPERLINK(1)"


def test_commands_export_and_import(tree: OrgTree, tmp_path: Path) -> None:
    make_user(tree.province, Role.ADMIN, username="admin1")
    file_name = str(tmp_path / "tree.xlsx")
    out = StringIO()
    call_command("org-tree", "export", file_name, "--root", "浙江省/杭州市", stdout=out)
    assert "已导出 8 个单位" in out.getvalue()
    out = StringIO()
    call_command("org_tree", "import", file_name, "--user", "admin1", stdout=out)
    assert "新增 0，更新 0，无变化 8，未导入 0" in out.getvalue()


COUNTY_PATH = "浙江省 / 杭州市 / 西湖区"


def import_rows(actor: Any, rows: list[list[Any]]) -> dict[int, tuple[str, list[ErrorCode]]]:
    report = do_import_tree(actor=actor, stream=workbook(rows))
    return {row.row: (row.status, [problem.code for problem in row.problems]) for row in report.rows}


def test_a_village_admin_changes_nothing_outside_the_village(tree: OrgTree) -> None:
    admin = make_user(tree.village_a, Role.ADMIN)
    count_before = Organisation.objects.count()
    report = do_import_tree(
        actor=admin,
        stream=workbook(
            [
                ["西溪街道", "村/社区", COUNTY_PATH, "330106", "330106002", ""],  # 2: a sibling township
                ["杭州市", "市", "浙江省", "330199", "", ""],  # 3: the city above
                ["古荡街道", "乡镇/街道", COUNTY_PATH, "330106", "", ""],  # 4: new, parent outside
                ["浙江新区", "市", "", "330900", "", ""],  # 5: a new top-level unit
                ["宝石社区", "村/社区", COUNTY_PATH + " / 北山街道", "330106", "330106001009", ""],  # 6
                ["宝石社区综治办", "职能部门", COUNTY_PATH + " / 北山街道 / 宝石社区", "330106", "", ""],  # 7
            ]
        ),
    )
    codes = {row.row: [problem.code for problem in row.problems] for row in report.rows}
    assert codes == {
        2: [ErrorCode.ORG_OUT_OF_SCOPE],
        3: [ErrorCode.ORG_OUT_OF_SCOPE],
        4: [ErrorCode.ORG_OUT_OF_SCOPE],
        5: [ErrorCode.ORG_OUT_OF_SCOPE],
        6: [],
        7: [],
    }
    assert [(row.row, row.status) for row in report.rows[4:]] == [(6, "updated"), (7, "created")]
    message = report.rows[0].problems[0].message
    assert "不在您的管理范围内" in message and "浙江省 / 杭州市 / 西湖区 / 北山街道 / 宝石社区" in message
    assert "顶级单位" in report.rows[3].problems[0].message
    tree.township_b.refresh_from_db()
    tree.city.refresh_from_db()
    assert tree.township_b.kind == OrgKind.TOWNSHIP
    assert tree.city.region_code == "330100"
    assert not Organisation.objects.filter(name__in=["古荡街道", "浙江新区"]).exists()
    assert Organisation.objects.count() == count_before + 1
    tree.village_a.refresh_from_db()
    assert tree.village_a.area_code == "330106001009"  # the scope root itself may be updated


def test_a_county_admin_updates_townships_but_not_the_city(tree: OrgTree) -> None:
    # A bureau's admin answers for its county, as the county's admin does.
    for org, area_code in ((tree.county, "330106091"), (tree.bureau, "330106092")):
        admin = make_user(org, Role.ADMIN)
        codes = import_rows(
            admin,
            [
                ["西溪街道", "乡镇/街道", COUNTY_PATH, "330106", area_code, ""],
                ["杭州市", "市", "浙江省", "330199", "", ""],
            ],
        )
        assert codes == {2: ("updated", []), 3: ("rejected", [ErrorCode.ORG_OUT_OF_SCOPE])}
        tree.township_b.refresh_from_db()
        assert tree.township_b.area_code == area_code
    tree.city.refresh_from_db()
    assert tree.city.region_code == "330100"


def test_a_scoped_export_imports_back_unchanged(tree: OrgTree) -> None:
    admin = make_user(tree.county, Role.ADMIN)
    stream = BytesIO()
    export_tree(stream, tree.county)  # its first row is the county, under 浙江省 / 杭州市
    stream.seek(0)
    report = do_import_tree(actor=admin, stream=stream)
    assert {row.status for row in report.rows} == {"unchanged"}


def test_the_prefix_of_a_unit_that_issued_numbers_is_kept(tree: OrgTree) -> None:
    admin = make_user(tree.province, Role.ADMIN)
    case = register_case(make_user(tree.bureau, Role.REGISTRAR))
    bureau_prefix = tree.bureau.case_number_prefix
    assert bureau_prefix and case.number.startswith(bureau_prefix + "-")
    CaseNumberCounter.objects.create(organisation=tree.township_a, year=2024, last_seq=0)
    codes = import_rows(
        admin,
        [
            ["信访局", "信访局/信访办", COUNTY_PATH, "330106", "", "XF-XH"],  # 2: has cases
            ["北山街道", "乡镇/街道", COUNTY_PATH, "330106", "330106001", "XF-BS"],  # 3: has a counter
            ["西溪街道", "乡镇/街道", COUNTY_PATH, "330106", "330106002", "XF-XX"],  # 4: never numbered
            ["信访局", "信访局/信访办", COUNTY_PATH + " / 西溪街道", "330106", "", bureau_prefix],  # 5
        ],
    )
    assert codes == {
        2: ("rejected", [ErrorCode.CASE_NUMBER_PREFIX_LOCKED]),
        3: ("rejected", [ErrorCode.CASE_NUMBER_PREFIX_LOCKED]),
        4: ("updated", []),
        5: ("rejected", [ErrorCode.CASE_NUMBER_PREFIX_TAKEN]),
    }
    tree.bureau.refresh_from_db()
    tree.township_a.refresh_from_db()
    tree.township_b.refresh_from_db()
    assert tree.bureau.case_number_prefix == bureau_prefix
    assert tree.township_a.case_number_prefix != "XF-BS"
    assert tree.township_b.case_number_prefix == "XF-XX"


def test_a_prefix_found_in_case_numbers_goes_to_no_other_unit(tree: OrgTree) -> None:
    admin = make_user(tree.province, Role.ADMIN)
    case = register_case(make_user(tree.bureau, Role.REGISTRAR))
    old_prefix = tree.bureau.case_number_prefix
    assert old_prefix == "XF-330106"
    # A prefix changed before the rule existed: numbers XF-330106-… are out there, and the prefix is free.
    Organisation.objects.filter(pk=tree.bureau.pk).update(case_number_prefix="XF-330106-XH")
    codes = import_rows(
        admin,
        [
            ["西溪街道", "乡镇/街道", COUNTY_PATH, "330106", "330106002", old_prefix],  # 2
            ["双浦镇", "乡镇/街道", COUNTY_PATH, "330106", "", old_prefix],  # 3
            ["信访局", "信访局/信访办", COUNTY_PATH + " / 西溪街道", "330106", "", ""],  # 4: generated
            ["转塘街道", "乡镇/街道", COUNTY_PATH, "330106", "", "XF-330106-2025"],  # 5: not a full number
        ],
    )
    assert codes == {
        2: ("rejected", [ErrorCode.CASE_NUMBER_PREFIX_IN_NUMBERS]),
        3: ("rejected", [ErrorCode.CASE_NUMBER_PREFIX_IN_NUMBERS]),
        4: ("created", []),
        5: ("created", []),
    }
    new_bureau = Organisation.objects.get(name="信访局", parent=tree.township_b)
    assert new_bureau.case_number_prefix == f"XF-330106-{new_bureau.pk}"
    assert not Case.objects.exclude(pk=case.pk).exists()
    assert not Organisation.objects.filter(name="双浦镇").exists()
