"""The citizens' portal through the HTTP interface a citizen uses: submit, receipt, track, rate, ask
for review; the protections (captcha, throttled lookups, one case per session, uploads) and the
public weekly figures. The staff side moves cases with the real lifecycle actions."""

import html
import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.helpers import EXE_BYTES, PNG_BYTES
from tests.lifecycle_helpers import People, client_for, make_people
from xinfang.cases.actions.accept import do_accept
from xinfang.cases.actions.appeal import AppealDecisionInput, do_decide_appeal, next_step_notice_for
from xinfang.cases.actions.handle import ReplyInput, do_reply
from xinfang.cases.actions.route import RouteInput, do_transfer
from xinfang.cases.models import Appeal, Case, Channel, Rating
from xinfang.cases.states import Status
from xinfang.core import crypto
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.documents.models import CaseDocument
from xinfang.orgs.models import Organisation
from xinfang.portal import captcha, codes
from xinfang.portal.actions import do_issue_query_code
from xinfang.portal.models import LookupFailure, QueryCode, WeeklyFigures
from xinfang.portal.statistics import suppress, week_key
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, leaf_topic, make_id_number, register_case

PHONE = "13912348000"
REPLY = ReplyInput(
    request="请求督促物业修复电梯",
    facts_found="经查，5幢电梯因主板故障停运。",
    reasons="物业服务企业应当及时维修共用设施设备。",
    decision="责令物业公司于15日内修复电梯。",
    legal_basis="《物业管理条例》第五十五条",
    review_notice="如不服，可自收到本意见书之日起30日内向西湖区人民政府请求复查。",
)


@pytest.fixture
def people(tree: OrgTree) -> People:
    leaf_topic()
    return make_people(tree)


# -- what a citizen does -------------------------------------------------------------------------


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"the page carries {name}"
    return html.unescape(match.group(1))


def solve_captcha(client: Client, page: str, purpose: str) -> dict[str, str]:
    """Read the image as a person would: the challenge the page shows is this session's, and its
    answer is what the server derives from it (never stored anywhere)."""
    challenge_id = hidden(page, "captcha_id")
    assert challenge_id in captcha.outstanding_ids(client.session, purpose)
    return {"captcha_id": challenge_id, "captcha_answer": captcha.expected_answer(challenge_id).lower()}


def petition(place: Organisation, page: str, **overrides: Any) -> dict[str, Any]:
    topic = leaf_topic()
    data: dict[str, Any] = {
        "form_token": hidden(page, "form_token"),
        "name": "王小明",
        "id_number": make_id_number(seq=701),
        "phone": PHONE,
        "address": "西湖区北山街道宝石社区5幢301室",
        "category": "appeal",
        "topic": str(topic.pk),
        "place_region": str(place.pk),
        "place_address": "宝石社区5幢",
        "accused": "某物业公司",
        "title": "宝石社区5幢电梯停运两个月",
        "facts": "5幢电梯自9月起停运，多次找物业均未维修。",
        "request": "请求督促物业修复电梯",
        "confirm_guidance": "on",
    }
    data.update(overrides)
    return data


def submit(client: Client, place: Organisation, *, solve: bool = True, **overrides: Any) -> Any:
    page = client.get("/portal/submit/").content.decode()
    data = petition(place, page, **overrides)
    if solve:
        data.update(solve_captcha(client, page, "submit"))
    return client.post("/portal/submit/", data)


def receipt_of(client: Client, response: Any) -> tuple[Case, str]:
    assert response.status_code == 302 and response["Location"] == "/portal/receipt/", response.content[:3000]
    page = client.get("/portal/receipt/").content.decode()
    number = re.search(r'id="case-number">([^<]+)<', page)
    code = re.search(r'id="query-code">([^<]+)<', page)
    assert number and code, page
    return Case.objects.get(number=number.group(1)), code.group(1)


def look_up(client: Client, code: str, last4: str, ip: str = "10.0.0.1") -> Any:
    page = client.get("/portal/track/", REMOTE_ADDR=ip).content.decode()
    data = {"code": code, "phone_last4": last4, **solve_captcha(client, page, "lookup")}
    return client.post("/portal/track/", data, REMOTE_ADDR=ip)


def tracked_page(client: Client) -> str:
    response = client.get("/portal/track/case/")
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def move_to_reply(people: People, tree: OrgTree, case: Case) -> Case:
    """The staff's steps, with the real actions: the bureau transfers, the unit accepts and replies."""
    case = do_transfer(
        actor=people.registrar, case=case, data=RouteInput(target_org=tree.housing, note="请依法办理")
    )
    case = do_accept(actor=people.housing_handler, case=case, note="内部备注：先核实")
    return do_reply(actor=people.housing_head, case=case, data=REPLY)


# -- the journey ---------------------------------------------------------------------------------


def test_submit_receipt_track_rate_and_ask_for_review(people: People, tree: OrgTree) -> None:
    citizen = Client()
    guidance = citizen.get("/portal/").content.decode()
    for route in ("诉讼", "仲裁", "行政复议"):
        assert route in guidance  # matters with a legal route are pointed there first

    attachment = SimpleUploadedFile("电梯.png", PNG_BYTES, content_type="image/png")
    case, code = receipt_of(citizen, submit(citizen, tree.township_a, attachments=attachment))

    # Registered like any petition: channel web, by the county bureau's 网上信访 account.
    assert case.channel == Channel.WEB and case.status == Status.REGISTERED
    assert case.receiving_org == tree.bureau and case.registrar.organisation == tree.bureau
    assert case.registrar.role == "registrar" and case.registrar.full_name == "网上信访"
    assert not case.registrar.has_usable_password() and not case.registrar.is_active
    assert not Client().login(username=case.registrar.username, password="")
    assert [a.original_name for a in case.attachments.all()] == ["电梯.png"]
    assert case.events.filter(kind="registered").exists()
    # The code: 100 bits in groups of four, kept only as its keyed digest.
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", code)
    stored = QueryCode.objects.get(case=case)
    assert stored.digest == crypto.keyed_digest(codes.normalise(code), purpose="portal-query-code")
    assert code.replace("-", "") not in str(list(QueryCode.objects.values_list()))
    assert code.replace("-", "") not in str(list(Case.objects.values_list()))
    # Shown once: the receipt page does not show it again.
    again = citizen.get("/portal/receipt/")
    assert (
        again.status_code == 410 and "E9111" in again.content.decode() and code not in again.content.decode()
    )

    case = move_to_reply(people, tree, case)

    # Another browser, later: the code (typed loosely) and the phone's last four digits.
    petitioner = Client()
    response = look_up(petitioner, code.lower().replace("-", " "), PHONE[-4:])
    assert response.status_code == 302 and response["Location"] == "/portal/track/case/"
    page = tracked_page(petitioner)
    assert case.number in page and "已答复" in page
    for step in ("已收到并登记", "已转送有关单位办理", "已受理", "已出具信访处理意见书"):
        assert step in page
    assert "住建局" in page  # the unit handling it, as the acceptance notice says
    for internal in (
        "请依法办理",
        "内部备注",
        people.registrar.full_name,
        people.housing_head.full_name,
        "转送单",
    ):
        assert internal not in page
    assert "办理并出具信访处理意见书" in page and "您可以申请复查的期限" in page
    reply = CaseDocument.objects.get(case=case, kind="reply")
    slip = CaseDocument.objects.get(case=case, kind="transfer_slip")
    assert (
        f"/portal/track/documents/{reply.pk}/" in page and f"/portal/track/documents/{slip.pk}/" not in page
    )
    download = petitioner.get(f"/portal/track/documents/{reply.pk}/")
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert download.status_code == 200 and content == bytes(reply.content)
    assert petitioner.get(f"/portal/track/documents/{slip.pk}/").status_code == 404  # addressed to an office

    window = Deadline.objects.get(case=case, kind="review_request")
    assert f"{window.due_on.year}年{window.due_on.month}月{window.due_on.day}日" in page  # the window's end

    response = petitioner.post(
        "/portal/track/rate/", {"level": "basically", "comment": "电梯已修好，但拖得太久"}
    )
    assert response.status_code == 302
    rating = Rating.objects.get(case=case)
    assert rating.level == "basically" and rating.source == "online" and rating.recorded_by is None
    page = tracked_page(petitioner)
    assert "感谢您的评价" in page and "已评价" in page and 'id="rating-form"' not in page
    assert petitioner.post("/portal/track/rate/", {"level": "satisfied"}).status_code == 409  # only once

    response = petitioner.post("/portal/track/appeal/", {"grounds": "维修期限过长，要求赔偿"})
    assert response.status_code == 302
    appeal = Appeal.objects.get(case=case)
    case.refresh_from_db()
    assert appeal.level == "review" and appeal.body == tree.county and appeal.recorded_by is None
    assert case.status == Status.REVIEW_REQUESTED
    page = tracked_page(petitioner)
    assert "已申请复查" in page and "西湖区" in page and "出具复查意见" in page
    assert 'id="appeal-form"' not in page  # nothing more to ask until the review is decided

    # The county decides the review; the petitioner may then ask the city for re-review.
    do_decide_appeal(
        actor=people.bureau_head,
        case=case,
        data=AppealDecisionInput(
            outcome="维持",
            request="请求赔偿损失",
            facts_found="经复查，原处理意见认定事实清楚。",
            decision="维持原处理意见。",
            legal_basis="《信访工作条例》第三十五条",
            next_step_notice=next_step_notice_for(case, "review"),
        ),
    )
    page = tracked_page(petitioner)
    rereview = Deadline.objects.get(case=case, kind="rereview_request")
    assert "申请复核" in page and "杭州市人民政府" in page
    assert f"{rereview.due_on.year}年{rereview.due_on.month}月{rereview.due_on.day}日" in page
    assert "复查意见书" in page and 'data-document="review_decision"' in page
    assert petitioner.post("/portal/track/appeal/", {"grounds": "仍不服复查意见"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RE_REVIEW_REQUESTED
    assert Appeal.objects.get(case=case, level="re_review").body == tree.city


def test_a_lapsed_review_window_is_refused_with_its_date(people: People, tree: OrgTree) -> None:
    citizen = Client()
    case, code = receipt_of(citizen, submit(citizen, tree.township_a))
    case = move_to_reply(people, tree, case)
    # Thirty-one days on: the window ended yesterday (the clock is data; time is not mocked).
    yesterday = timezone.localdate() - timedelta(days=1)
    Deadline.objects.filter(case=case, kind="review_request").update(due_on=yesterday)
    assert look_up(citizen, code, PHONE[-4:]).status_code == 302
    lapsed = f"{yesterday.year}年{yesterday.month}月{yesterday.day}日"
    page = tracked_page(citizen)
    assert f"申请复查的期限已于{lapsed}届满" in page and 'id="appeal-form"' not in page

    response = citizen.post("/portal/track/appeal/", {"grounds": "不服"})
    body = response.content.decode()
    assert response.status_code == 400 and "E7010" in body and f"申请期限已于{lapsed}届满" in body
    assert not Appeal.objects.exists()
    case.refresh_from_db()
    assert case.status == Status.REPLIED


# -- protection ----------------------------------------------------------------------------------


def test_failed_lookups_are_blocked_per_address(settings: Any, people: People, tree: OrgTree) -> None:
    citizen = Client()
    _, code = receipt_of(citizen, submit(citizen, tree.township_a))
    guesser = Client()
    for _ in range(settings.PORTAL_LOOKUP_ADDRESS_LIMIT):
        response = look_up(guesser, codes.random_code(), "1234", ip="203.0.113.7")
        assert response.status_code == 400 and "E9102" in response.content.decode()
    # Now even the right code and digits are refused from that address, with a clear message.
    response = look_up(guesser, code, PHONE[-4:], ip="203.0.113.7")
    body = response.content.decode()
    assert response.status_code == 429 and "E9103" in body and "查询失败次数过多" in body
    assert guesser.get("/portal/track/case/").status_code == 403
    # Another address is not affected.
    assert look_up(Client(), code, PHONE[-4:], ip="198.51.100.1").status_code == 302


def test_failed_lookups_are_blocked_per_case(settings: Any, people: People, tree: OrgTree) -> None:
    """Someone holding a code but not the phone cannot try the 10,000 endings from many addresses."""
    first, second = Client(), Client()
    _, code = receipt_of(first, submit(first, tree.township_a))
    _, other_code = receipt_of(
        second, submit(second, tree.township_b, id_number=make_id_number(seq=702), phone="13700001111")
    )
    for n in range(settings.PORTAL_LOOKUP_CASE_LIMIT):
        response = look_up(Client(), code, f"{n:04d}", ip=f"192.0.2.{n + 1}")
        assert response.status_code == 400 and "E9102" in response.content.decode()
    response = look_up(Client(), code, PHONE[-4:], ip="192.0.2.100")
    assert response.status_code == 429 and "E9103" in response.content.decode()
    assert LookupFailure.objects.filter(case__isnull=False).count() == settings.PORTAL_LOOKUP_CASE_LIMIT
    # Other cases are still open to their petitioners, from the same address.
    assert look_up(Client(), other_code, "1111", ip="192.0.2.100").status_code == 302


def test_another_persons_case_is_unreachable(people: People, tree: OrgTree) -> None:
    alice, bob = Client(), Client()
    case_a, code_a = receipt_of(alice, submit(alice, tree.township_a))
    case_b, code_b = receipt_of(
        bob,
        submit(bob, tree.township_b, name="李四", id_number=make_id_number(seq=703), phone="13655556666"),
    )
    move_to_reply(people, tree, case_a)
    move_to_reply(people, tree, case_b)
    b_documents = list(CaseDocument.objects.filter(case=case_b).values_list("pk", flat=True))

    # Swapped codes and digits open nothing.
    assert "E9102" in look_up(alice, code_b, PHONE[-4:]).content.decode()
    assert "E9102" in look_up(alice, code_a, "6666").content.decode()
    assert alice.get("/portal/track/case/").status_code == 403

    assert look_up(alice, code_a, PHONE[-4:]).status_code == 302
    # With her own case open, nothing of Bob's: ids in URLs and forms are not read.
    page = alice.get(f"/portal/track/case/?case={case_b.pk}&case_id={case_b.pk}").content.decode()
    assert case_a.number in page and case_b.number not in page and "李四" not in page
    for document_id in b_documents:
        response = alice.get(f"/portal/track/documents/{document_id}/")
        assert response.status_code == 404 and "E9107" in response.content.decode()
    alice.post("/portal/track/rate/", {"level": "dissatisfied", "case": case_b.pk, "case_id": case_b.pk})
    assert Rating.objects.get().case == case_a
    assert alice.get(f"/portal/track/case/{case_b.pk}/").status_code == 404
    # The portal session opens no staff page.
    assert alice.get(f"/cases/{case_b.pk}/")["Location"].startswith("/login/")
    assert alice.get("/ledger/")["Location"].startswith("/login/")


def test_captcha_is_required_single_use_and_expires(people: People, tree: OrgTree) -> None:
    citizen = Client()
    response = submit(citizen, tree.township_a, solve=False)
    assert response.status_code == 400 and "E9101" in response.content.decode()
    page = citizen.get("/portal/submit/").content.decode()
    solved = solve_captcha(citizen, page, "submit")
    wrong = {**solved, "captcha_answer": "AAAAA" if solved["captcha_answer"] != "aaaaa" else "CCCCC"}
    response = citizen.post("/portal/submit/", petition(tree.township_a, page, **wrong))
    assert response.status_code == 400 and "E9101" in response.content.decode()
    # The wrong answer used the challenge up: the right one no longer opens it.
    response = citizen.post("/portal/submit/", petition(tree.township_a, page, **solved))
    assert response.status_code == 400 and "E9101" in response.content.decode()
    assert not Case.objects.exists()

    # A challenge made for the submission form does not open a lookup.
    page = citizen.get("/portal/submit/").content.decode()
    data = {"code": codes.random_code(), "phone_last4": "8000", **solve_captcha(citizen, page, "submit")}
    assert "E9101" in citizen.post("/portal/track/", data).content.decode()
    # An expired one is refused.
    page = citizen.get("/portal/track/").content.decode()
    solved = solve_captcha(citizen, page, "lookup")
    session = citizen.session
    session[captcha.SESSION_KEY][solved["captcha_id"]][1] = 0
    session.save()
    response = citizen.post("/portal/track/", {"code": codes.random_code(), "phone_last4": "8000", **solved})
    assert "E9101" in response.content.decode()
    assert not LookupFailure.objects.exists()  # the lookup itself was never tried

    # A right answer works once, and only once.
    page = citizen.get("/portal/submit/").content.decode()
    solved = solve_captcha(citizen, page, "submit")
    assert citizen.post("/portal/submit/", petition(tree.township_a, page, **solved)).status_code == 302
    page = citizen.get("/portal/submit/").content.decode()
    response = citizen.post(
        "/portal/submit/", petition(tree.township_a, page, **solved, id_number=make_id_number(seq=704))
    )
    assert response.status_code == 400 and "E9101" in response.content.decode()
    assert Case.objects.count() == 1


def test_captcha_image_has_no_readable_answer(people: People, tree: OrgTree) -> None:
    citizen = Client()
    page = citizen.get("/portal/submit/").content.decode()
    challenge_id = hidden(page, "captcha_id")
    answer = captcha.expected_answer(challenge_id)
    image = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert image
    import base64

    svg = base64.b64decode(image.group(1)).decode()
    assert "<text" not in svg and answer not in svg and svg.count("<path") > 8
    assert answer not in str(dict(citizen.session.items()))
    refreshed = citizen.get("/portal/captcha/?purpose=submit").json()
    assert refreshed["image"].startswith("data:image/svg+xml;base64,") and refreshed["id"] != challenge_id


def test_double_submission_makes_one_case_with_one_code(people: People, tree: OrgTree) -> None:
    citizen = Client()
    page = citizen.get("/portal/submit/").content.decode()
    data = petition(tree.township_a, page, **solve_captcha(citizen, page, "submit"))
    first = citizen.post("/portal/submit/", data)
    second = citizen.post("/portal/submit/", data)  # the same form, same captcha: a double click
    assert first.status_code == second.status_code == 302
    case, code = receipt_of(citizen, second)
    assert Case.objects.count() == 1 and QueryCode.objects.get().case == case
    assert look_up(Client(), code, PHONE[-4:]).status_code == 302
    # After the receipt, the form is spent: sending it again neither registers nor shows a code.
    again = citizen.post("/portal/submit/", data)
    assert again.status_code == 400 and "E9104" in again.content.decode() and Case.objects.count() == 1


def test_a_form_from_another_session_is_refused(people: People, tree: OrgTree) -> None:
    citizen, stranger = Client(), Client()
    page = citizen.get("/portal/submit/").content.decode()
    data = petition(tree.township_a, page, **solve_captcha(citizen, page, "submit"))
    response = stranger.post("/portal/submit/", data)
    assert response.status_code == 400 and "E9104" in response.content.decode()
    assert not Case.objects.exists()


def test_uploads_are_checked_as_for_staff_and_kept_across_errors(people: People, tree: OrgTree) -> None:
    citizen = Client()
    disguised = SimpleUploadedFile("照片.png", EXE_BYTES, content_type="image/png")
    response = submit(citizen, tree.township_a, attachments=disguised)
    body = response.content.decode()
    assert response.status_code == 400 and "E3003" in body and "照片.png" in body
    assert "宝石社区5幢电梯停运两个月" in body and make_id_number(seq=701) in body  # input kept
    assert f'<option value="{tree.township_a.pk}" selected>' in body
    assert f'<option value="{leaf_topic().pk}" selected>' in body

    too_many = [SimpleUploadedFile(f"{n}.png", PNG_BYTES, content_type="image/png") for n in range(6)]
    response = submit(citizen, tree.township_a, attachments=too_many)
    assert response.status_code == 400 and "E9108" in response.content.decode()

    # A good file survives a mistake elsewhere (no request typed) and goes in with the case.
    good = SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = submit(citizen, tree.township_a, attachments=good, request="")
    body = response.content.decode()
    assert response.status_code == 400 and "E2003" in body and "合同.pdf" in body
    token = hidden(body, "staged_uploads")
    data = petition(tree.township_a, body, staged_uploads=[token], **solve_captcha(citizen, body, "submit"))
    case, _ = receipt_of(citizen, citizen.post("/portal/submit/", data))
    assert [a.original_name for a in case.attachments.all()] == ["合同.pdf"]

    # Without a solved captcha nothing is stored at all.
    stranger = Client()
    response = submit(
        stranger,
        tree.township_a,
        solve=False,
        attachments=SimpleUploadedFile("a.png", PNG_BYTES, content_type="image/png"),
    )
    assert "E9117" in response.content.decode() and "staged_uploads" not in response.content.decode()


def test_form_checks_identity_and_guidance(people: People, tree: OrgTree) -> None:
    citizen = Client()
    response = submit(citizen, tree.township_a, id_number="330106198001011234", phone="12345", name="")
    body = response.content.decode()
    assert response.status_code == 400
    for code in ("E1002", "E1004", "E9118"):
        assert code in body
    response = submit(citizen, tree.township_a, confirm_guidance="", facts="")
    body = response.content.decode()
    assert "E9109" in body and "E9114" in body and 'aria-invalid="true"' in body
    assert not Case.objects.exists()


def test_staff_issue_a_code_for_a_visit_and_a_new_code_ends_the_old(people: People, tree: OrgTree) -> None:
    case = register_case(people.registrar, tree.township_a)  # a visit, phone 13800138000
    code = do_issue_query_code(actor=people.registrar, case=case)
    citizen = Client()
    assert look_up(citizen, code, "8000").status_code == 302
    assert case.number in tracked_page(citizen)
    new_code = do_issue_query_code(actor=people.registrar, case=case)
    assert citizen.get("/portal/track/case/").status_code == 403  # the old code's session ended
    assert "E9102" in look_up(Client(), code, "8000").content.decode()
    assert look_up(Client(), new_code, "8000").status_code == 302
    from xinfang.core.errors import XinfangError

    with pytest.raises(XinfangError) as refused:
        do_issue_query_code(actor=people.supervisor, case=case)
    assert refused.value.code == "E9116"
    with pytest.raises(XinfangError) as hidden_case:
        do_issue_query_code(actor=people.discipline_handler, case=case)
    assert hidden_case.value.code == "E4001"


def test_portal_pages_are_public_and_protected(people: People, tree: OrgTree) -> None:
    staff = client_for(people.registrar)  # a staff login in the same browser opens nothing here
    for url in ("/portal/", "/portal/submit/", "/portal/track/", "/portal/statistics/"):
        response = staff.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert "工作台" not in body and "信访工作平台" not in body and people.registrar.full_name not in body
        assert response["Content-Security-Policy"].startswith("default-src 'self'")
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
        assert 'lang="zh-Hans"' in body and 'name="viewport"' in body
    for url in ("/portal/submit/", "/portal/track/"):
        assert staff.get(url)["Cache-Control"] == "no-store"
        assert 'name="csrfmiddlewaretoken"' in staff.get(url).content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/portal/track/", {"code": "x", "phone_last4": "1234"}).status_code == 403
    assert strict.post("/portal/submit/", {}).status_code == 403
    assert Client().login(username=people.registrar.username, password=TEST_PASSWORD)


# -- public statistics ---------------------------------------------------------------------------


def test_weekly_figures_suppress_small_groups_and_are_cached(people: People, tree: OrgTree) -> None:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)
    received = timezone.make_aware(datetime.combine(monday + timedelta(days=2), time(10)))
    for n in range(6):
        register_case(
            people.registrar, tree.township_a, channel="web", received_at=received + timedelta(minutes=n)
        )
    for n in range(2):
        register_case(people.registrar, tree.township_b, received_at=received + timedelta(hours=1, minutes=n))
    page = Client().get(f"/portal/statistics/?week={week_key(monday)}").content.decode()
    by_channel = re.search(r'id="by-channel".*?</table>', page, re.S)
    assert by_channel
    table = re.sub(r"\s+", "", by_channel.group(0))
    assert '来访</th><tdclass="text-end">&lt;5' in table  # 2 visits
    assert '网上信访</th><tdclass="text-end">×' in table  # would give the 2 away with the total
    assert '合计</th><tdclass="text-end">8' in table
    assert "张三" not in page and "13800138000" not in page and "拖欠" not in page
    assert WeeklyFigures.objects.count() == 1

    # Published: a case registered afterwards (a late letter dated last week) changes nothing for now.
    register_case(people.registrar, tree.township_a, channel="web", received_at=received + timedelta(hours=2))
    again = Client().get(f"/portal/statistics/?week={week_key(monday)}").content.decode()
    assert re.sub(r"\s+", "", re.search(r'id="by-channel".*?</table>', again, re.S).group(0)) == table  # type: ignore[union-attr]
    assert WeeklyFigures.objects.count() == 1

    this_week = week_key(today - timedelta(days=today.weekday()))
    response = Client().get(f"/portal/statistics/?week={this_week}")
    assert response.status_code == 404 and "E9115" in response.content.decode()  # not over yet


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ([0, 0, 12], ["0", "0", "12"]),
        ([3, 0, 12], ["<5", "0", "×"]),
        ([3, 6, 12], ["<5", "×", "12"]),
        ([1, 1, 20, 30], ["<5", "<5", "×", "30"]),
        ([2, 4, 30], ["<5", "<5", "30"]),
        ([4, 0, 0], ["<5", "0", "0"]),
    ],
)
def test_suppression_rule(counts: list[int], shown: list[str]) -> None:
    assert suppress(counts) == shown


def test_deadline_states_shown_are_the_petitioners(people: People, tree: OrgTree) -> None:
    citizen = Client()
    case, code = receipt_of(citizen, submit(citizen, tree.township_a))
    do_transfer(actor=people.registrar, case=case, data=RouteInput(target_org=tree.housing))
    assert look_up(citizen, code, PHONE[-4:]).status_code == 302
    page = tracked_page(citizen)
    assert "告知是否受理" in page and "异议" not in page  # objection between offices is theirs
    assert Deadline.objects.filter(case=case, kind="objection", state=DeadlineState.RUNNING).exists()
    exit_response = citizen.post("/portal/track/exit/")
    assert exit_response.status_code == 302 and citizen.get("/portal/track/case/").status_code == 403


def test_an_optional_email_is_checked_and_recorded_encrypted(people: People, tree: OrgTree) -> None:
    citizen = Client()
    response = submit(citizen, tree.township_a, email="wang@example")
    body = response.content.decode()
    assert response.status_code == 400 and "E1006" in body and 'value="wang@example"' in body
    assert not Case.objects.exists()

    case, _ = receipt_of(citizen, submit(citizen, tree.township_a, email="wangxm@example.com"))
    petitioner = case.parties.get().petitioner
    assert petitioner.email_mask == "wa***@example.com"
    assert crypto.decrypt(petitioner.email_cipher) == "wangxm@example.com"
    assert "wangxm" not in petitioner.email_cipher


def test_expired_sessions_are_purged_by_the_nightly_job(db: None) -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from xinfang.portal.tasks import purge_expired_sessions_daily

    Session.objects.create(
        session_key="old" * 10, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    Session.objects.create(
        session_key="new" * 10, session_data="", expire_date=timezone.now() + timedelta(days=1)
    )
    purge_expired_sessions_daily.call_local()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new" * 10]
