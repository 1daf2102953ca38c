"""The settings pages that import and export Excel, through HTTP."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from tests.helpers import EXE_BYTES
from xinfang.cases.models import Case
from xinfang.orgs.roles import Role
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_id_number, make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_upload(rows: list[list[object]], name: str = "ledger.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


LEDGER_HEADERS: list[object] = [
    "收到日期",
    "信访形式",
    "姓名",
    "身份证号",
    "联系电话",
    "问题发生地",
    "问题性质",
    "内容分类",
    "标题",
    "诉求",
]


def test_ledger_import_page_reports_every_row(client: Client, tree: OrgTree) -> None:
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    client.login(username="reg", password=TEST_PASSWORD)
    assert client.get("/settings/ledger-import/").status_code == 200
    template = client.get("/settings/ledger-import/template.xlsx")
    assert template["Content-Type"] == XLSX
    assert load_workbook(BytesIO(template.content)).active is not None

    good: list[object] = [
        "2025-03-04",
        "来访",
        "赵六",
        make_id_number(seq=77),
        "13911112222",
        "北山街道",
        "申诉求决类",
        "工资发放",
        "讨薪",
        "请求支付工资",
    ]
    bad: list[object] = [
        "2025-03-05",
        "来访",
        "钱七",
        "330106198001011234",
        "13911113333",
        "北山街道",
        "申诉求决类",
        "工资发放",
        "讨薪",
        "请求支付工资",
    ]
    response = client.post("/settings/ledger-import/", {"file": xlsx_upload([LEDGER_HEADERS, good, bad])})
    body = response.content.decode()
    assert response.status_code == 200
    assert "导入 1 行" in body, body[body.find("<main") :][:3000]
    assert "拒绝 1 行" in body and "E1002" in body
    assert Case.objects.filter(imported=True).count() == 1

    again = client.post("/settings/ledger-import/", {"file": xlsx_upload([LEDGER_HEADERS, good])})
    assert "已存在 1 行" in again.content.decode()
    assert Case.objects.count() == 1


def test_ledger_import_refuses_a_disguised_file(client: Client, tree: OrgTree) -> None:
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    client.login(username="reg", password=TEST_PASSWORD)
    fake = SimpleUploadedFile("ledger.xlsx", EXE_BYTES, content_type=XLSX)
    response = client.post("/settings/ledger-import/", {"file": fake})
    assert response.status_code == 400 and "E3003" in response.content.decode()


def test_org_tree_page_is_for_admins(client: Client, tree: OrgTree) -> None:
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    make_user(tree.province, Role.ADMIN, "admin")
    client.login(username="reg", password=TEST_PASSWORD)
    assert client.get("/settings/org-tree/").status_code == 403
    assert client.get("/settings/org-tree/export.xlsx").status_code == 403

    client.login(username="admin", password=TEST_PASSWORD)
    exported = client.get("/settings/org-tree/export.xlsx")
    assert exported["Content-Type"] == XLSX
    upload = SimpleUploadedFile("tree.xlsx", exported.content, content_type=XLSX)
    response = client.post("/settings/org-tree/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200 and "新建 0 个" in body and "拒绝 0 行" in body


def test_anonymous_with_identity_is_not_dropped_silently(client: Client, tree: OrgTree) -> None:
    from tests.helpers import registration_post

    make_user(tree.bureau, Role.REGISTRAR, "reg")
    client.login(username="reg", password=TEST_PASSWORD)
    person = {"role": "principal", "is_anonymous": "on", "name": "孙八", "phones": "13900001111"}
    data = registration_post(tree.township_a, category="accusation", petitioners=[person])
    response = client.post("/register/", data)
    assert response.status_code == 400 and "E2014" in response.content.decode()
    assert "孙八" in response.content.decode()
