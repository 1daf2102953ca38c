"""Whole journeys through the staff HTTP interface, each step by the person whose job it is."""

import io
import re
import zipfile
from datetime import timedelta
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.helpers import PNG_BYTES, registration_post
from tests.lifecycle_helpers import People, client_for, make_people, register_visit, step
from xinfang.cases.audit import verify_history
from xinfang.cases.models import Appeal, Case, CaseArchive, Rating
from xinfang.cases.states import Status
from xinfang.core.errors import XinfangError
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.deadlines.selectors import load_calendar
from xinfang.documents.models import CaseDocument
from xinfang.testing.factories import OrgTree


@pytest.fixture
def people(tree: OrgTree) -> People:
    return make_people(tree)


def document_text(document: CaseDocument) -> str:
    parsed = docx.Document(io.BytesIO(bytes(document.content)))
    return "\n".join(p.text for p in parsed.paragraphs) + "\n".join(
        cell.text for table in parsed.tables for row in table.rows for cell in row.cells
    )


def running(case: Case) -> set[str]:
    return set(
        Deadline.objects.filter(case=case).exclude(state=DeadlineState.CLOSED).values_list("kind", flat=True)
    )


REPLY: dict[str, Any] = {
    "request": "请求督促公司支付拖欠的工资",
    "facts_found": "经查，该公司确实拖欠工资三万元。",
    "reasons": "用人单位应当按时足额支付劳动报酬。",
    "decision": "责令该公司于30日内支付拖欠工资。",
    "legal_basis": "《保障农民工工资支付条例》第十五条",
}


def test_visit_transfer_accept_extend_reply_review_re_review_then_refused_again(
    people: People, tree: OrgTree
) -> None:
    case = register_visit(people, tree)
    assert case.status == Status.REGISTERED
    assert running(case) == {"route"}

    registrar = client_for(people.registrar)
    step(registrar, case, "transfer", target_org=tree.housing.pk, note="请依法办理")
    assert case.status == Status.ROUTED and case.responsible_org == tree.housing
    assert running(case) == {"acceptance_notice", "objection"}

    handler = client_for(people.housing_handler)
    step(handler, case, "accept", note="")
    assert case.status == Status.ACCEPTED
    handling = Deadline.objects.get(case=case, kind="handling")
    today = timezone.localdate()
    assert handling.due_on == load_calendar().due(today, 60, "calendar").due

    head = client_for(people.housing_head)
    # A handler may not extend: the unit head approves by doing it.
    response = handler.get(f"/cases/{case.pk}/steps/extend/")
    assert response.status_code == 403 and "E7002" in response.content.decode()
    step(head, case, "extend", days="30", reason="需会同人社部门调查核实")
    handling.refresh_from_db()
    assert case.status == Status.EXTENDED and handling.extended_days == 30
    assert handling.due_on == load_calendar().due(handling.statutory_due_on, 30, "calendar").due

    # The reply cannot go out without its five parts: all missing ones are listed, nothing is written.
    before = case.events.count()
    response = step(head, case, "reply", expect=400, request=REPLY["request"], reasons="x", review_notice="")
    body = response.content.decode()
    for label in ("查明事实", "处理意见", "法律政策依据", "复查告知"):
        assert label in body
    assert "E8" in body and case.events.count() == before and case.status == Status.EXTENDED
    page = head.get(f"/cases/{case.pk}/steps/reply/").content.decode()
    assert "复查请求" in page and "西湖区人民政府" in page  # the notice is offered filled in, naming where
    step(
        head,
        case,
        "reply",
        review_notice="如不服，可自收到本意见书之日起30日内向西湖区人民政府请求复查。",
        **REPLY,
    )
    assert case.status == Status.REPLIED
    reply = CaseDocument.objects.get(case=case, kind="reply")
    assert "责令该公司于30日内支付拖欠工资" in document_text(reply) and reply.number in document_text(reply)
    assert running(case) == {"review_request"}

    step(registrar, case, "rate", level="dissatisfied", comment="工资仍未到账", source="staff")
    assert Rating.objects.get(case=case).level == "dissatisfied" and case.status == Status.RATED

    step(registrar, case, "request_review", grounds="对处理意见不服")
    review = Appeal.objects.get(case=case, level="review")
    assert review.body == tree.county and case.status == Status.REVIEW_REQUESTED
    assert Deadline.objects.get(case=case, kind="review_decision").responsible_org == tree.county
    # The handling unit cannot decide its own review; the county (its bureau head) does.
    response = head.get(f"/cases/{case.pk}/steps/decide_review/")
    assert response.status_code == 403 and "E7003" in response.content.decode()
    bureau_head = client_for(people.bureau_head)
    step(
        bureau_head,
        case,
        "decide_review",
        outcome="维持",
        **REPLY,
        next_step_notice="可向杭州市人民政府请求复核。",
    )
    assert case.status == Status.REVIEW_DECIDED
    assert CaseDocument.objects.filter(case=case, kind="review_decision", issuing_org=tree.county).exists()

    step(registrar, case, "request_re_review", grounds="仍不服")
    assert Appeal.objects.get(case=case, level="re_review").body == tree.city
    city_head = client_for(people.city_head)
    step(city_head, case, "open_hearing", note="召开听证会")
    assert Deadline.objects.get(case=case, kind="rereview_decision").state == DeadlineState.PAUSED
    step(city_head, case, "close_hearing", note="")
    step(
        city_head,
        case,
        "decide_re_review",
        outcome="维持",
        **REPLY,
        next_step_notice="本复核意见为最终意见。",
    )
    assert case.status == Status.RE_REVIEW_DECIDED
    step(head, case, "conclude", note="复核维持")
    assert case.status == Status.CONCLUDED

    # The same person comes again about the same matter: refused with a reference to the final decision.
    again = register_visit(people, tree, token="visit-2")
    step(registrar, again, "refuse_again", final_case_number=case.number)
    assert again.status == Status.REFUSED_AFTER_RE_REVIEW and again.final_case == case
    refusal = CaseDocument.objects.get(case=again, kind="refusal_notice")
    re_review_doc = CaseDocument.objects.get(case=case, kind="re_review_decision")
    assert case.number in document_text(refusal) and re_review_doc.number in document_text(refusal)

    # Every step left its event and the chains verify.
    kinds = list(case.events.values_list("kind", flat=True))
    for code in (
        "transfer",
        "accept",
        "extend",
        "reply",
        "rate",
        "request_review",
        "decide_review",
        "request_re_review",
        "open_hearing",
        "close_hearing",
        "decide_re_review",
        "conclude",
    ):
        assert code in kinds
    assert verify_history().ok


def test_letter_assign_then_conclusion_report_and_archive(people: People, tree: OrgTree) -> None:
    case = register_visit(people, tree, channel="letter")
    registrar = client_for(people.registrar)
    due = timezone.localdate() + timedelta(days=20)
    # The assigning office must set the report date.
    response = step(registrar, case, "assign", expect=400, target_org=tree.housing.pk, note="")
    assert "办结报告报送期限" in response.content.decode() and case.status == Status.REGISTERED
    step(
        registrar,
        case,
        "assign",
        target_org=tree.housing.pk,
        note="请于期限内报送结果",
        report_due=due.isoformat(),
    )
    report = Deadline.objects.get(case=case, kind="assigned_report")
    assert report.due_on >= due and report.responsible_org == tree.housing
    slip = CaseDocument.objects.get(case=case, kind="assignment_slip")
    assert f"{due.year}年{due.month}月" in document_text(slip)

    handler = client_for(people.housing_handler)
    step(handler, case, "accept", note="")
    step(handler, case, "start_handling")
    head = client_for(people.housing_head)
    step(head, case, "report_assigned", result="已督促企业支付全部工资，信访人表示满意。")
    assert case.status == Status.CONCLUDED
    report.refresh_from_db()
    assert report.state == DeadlineState.CLOSED and report.met_on_time
    assert CaseDocument.objects.filter(case=case, kind="conclusion_report").exists()

    step(head, case, "archive")
    assert case.status == Status.ARCHIVED
    archive = CaseArchive.objects.get(case=case)
    response = head.get(f"/cases/{case.pk}/archive.zip")
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        names = zipped.namelist()
        index = zipped.read("目录.csv").decode("utf-8-sig")
        history = zipped.read("办理过程.json").decode()
    assert "目录.html" in names and "案件信息.json" in names and "期限.csv" in names
    assert sum(name.startswith("文书/") for name in names) == CaseDocument.objects.filter(case=case).count()
    assert all(name in index for name in names if not name.startswith("目录"))
    assert "report_assigned" in history
    assert archive.sha256 in case.events.order_by("-seq").first().data["sha256"]  # type: ignore[union-attr]
    # Archived means frozen: no step is offered, and none is accepted.
    assert 'data-step="' not in head.get(f"/cases/{case.pk}/").content.decode()
    response = head.get(f"/cases/{case.pk}/steps/conclude/")
    assert response.status_code == 409 and "E7001" in response.content.decode()


def test_accusation_goes_to_discipline_and_never_reaches_the_accused_unit(
    people: People, tree: OrgTree
) -> None:
    registrar = client_for(people.registrar)
    post = registration_post(
        tree.township_a,
        token="acc-1",
        category="accusation",
        title="举报北山街道某干部收受贿赂",
        request="请求查处北山街道干部受贿问题",
        accused="北山街道某干部",
        accused_org=str(tree.township_a.pk),
    )
    post["attachments"] = SimpleUploadedFile("evidence.png", PNG_BYTES, content_type="image/png")
    assert registrar.post("/register/", post).status_code == 302
    case = Case.objects.get(submission_token="acc-1")
    # Transferring an accusation to the accused unit is refused outright (Art.30).
    response = step(registrar, case, "transfer", expect=400, target_org=tree.township_a.pk, note="")
    assert "E7021" in response.content.decode() and case.status == Status.REGISTERED
    step(registrar, case, "send_to_discipline", note="请依纪依法处理")
    assert case.status == Status.SENT_TO_DISCIPLINE and case.responsible_org == tree.discipline
    discipline = client_for(people.discipline_handler)
    step(discipline, case, "accept", note="")
    assert case.status == Status.ACCEPTED

    documents = list(CaseDocument.objects.filter(case=case))
    slip = next(d for d in documents if d.kind == "transfer_slip")
    assert "李四" not in document_text(slip)  # the accuser's name is not on the slip
    attachment = case.attachments.get()

    accused = client_for(people.township_head)
    assert accused.get(f"/cases/{case.pk}/").status_code == 404
    ledger = accused.get("/ledger/").content.decode()
    assert case.number not in ledger and "受贿" not in ledger
    assert case.number not in accused.get("/ledger/", {"q": "受贿"}).content.decode()
    export = accused.get("/ledger/export.xlsx")
    assert case.number.encode() not in export.content
    for document in documents:
        assert accused.get(f"/documents/{document.pk}/download/").status_code == 404
    assert accused.get(f"/attachments/{attachment.pk}/").status_code == 404
    assert accused.get(f"/cases/{case.pk}/steps/accept/").status_code == 404
    # Discipline inspection itself sees it all.
    assert discipline.get(f"/cases/{case.pk}/").status_code == 200
    assert discipline.get(f"/documents/{slip.pk}/download/").status_code == 200


def test_a_step_refused_as_stale_keeps_the_text_and_can_be_sent_again(people: People, tree: OrgTree) -> None:
    case = register_visit(people, tree)
    registrar = client_for(people.registrar)
    step(registrar, case, "transfer", target_org=tree.housing.pk, note="")
    handler = client_for(people.housing_handler)
    page = handler.get(f"/cases/{case.pk}/steps/accept/").content.decode()
    seen = re.search(r'name="expected_seq" value="(\d+)"', page)
    assert seen
    # Meanwhile someone else acts on the case (here: the office records a note by objecting and re-routing).
    step(client_for(people.housing_head), case, "object", reason="不属本单位职责")
    step(registrar, case, "transfer", target_org=tree.housing.pk, note="再次转送")
    response = handler.post(
        f"/cases/{case.pk}/steps/accept/", {"expected_seq": seen.group(1), "note": "已核实"}
    )
    body = response.content.decode()
    assert response.status_code == 409 and "E7004" in body and "已核实" in body
    fresh = re.search(r'name="expected_seq" value="(\d+)"', body)
    assert fresh and fresh.group(1) != seen.group(1)
    response = handler.post(
        f"/cases/{case.pk}/steps/accept/", {"expected_seq": fresh.group(1), "note": "已核实"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED


def test_the_workbench_lists_what_each_unit_owes(people: People, tree: OrgTree) -> None:
    case = register_visit(people, tree)
    handler = client_for(people.housing_handler)

    def inbox(client: Any) -> str:
        page = client.get("/").content.decode()
        return page.split('id="unit-inbox"')[1].split("</table>")[0]

    assert case.number not in inbox(handler)
    step(client_for(people.registrar), case, "transfer", target_org=tree.housing.pk, note="")
    assert case.number in inbox(handler) and "已转送/交办" in inbox(handler)
    Case.objects.filter(pk=case.pk).update(status=Status.REVIEW_REQUESTED)
    Appeal.objects.create(
        case=case, level="review", body=tree.county, requested_on=timezone.localdate(), grounds="x"
    )
    assert case.number in inbox(client_for(people.bureau_head))  # the county decides the review
    assert case.number not in inbox(client_for(people.township_head))


def test_staff_issue_a_query_code_shown_once_and_the_petitioner_can_use_it(
    people: People, tree: OrgTree
) -> None:
    from xinfang.portal.actions import do_look_up_case

    case = register_visit(people, tree)
    registrar = client_for(people.registrar)
    response = registrar.post(f"/cases/{case.pk}/query-code/")
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    code = re.search(r'<div class="fs-4 font-monospace">([^<]+)</div>', body)
    assert code
    assert do_look_up_case(code=code.group(1), phone_last4="5678", ip_address="127.0.0.1").case_id == case.pk
    assert code.group(1) not in registrar.get(f"/cases/{case.pk}/").content.decode()  # shown once
    event = case.events.get(kind="query_code_issued")
    assert event.data == {} and event.actor == people.registrar
    # A new code replaces the old one.
    registrar.post(f"/cases/{case.pk}/query-code/")
    with pytest.raises(XinfangError):
        do_look_up_case(code=code.group(1), phone_last4="5678", ip_address="127.0.0.1")
