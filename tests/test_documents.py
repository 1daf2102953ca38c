"""Documents (文书) as .docx: every kind issues, numbers are gapless, a reply without its
required parts writes nothing, templates are uploaded in the admin, placeholders split
by Word are filled, an accuser is never named to another body, and downloads go
through the case access rules."""

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.shared import Pt

from xinfang.cases.actions.register import PartyInput
from xinfang.cases.events import EventKind
from xinfang.cases.models import Case, CaseEvent, Category
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.actions import do_issue_document
from xinfang.documents.defaults import default_template
from xinfang.documents.kinds import BY_KIND, Addressee, DocumentKind, check_document_fields
from xinfang.documents.models import BUILT_IN, CaseDocument, DocumentNumberCounter, DocumentTemplate
from xinfang.documents.numbering import next_document_number
from xinfang.documents.render import DOCX_CONTENT_TYPE, render_docx
from xinfang.orgs.models import User
from xinfang.orgs.roles import Role
from xinfang.people.actions import PetitionerInput
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_id_number, make_user, register_case

BODY = "西湖区住建局"
SAMPLES: dict[str, dict[str, str]] = {
    "acceptance_notice": {"handling_org": "西湖区住房和城乡建设局"},
    "rejection_notice": {"reason": "该诉求属于劳动争议", "correct_route": "向劳动人事争议仲裁委员会申请仲裁"},
    "refusal_notice": {"final_decision_ref": "杭州市信访局复核〔2025〕12号复核意见书"},
    "transfer_slip": {"requirements": "请依法处理并告知信访人"},
    "assignment_slip": {"report_due_date": "2026-05-06", "requirements": "请核实工资发放情况"},
    "reminder": {"demand": "该事项已超期未办结", "answer_by_date": "2026/5/7"},
    "supervision_notice": {"problems": "办理拖延", "demand": "请立即核查", "answer_by_date": "2026年5月8日"},
    "extension_notice": {"reason": "需要调取多个部门的材料", "new_due_date": "2026-05-09"},
    "reply": {
        "request": "请求支付拖欠工资三万元",
        "facts_found": "经查，该公司拖欠工资属实",
        "reasons": "用人单位应当按时足额支付工资",
        "decision": "责令该公司十日内支付",
        "legal_basis": "《保障农民工工资支付条例》第十五条",
        "review_notice": "如不服，可于30日内向西湖区人民政府请求复查",
    },
    "review_decision": {
        "request": "请求撤销原处理意见",
        "facts_found": "复查查明原处理意见认定事实清楚",
        "decision": "维持原处理意见",
        "legal_basis": "《信访工作条例》第三十五条",
        "re_review_notice": "如不服，可于30日内向杭州市人民政府请求复核",
    },
    "re_review_decision": {
        "request": "请求撤销复查意见",
        "facts_found": "复核查明复查意见正确",
        "decision": "维持复查意见",
        "legal_basis": "《信访工作条例》第三十六条",
    },
    "conclusion_report": {"process": "约谈公司负责人", "result": "已督促公司支付全部工资"},
}
PRINTED_DATES = {"2026-05-06": "2026年5月6日", "2026/5/7": "2026年5月7日", "2026-05-09": "2026年5月9日"}
REPLY_REQUIRED = ("request", "facts_found", "decision", "legal_basis", "review_notice")


def docx_text(content: bytes) -> str:
    """All text of a .docx, paragraph by paragraph: body, tables, headers and footers."""
    document = docx.Document(io.BytesIO(content))
    lines = []
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart) and part.element.tag in {qn("w:document"), qn("w:hdr"), qn("w:ftr")}:
            for paragraph in part.element.iter(qn("w:p")):
                lines.append("".join(run.text for run in paragraph.iter(qn("w:r"))))
    return "\n".join(lines)


def addressee_for(kind: str) -> str:
    return BODY if BY_KIND[kind].addressed_to == Addressee.BODY else ""


@pytest.fixture
def head(tree: OrgTree) -> User:
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    return make_user(tree.bureau, Role.UNIT_HEAD, "head")


@pytest.fixture
def case(tree: OrgTree, head: User) -> Case:
    return register_case(User.objects.get(username="reg"), tree.township_a)


def issue(head: User, case: Case, kind: str, **changes: str) -> CaseDocument:
    return do_issue_document(
        actor=head, case=case, kind=kind, fields={**SAMPLES[kind], **changes}, addressee=addressee_for(kind)
    )


# -- every kind ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_kind_issues_and_downloads(client: Client, head: User, case: Case, kind: str) -> None:
    document = issue(head, case, kind)
    year = timezone.localdate().year
    assert document.number == f"西湖区信访局{BY_KIND[kind].abbreviation}〔{year}〕1号"
    assert document.template_source == BUILT_IN

    client.login(username="reg", password=TEST_PASSWORD)
    response = client.get(f"/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the Chinese number, encoded
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    text = docx_text(content)

    assert document.number in text and case.number in text
    assert "西湖区信访局" in text and f"{year}年" in text
    for value in SAMPLES[kind].values():
        assert PRINTED_DATES.get(value, value) in text
    assert "张三" in text  # the addressee of a notice; a row of a slip's table
    assert "{{" not in text and "}}" not in text
    assert "13800138000" not in text and make_id_number()[:6] + "19800101" not in text

    event = CaseEvent.objects.get(case=case, kind=EventKind.DOCUMENT_ISSUED)
    assert event.data == {
        "document": document.pk,
        "kind": kind,
        "number": document.number,
        "sha256": document.sha256,
    }


def test_dates_in_chinese_and_a_bad_date_refused(head: User, case: Case) -> None:
    document = issue(head, case, "extension_notice")
    assert "延长至2026年5月9日" in docx_text(bytes(document.content))
    with pytest.raises(XinfangError) as caught:
        issue(head, case, "extension_notice", new_due_date="下个月")
    assert caught.value.code == ErrorCode.DOCUMENT_DATE_FORMAT and caught.value.field == "new_due_date"


# -- the reply's required parts --------------------------------------------------------------


@pytest.mark.parametrize("blank", REPLY_REQUIRED)
def test_reply_missing_a_part_writes_nothing(head: User, case: Case, blank: str) -> None:
    events_before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(XinfangError) as caught:
        issue(head, case, "reply", **{blank: "  \n "})
    assert caught.value.code == ErrorCode.DOCUMENT_FIELD_REQUIRED
    assert caught.value.field == blank
    assert f"「{BY_KIND['reply'].fields[blank]}」" in str(caught.value)
    assert not CaseDocument.objects.exists()
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert not DocumentNumberCounter.objects.exists()
    # The next reply gets number 1: the refusal used none.
    assert issue(head, case, "reply").number.endswith("〕1号")


def test_check_lists_every_missing_part() -> None:
    problems = check_document_fields("reply", {"reasons": "只有理由"})
    assert [problem.field for problem in problems] == list(REPLY_REQUIRED)
    assert all(problem.code == ErrorCode.DOCUMENT_FIELD_REQUIRED for problem in problems)
    assert "「查明事实」" in str(problems[1])
    assert check_document_fields("reply", SAMPLES["reply"]) == []
    with pytest.raises(XinfangError, match="E8002"):
        check_document_fields("memo", {})


# -- numbering -------------------------------------------------------------------------------


def test_numbers_are_sequential_per_org_kind_and_year(tree: OrgTree, head: User, case: Case) -> None:
    year = timezone.localdate().year
    numbers = [issue(head, case, "acceptance_notice").number for _ in range(3)]
    assert numbers == [f"西湖区信访局受告〔{year}〕{seq}号" for seq in (1, 2, 3)]
    assert issue(head, case, "extension_notice").number == f"西湖区信访局延告〔{year}〕1号"
    township_head = make_user(tree.township_a, Role.UNIT_HEAD)
    other = do_issue_document(
        actor=township_head, case=case, kind="acceptance_notice", fields=SAMPLES["acceptance_notice"]
    )
    assert other.number == f"北山街道受告〔{year}〕1号"
    with transaction.atomic():
        assert next_document_number(tree.bureau, "acceptance_notice", year + 1).endswith(f"〔{year + 1}〕1号")
        assert next_document_number(tree.bureau, "acceptance_notice", year).endswith(f"〔{year}〕4号")


# -- rendering -------------------------------------------------------------------------------


def test_placeholders_split_across_runs_are_filled() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    first = paragraph.add_run("编号：{{case")
    first.italic = True
    paragraph.add_run("_num").bold = True
    paragraph.add_run("ber}}。后")
    paragraph.add_run("文{")
    paragraph.add_run("{ title }}")
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].add_run("{{req")
    cell.paragraphs[0].add_run("uest}}")
    document.sections[0].header.paragraphs[0].text = "{{document_number}}"
    footer = document.sections[0].footer.paragraphs[0]
    footer.add_run("{{issuing")
    footer.add_run("_org}} {{unknown}}")
    out = io.BytesIO()
    document.save(out)

    values = {"case_number": "XF-1", "title": "标题", "request": "诉求", "document_number": "受告〔2026〕1号"}
    filled = render_docx(out.getvalue(), {**values, "issuing_org": "西湖区信访局"})
    text = docx_text(filled)
    assert "编号：XF-1。后文标题" in text
    assert "诉求" in text and "受告〔2026〕1号" in text
    assert "西湖区信访局 {{unknown}}" in text  # a name without a value is left as written
    reopened = docx.Document(io.BytesIO(filled))
    runs = reopened.paragraphs[0].runs
    assert runs[0].text == "编号：XF-1" and runs[0].italic  # the first run's formatting is kept
    assert runs[2].text == "。后"


def test_values_with_markup_and_line_breaks() -> None:
    document = docx.Document()
    document.add_paragraph("诉求：{{request}}")
    document.add_paragraph("{{facts_found}}").paragraph_format.first_line_indent = Pt(32)
    out = io.BytesIO()
    document.save(out)
    filled = render_docx(
        out.getvalue(),
        {"request": "a < b & \"c\" 'd' </w:t>\r\n第二行\x01", "facts_found": "第一段\n第二段"},
    )
    reopened = docx.Document(io.BytesIO(filled))
    texts = [paragraph.text for paragraph in reopened.paragraphs]
    # Inside a sentence: a line break; a paragraph of its own: one paragraph per line, same indent.
    assert texts == ["诉求：a < b & \"c\" 'd' </w:t>\n第二行", "第一段", "第二段"]
    assert reopened.paragraphs[2].paragraph_format.first_line_indent == Pt(32)
    xml = zipfile.ZipFile(io.BytesIO(filled)).read("word/document.xml").decode()
    assert "a &lt; b &amp;" in xml and "<w:br/>" in xml


# -- confidentiality (条例 Art.30) and personal data -----------------------------------------


@pytest.fixture
def accusation(tree: OrgTree, head: User) -> Case:
    accuser = PetitionerInput(
        name="李检举", id_number=make_id_number(seq=777), phones=["13912345678"], address="杭州市某路1号"
    )
    return register_case(
        User.objects.get(username="reg"),
        tree.township_a,
        category=Category.ACCUSATION,
        accused_org=tree.housing,
        title="李检举举报住建局某科长收受好处",
        request="请求调查处理，李检举联系电话13912345678",
        parties=[PartyInput(accuser)],
    )


def test_accusation_slip_never_names_the_accuser(head: User, accusation: Case) -> None:
    slip = do_issue_document(
        actor=head,
        case=accusation,
        kind="transfer_slip",
        fields={"requirements": "请依规依纪依法处理"},
        addressee="西湖区纪委监委",
    )
    text = docx_text(bytes(slip.content))
    assert "李检举" not in text and "13912345678" not in text and "777" not in text
    assert "（检举人信息依规保密）" in text
    assert "检举人举报住建局某科长收受好处" in text
    # The notice to the accuser names them: it goes to them.
    notice = do_issue_document(
        actor=head, case=accusation, kind="acceptance_notice", fields={"handling_org": "西湖区纪委监委"}
    )
    assert "李检举：" in docx_text(bytes(notice.content))


def test_typed_text_may_not_name_the_accuser_or_carry_numbers(head: User, accusation: Case) -> None:
    with pytest.raises(XinfangError) as caught:
        do_issue_document(
            actor=head,
            case=accusation,
            kind="transfer_slip",
            fields={"requirements": "请向李检举核实"},
            addressee="西湖区纪委监委",
        )
    assert caught.value.code == ErrorCode.DOCUMENT_NAMES_ACCUSER and caught.value.field == "requirements"
    for number in (make_id_number(seq=5), "13912345678", "0571-87654321"):
        with pytest.raises(XinfangError) as caught:
            issue(head, accusation, "acceptance_notice", notes=f"联系方式：{number}")
        assert caught.value.code == ErrorCode.DOCUMENT_PERSONAL_DATA and caught.value.field == "notes"
    with pytest.raises(XinfangError, match="E8003"):
        do_issue_document(actor=head, case=accusation, kind="transfer_slip", fields={})
    assert not CaseDocument.objects.exists()


# -- access ----------------------------------------------------------------------------------


def test_download_goes_through_case_access(client: Client, tree: OrgTree, head: User, case: Case) -> None:
    document = issue(head, case, "acceptance_notice")
    make_user(tree.township_b, Role.UNIT_HEAD, "head_b")
    client.login(username="head_b", password=TEST_PASSWORD)
    refused = client.get(f"/documents/{document.pk}/download/")
    missing = client.get(f"/documents/{document.pk + 1000}/download/")
    assert refused.status_code == missing.status_code == 404
    assert "E4001" in refused.content.decode() and "E4001" in missing.content.decode()
    client.logout()
    assert client.get(f"/documents/{document.pk}/download/").status_code == 302  # to the login page


def test_accused_unit_cannot_download(
    client: Client, tree: OrgTree, head: User, case: Case, accusation: Case
) -> None:
    secret = issue(head, accusation, "acceptance_notice")
    ordinary = issue(head, case, "acceptance_notice")
    # Even as the responsible unit, the accused unit never reaches the accusation.
    Case.objects.filter(pk__in=[case.pk, accusation.pk]).update(responsible_org=tree.housing)
    make_user(tree.housing, Role.UNIT_HEAD, "housing_head")
    client.login(username="housing_head", password=TEST_PASSWORD)
    assert client.get(f"/documents/{ordinary.pk}/download/").status_code == 200
    response = client.get(f"/documents/{secret.pk}/download/")
    assert response.status_code == 404 and "E4001" in response.content.decode()


# -- templates in the admin ------------------------------------------------------------------


@pytest.fixture
def admin_client(client: Client, tree: OrgTree) -> Client:
    admin = make_user(tree.province, Role.ADMIN, "root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def upload(client: Client, kind: str, content: bytes, name: str = "模板.docx") -> str:
    response = client.post(
        "/admin/documents/documenttemplate/add/",
        {"kind": kind, "active": "on", "upload": _named(content, name)},
    )
    assert response.status_code in {200, 302}
    return response.content.decode() if response.status_code == 200 else ""


def _named(content: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def test_admin_uploads_a_template_that_is_then_used(admin_client: Client, head: User, case: Case) -> None:
    page = admin_client.get("/admin/documents/documenttemplate/add/").content.decode()
    assert "/admin/documents/documenttemplate/default/reply/" in page and "{{review_notice}}" in page
    response = admin_client.get("/admin/documents/documenttemplate/default/reply/")
    assert response.status_code == 200
    built_in = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    edited = docx.Document(io.BytesIO(built_in))
    edited.add_paragraph("（本机关模板：联系人{{issuing_org}}信访科）")
    out = io.BytesIO()
    edited.save(out)

    assert upload(admin_client, "reply", out.getvalue()) == ""
    template = DocumentTemplate.objects.get()
    assert template.active and template.original_name == "模板.docx"
    assert template.uploaded_by.username == "root"

    document = issue(head, case, "reply")
    assert document.template_source == str(template.pk)
    assert "（本机关模板：联系人西湖区信访局信访科）" in docx_text(bytes(document.content))
    # Other kinds keep the built-in template.
    assert issue(head, case, "acceptance_notice").template_source == BUILT_IN

    # A second upload of the kind takes over; the first is kept, inactive.
    assert upload(admin_client, "reply", built_in) == ""
    assert list(DocumentTemplate.objects.order_by("pk").values_list("active", flat=True)) == [False, True]
    assert admin_client.get(f"/admin/documents/documenttemplate/{template.pk}/download/").status_code == 200


def test_admin_upload_refuses_what_is_not_a_docx(admin_client: Client) -> None:
    assert "E8007" in upload(admin_client, "reply", b"%PDF-1.4 not a word file")
    no_document = io.BytesIO()
    with zipfile.ZipFile(no_document, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "E8007" in upload(admin_client, "reply", no_document.getvalue())
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "not xml")
    assert "E8007" in upload(admin_client, "reply", broken.getvalue())
    assert (
        "请选择要上传的 .docx 模板文件"
        in admin_client.post(
            "/admin/documents/documenttemplate/add/", {"kind": "reply", "active": "on"}
        ).content.decode()
    )
    assert not DocumentTemplate.objects.exists()


def test_admin_upload_refuses_unknown_placeholders(admin_client: Client) -> None:
    edited = docx.Document(io.BytesIO(default_template("transfer_slip")))
    edited.add_paragraph("联系电话：{{petitioner_phone}}；{{case_number}")
    out = io.BytesIO()
    edited.save(out)
    page = upload(admin_client, "transfer_slip", out.getvalue())
    assert "E8009" in page and "{{petitioner_phone}}" in page and "{{case_number}" in page
    # The reply's fields are not the transfer slip's.
    reply_only = docx.Document(io.BytesIO(default_template("transfer_slip")))
    reply_only.add_paragraph("{{review_notice}}")
    out = io.BytesIO()
    reply_only.save(out)
    assert "{{review_notice}}" in upload(admin_client, "transfer_slip", out.getvalue())
    assert not DocumentTemplate.objects.exists()


# -- PDF through LibreOffice -----------------------------------------------------------------


@pytest.mark.slow
def test_every_kind_converts_to_pdf(tmp_path: Path, head: User, case: Case) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    paths = []
    for kind in DocumentKind:
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(bytes(issue(head, case, kind).content))
        paths.append(str(path))
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"  # apart from any other soffice
    command = [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *paths]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    for kind in DocumentKind:
        pdf = tmp_path / f"{kind}.pdf"
        assert pdf.exists(), f"{kind} did not convert"
        assert pdf.read_bytes().startswith(b"%PDF")
