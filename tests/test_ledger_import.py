import hashlib
import json
from datetime import date, datetime, timedelta
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from xinfang.cases import search
from xinfang.cases.access import cases_visible_to
from xinfang.cases.actions.import_ledger import (
    do_import_ledger,
    submission_token,
    write_ledger_template,
    write_report,
)
from xinfang.cases.events import EventKind
from xinfang.cases.models import Case, PartyRole
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.models import User
from xinfang.orgs.roles import Role
from xinfang.testing.factories import OrgTree, make_id_number, make_user

HEADERS = [
    " 编号 ",
    "收到日期",
    "信访形式",
    "姓名",
    "身份证号",
    "联系电话",
    "住址",
    "人数",
    "问题发生地",
    "详细地点",
    "被反映人/单位",
    "问题性质",
    "内容分类",
    "标题",
    "反映内容/事实与理由",
    "诉求",
    "备注",
]
TOPIC = "城乡建设 › 住房保障与房地产 › 物业服务"


def ledger_row(**values: Any) -> list[Any]:
    row = {
        "编号": "2024-001",
        "收到日期": date(2024, 3, 4),
        "信访形式": "来访",
        "姓名": "李四",
        "身份证号": make_id_number(seq=501),
        "联系电话": "13900139000",
        "住址": "杭州市西湖区文一路1号",
        "人数": 1,
        "问题发生地": "北山街道",
        "详细地点": "文一路1号小区",
        "被反映人/单位": "某物业公司",
        "问题性质": "申诉求决类",
        "内容分类": TOPIC,
        "标题": "",
        "反映内容/事实与理由": "小区电梯损坏两个月无人维修",
        "诉求": "请求督促物业公司维修电梯",
        "备注": "旧台账",
    }
    row.update(values)
    return [row[header.strip()] for header in HEADERS]


def workbook(rows: list[list[Any]], headers: list[str] = HEADERS) -> BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


@pytest.fixture
def registrar(tree: OrgTree) -> User:
    return make_user(tree.bureau, Role.REGISTRAR, username="ledger_registrar")


def mixed_rows() -> list[list[Any]]:
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    return [
        ledger_row(),  # 2: good, date cell
        ledger_row(
            **{
                "编号": "2024-002",
                "收到日期": "2024/3/5",
                "信访形式": "走访",
                "姓名": "王五",
                "身份证号": "",
                "联系电话": "0571-87654321；13700137000",
                "人数": 6,
                "问题发生地": "浙江省 / 杭州市 / 西湖区 / 西溪街道",
                "诉求": "要求解决征地补偿款发放问题",
                "问题性质": "求决",
                "内容分类": TOPIC.replace(" › ", "/"),
            }
        ),
        ledger_row(**{"编号": "2024-003", "身份证号": "330106198001011230"}),  # 4: bad checksum
        ledger_row(**{"编号": "2024-004", "联系电话": "12345"}),  # 5: bad phone
        ledger_row(**{"编号": "2024-005", "收到日期": future}),  # 6: future
        ledger_row(
            **{"编号": "2024-006", "内容分类": "不存在的分类", "问题发生地": "余杭区"}
        ),  # 7: two problems
        ledger_row(**{"编号": "2024-007", "诉求": "  "}),  # 8: empty request
        ledger_row(
            **{
                "编号": "2024-008",
                "问题性质": "检举",
                "姓名": "匿名",
                "身份证号": "",
                "联系电话": "",
                "住址": "",
                "人数": 8,
            }
        ),  # 9: collective visit with nobody to represent it
        ledger_row(
            **{
                "编号": "2024-009",
                "收到日期": "2024年3月6日",
                "信访形式": "网信",
                "姓名": "赵六",
                "身份证号": "",
                "诉求": "反映噪音扰民，要求整改",
            }
        ),  # 10: good, text date
        ledger_row(**{"编号": "2024-010", "信访形式": "飞鸽传书"}),  # 11: unknown channel
    ]


def test_good_and_bad_rows_in_one_file(tree: OrgTree, registrar: User) -> None:
    report = do_import_ledger(actor=registrar, stream=workbook(mixed_rows()), source="old.xlsx")
    assert report.imported == 3
    assert report.ignored_columns == ["备注"]
    codes = {row.row: [problem.code for problem in row.problems] for row in report.rejected}
    assert codes == {
        4: [ErrorCode.ID_NUMBER_CHECKSUM],
        5: [ErrorCode.PHONE_FORMAT],
        6: [ErrorCode.RECEIVED_IN_FUTURE],
        7: [ErrorCode.TOPIC_UNKNOWN, ErrorCode.REGION_UNKNOWN],
        8: [ErrorCode.REQUEST_REQUIRED],
        9: [ErrorCode.COLLECTIVE_NEEDS_REPRESENTATIVES],
        11: [ErrorCode.CHANNEL_UNKNOWN],
    }
    for row in report.rejected:
        for problem in row.problems:
            assert problem.message.endswith(f"[{problem.code.value}]") and len(problem.message) > 10
    assert "不在您的辖区内" in report.rows[5].problems[1].message

    cases = {case.source_reference: case for case in Case.objects.all()}
    assert set(cases) == {"2024-001", "2024-002", "2024-009"}
    first = cases["2024-001"]
    assert first.imported
    assert first.receiving_org == tree.bureau
    assert first.place_region == tree.township_a
    assert first.title == "请求督促物业公司维修电梯"  # no title: the request's first 30 characters
    assert timezone.localtime(first.received_at).replace(tzinfo=None) == datetime(2024, 3, 4)
    assert [event.kind for event in first.events.all()] == [EventKind.REGISTERED, EventKind.IMPORTED]
    assert first.events.get(kind=EventKind.IMPORTED).data["row"] == 2
    assert first.events.get(kind=EventKind.IMPORTED).data["source"] == "old.xlsx"

    collective = cases["2024-002"]
    assert collective.is_collective and collective.head_count == 6
    assert collective.channel == "visit" and collective.category == "appeal"
    assert collective.place_region == tree.township_b
    party = collective.parties.get()
    assert party.role == PartyRole.REPRESENTATIVE
    assert sorted(party.petitioner.phone_masks) == ["0571-****4321", "137****7000"]
    assert cases["2024-009"].channel == "web"


def test_reimport_creates_no_duplicates(tree: OrgTree, registrar: User) -> None:
    first = do_import_ledger(actor=registrar, stream=workbook(mixed_rows()))
    again = do_import_ledger(actor=registrar, stream=workbook(mixed_rows()))
    assert Case.objects.count() == 3
    assert again.imported == 0 and again.existing == 3
    assert {row.case_number for row in again.rows if row.status == "existing"} == {
        row.case_number for row in first.rows if row.status == "imported"
    }
    assert len(again.rejected) == len(first.rejected)


def test_same_row_twice_in_one_file_is_one_case(tree: OrgTree, registrar: User) -> None:
    report = do_import_ledger(actor=registrar, stream=workbook([ledger_row(), ledger_row()]))
    assert [row.status for row in report.rows] == ["imported", "existing"]
    assert report.rows[0].case_number == report.rows[1].case_number


def test_imported_cases_are_searchable_and_in_scope(tree: OrgTree, registrar: User) -> None:
    do_import_ledger(actor=registrar, stream=workbook(mixed_rows()))
    found = search.filter_by_text(cases_visible_to(registrar), "征地补偿")
    assert [case.source_reference for case in found] == ["2024-002"]
    township_user = make_user(tree.township_b, Role.HANDLER)
    assert not cases_visible_to(township_user).exists()  # registered by the county bureau, not the township


def test_regions_outside_the_importers_scope_are_rejected(tree: OrgTree) -> None:
    township_registrar = make_user(tree.township_a, Role.REGISTRAR)
    report = do_import_ledger(actor=township_registrar, stream=workbook([ledger_row(问题发生地="西溪街道")]))
    assert [problem.code for problem in report.rejected[0].problems] == [ErrorCode.REGION_UNKNOWN]


def test_ambiguous_topic_names_ask_for_the_full_path(tree: OrgTree, registrar: User) -> None:
    report = do_import_ledger(actor=registrar, stream=workbook([ledger_row(内容分类="其他")]))
    problem = report.rejected[0].problems[0]
    assert problem.code == ErrorCode.TOPIC_UNKNOWN
    assert "一级 › 二级 › 三级" in problem.message


def test_headers_are_order_free_and_required_ones_checked(tree: OrgTree, registrar: User) -> None:
    order = list(reversed(HEADERS))
    row = list(reversed(ledger_row()))
    report = do_import_ledger(actor=registrar, stream=workbook([row], headers=order))
    assert report.imported == 1
    with pytest.raises(XinfangError) as raised:
        do_import_ledger(actor=registrar, stream=workbook([["x"]], headers=["姓名"]))
    assert raised.value.code == ErrorCode.IMPORT_COLUMNS_MISSING


def test_roles(tree: OrgTree) -> None:
    for role, code in (
        (Role.LEADER, ErrorCode.NOT_ALLOWED),
        (Role.ADMIN, ErrorCode.NOT_ALLOWED),
    ):
        with pytest.raises(XinfangError) as raised:
            do_import_ledger(actor=make_user(tree.bureau, role), stream=workbook([ledger_row()]))
        assert raised.value.code == code


def test_report_workbook_lists_every_row(tree: OrgTree, registrar: User) -> None:
    report = do_import_ledger(actor=registrar, stream=workbook(mixed_rows()))
    out = BytesIO()
    write_report(out, report)
    out.seek(0)
    rows = list(load_workbook(out)["导入结果"].iter_rows(values_only=True))
    assert rows[0] == ("行号", "结果", "信访件编号", "原编号", "错误代码", "原因")
    assert [row[0] for row in rows[1:]] == list(range(2, 12))
    assert rows[3][1] == "未导入" and rows[3][4] == "E1002" and "校验位" in str(rows[3][5])
    assert rows[1][1] == "已导入" and str(rows[1][2]).startswith("XF-330106-2024-")


def test_template_imports_cleanly(tree: OrgTree, registrar: User) -> None:
    template = BytesIO()
    write_ledger_template(template)
    template.seek(0)
    report = do_import_ledger(actor=registrar, stream=template)
    assert report.imported == 1, report.rows


def test_command(tree: OrgTree, registrar: User, tmp_path: Path) -> None:
    file_name = tmp_path / "ledger.xlsx"
    file_name.write_bytes(workbook(mixed_rows()).getvalue())
    out = StringIO()
    call_command(
        "ledger-import",
        str(file_name),
        "--user",
        registrar.username,
        "--report",
        str(tmp_path / "report.xlsx"),
        stdout=out,
    )
    text = out.getvalue()
    assert "已导入 3，此前已导入 0，未导入 7" in text
    assert "第4行：身份证号：身份证号码校验位不正确" in text
    assert "备注" in text
    assert (tmp_path / "report.xlsx").exists()


def test_submission_token_is_keyed(tree: OrgTree, registrar: User) -> None:
    do_import_ledger(actor=registrar, stream=workbook([ledger_row()]))
    case = Case.objects.get()
    assert case.submission_token and case.submission_token.startswith("ledger-")
    assert len(case.submission_token) == 64
    fingerprint = {"id_number": make_id_number(seq=501), "phones": ["13900139000"]}
    token = submission_token(tree.bureau.pk, fingerprint)
    payload = json.dumps([tree.bureau.pk, fingerprint], ensure_ascii=False, sort_keys=True)
    # Without the server's secret, hashing a guess of the row does not give the stored token.
    assert token != "ledger-" + hashlib.sha256(payload.encode()).hexdigest()[:57]
    with override_settings(FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode()):
        assert submission_token(tree.bureau.pk, fingerprint) != token
    assert submission_token(tree.bureau.pk, fingerprint) == token
    # Re-importing still finds the case it made.
    report = do_import_ledger(actor=registrar, stream=workbook([ledger_row()]))
    assert [(row.status, row.case_number) for row in report.rows] == [("existing", case.number)]
