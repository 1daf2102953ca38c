"""The lifecycle in a real browser: each person logs in and takes their step from the case
page, and a person whose step it is not is not offered it."""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.lifecycle_helpers import make_people
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from xinfang.cases.models import Case
from xinfang.cases.states import Status
from xinfang.testing.factories import TEST_PASSWORD, make_org_tree, register_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_as(live_server) -> Iterator[Callable[[str], Any]]:  # type: ignore[no-untyped-def]
    """A function giving a logged-in page for a user name (a fresh browser context each)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def open_page(username: str) -> Any:
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", TEST_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            return page

        yield open_page
        browser.close()


def take_step(page: Any, base: str, case: Case, code: str, fill: dict[str, str] | None = None) -> None:
    page.goto(f"{base}/cases/{case.pk}/")
    page.click(f"[data-step={code}]")
    page.wait_for_selector("#step-form")
    for selector, value in (fill or {}).items():
        if selector.startswith("select:"):
            page.select_option(selector[len("select:") :], label=value)
        elif selector.startswith("check:"):
            page.check(selector[len("check:") :])
        else:
            page.fill(selector, value)
    page.click("#step-submit")
    page.wait_for_selector("#case-number")
    case.refresh_from_db()


def test_transfer_accept_extend_reply_rate_and_review_in_the_browser(live_server, open_as) -> None:  # type: ignore[no-untyped-def]
    tree = make_org_tree()
    people = make_people(tree)
    case = register_case(people.registrar, tree.township_a)
    base = live_server.url

    registrar = open_as("reg")
    take_step(
        registrar, base, case, "transfer", {"select:#id_target_org": "西湖区住建局", "#id_note": "请依法办理"}
    )
    assert case.status == Status.ROUTED

    handler = open_as("hh")
    handler.goto(f"{base}/cases/{case.pk}/")
    assert handler.locator("[data-step=extend]").count() == 0  # only the unit head extends
    take_step(handler, base, case, "accept")
    assert case.status == Status.ACCEPTED

    head = open_as("hhead")
    take_step(head, base, case, "extend", {"#id_days": "20", "#id_reason": "需要进一步调查核实"})
    assert case.status == Status.EXTENDED
    # The reply form keeps what was typed when a required part is missing.
    head.goto(f"{base}/cases/{case.pk}/steps/reply/")
    head.fill("#id_facts_found", "经查属实。")
    head.click("#step-submit")
    head.wait_for_selector(".invalid-feedback")
    assert head.input_value("#id_facts_found") == "经查属实。"
    ARTIFACTS.mkdir(exist_ok=True)
    head.screenshot(path=str(ARTIFACTS / "reply-missing-parts.png"), full_page=True)
    # A draft fills the parts still blank and keeps what was typed.
    head.click("#reply-compose")
    head.wait_for_selector("#reply-draft-notes")
    assert head.input_value("#id_facts_found") == "经查属实。"
    assert "【待填写：" in head.input_value("#id_decision")
    head.screenshot(path=str(ARTIFACTS / "reply-draft.png"), full_page=True)
    head.fill("#id_reasons", "用人单位应当按时足额支付劳动报酬。")
    head.fill("#id_decision", "责令公司支付拖欠工资。")
    head.fill("#id_legal_basis", "《保障农民工工资支付条例》")
    # The reply check follows what is typed, and finds nothing left to do.
    head.wait_for_selector("#reply-check-ok")
    head.click("#step-submit")
    head.wait_for_selector("#case-number")
    case.refresh_from_db()
    assert case.status == Status.REPLIED
    assert "信访处理意见书" in head.inner_text("#documents")

    take_step(registrar, base, case, "rate", {"check:#id_level_2": "", "#id_comment": "不满意处理结果"})
    assert case.status == Status.RATED
    take_step(registrar, base, case, "request_review", {"#id_grounds": "对处理意见不服"})
    bureau_head = open_as("bhead")
    take_step(
        bureau_head,
        base,
        case,
        "decide_review",
        {
            "select:#id_outcome": "维持",
            "#id_facts_found": "经复查属实。",
            "#id_decision": "维持原处理意见。",
            "#id_legal_basis": "《信访工作条例》第三十五条",
        },
    )
    assert case.status == Status.REVIEW_DECIDED
    bureau_head.screenshot(path=str(ARTIFACTS / "case-after-review.png"), full_page=True)
    assert "复查意见书" in bureau_head.inner_text("#documents")
    assert "申请复查" in bureau_head.inner_text("#history")


def test_supervisor_sends_a_reminder_and_the_unit_answers_in_the_browser(live_server, open_as) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    from xinfang.cases.actions.route import RouteInput, do_transfer
    from xinfang.deadlines.models import Deadline
    from xinfang.supervision.models import Supervision
    from xinfang.supervision.sweep import sweep_deadlines

    tree = make_org_tree()
    people = make_people(tree)
    case = register_case(people.registrar, tree.township_a)
    do_transfer(actor=people.registrar, case=case, data=RouteInput(target_org=tree.housing))
    # The acceptance notice is ten days late: the sweep marks it red.
    Deadline.objects.filter(case=case, kind="acceptance_notice").update(
        due_on=timezone.localdate() - timedelta(days=10)
    )
    sweep_deadlines()
    base = live_server.url

    supervisor = open_as("sup")
    supervisor.goto(f"{base}/supervision/")
    row = supervisor.locator(f"#board-table tr:has-text('{case.number}')").first
    assert "已超期" in row.inner_text()
    row.locator("text=催办").click()
    supervisor.wait_for_selector("#notice-form")
    answer_by = (timezone.localdate() + timedelta(days=3)).isoformat()
    supervisor.fill("#id_answer_due", answer_by)
    supervisor.fill("#id_demand", "请于三日内书面说明未按期告知受理的原因。")
    supervisor.click("#notice-form button[type=submit]")
    supervisor.wait_for_url("**/supervision/notices/*/")
    notice = Supervision.objects.get(case=case)
    supervisor.screenshot(path=str(ARTIFACTS / "supervision-notice.png"), full_page=True)

    unit_head = open_as("hhead")
    assert case.number in unit_head.inner_text("#deadline-warnings")
    unit_head.goto(f"{base}/supervision/notices/{notice.pk}/")
    unit_head.fill("#id_answer", "已于今日补发受理告知书，今后按期办理。")
    unit_head.click("#answer-form button[type=submit]")
    unit_head.wait_for_load_state()
    notice.refresh_from_db()
    assert notice.answer.startswith("已于今日补发受理告知书")

    leader_board = open_as("bhead")
    leader_board.goto(f"{base}/leaders/cases/")
    assert leader_board.title()  # the 包案 board renders for a unit head
