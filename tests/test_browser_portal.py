"""The citizens' portal in a real browser (Debian's chromium driven by Playwright), on a phone-sized
screen: a petition typed and sent with the keyboard alone, the receipt, and later the case
followed, its reply downloaded, rated and appealed."""

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from django.contrib.sessions.backends.db import SessionStore

from tests.lifecycle_helpers import make_people
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from xinfang.cases.actions.accept import do_accept
from xinfang.cases.actions.handle import ReplyInput, do_reply
from xinfang.cases.actions.route import RouteInput, do_transfer
from xinfang.cases.models import Appeal, Case, Rating
from xinfang.cases.states import Status
from xinfang.portal import captcha
from xinfang.testing.factories import leaf_topic, make_id_number, make_org_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13866667777"
PHONE_WIDTH = 390


@pytest.fixture
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls it shares
    # the thread with are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def phone_page(browser: Any, server: str, outside: list[str]) -> Any:
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    host = urlparse(server).netloc
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlparse(r.url).scheme.startswith("http") and urlparse(r.url).netloc != host
            else None
        ),
    )
    return page


def captcha_answer(page: Any, purpose: str) -> str:
    """Read the image as a person would: the challenge shown is this browser session's (its id is
    in the server-side session store), and its answer is what the server derives from it."""
    challenge_id = page.get_attribute("input[name=captcha_id]", "value")
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    assert challenge_id in captcha.outstanding_ids(session, purpose)
    return captcha.expected_answer(challenge_id)


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the element is focused: every field is reachable from the keyboard."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose_with_arrows(page: Any, selector: str, label_part: str, limit: int = 40) -> None:
    tab_to(page, selector)
    for _ in range(limit):
        if label_part in page.evaluate(
            "(s) => { const e = document.querySelector(s); return e.options[e.selectedIndex].text; }",
            selector,
        ):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label_part} in {selector}")


def fits_the_screen(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_submit_and_track_on_a_phone_with_the_keyboard(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    tree = make_org_tree()
    people = make_people(tree)
    leaf_topic()  # an earlier transactional test's flush may have removed the migration's topics
    server = live_server.url
    outside: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)

    page = phone_page(browser, server, outside)
    page.goto(f"{server}/portal/")
    assert "行政复议" in page.content() and fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "portal-guidance-phone.png"), full_page=True)
    # From the guidance page to the form with the keyboard.
    tab_to(page, "main a[href='/portal/submit/']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#submit-form")

    type_into(page, "#id_name", "赵一")
    type_into(page, "#id_id_number", make_id_number(seq=808))
    type_into(page, "#id_phone", PHONE)
    type_into(page, "#id_address", "西湖区北山街道宝石社区2幢")
    tab_to(page, "#id_category_0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#id_category_2")  # 申诉求决类
    tab_to(page, "#id_topic")
    page.keyboard.press("ArrowDown")  # the first topic in the list
    assert page.input_value("#id_topic") != ""
    choose_with_arrows(page, "#id_place_region", "北山街道")
    type_into(page, "#id_place_address", "宝石社区2幢")
    type_into(page, "#id_title", "小区门口道路塌陷无人修")
    type_into(page, "#id_facts", "宝石社区门口道路塌陷一个月，已有老人摔倒。")
    type_into(page, "#id_request", "请求尽快修复道路")
    tab_to(page, "#id_confirm_guidance")
    page.keyboard.press("Space")
    assert page.is_checked("#id_confirm_guidance")
    type_into(page, "#id_captcha_answer", captcha_answer(page, "submit"))
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "portal-submit-phone.png"), full_page=True)
    tab_to(page, "#submit-petition")
    page.keyboard.press("Enter")

    page.wait_for_selector("#query-code")
    number = page.inner_text("#case-number")
    code = page.inner_text("#query-code")
    case = Case.objects.get(number=number)
    assert case.title == "小区门口道路塌陷无人修" and case.receiving_org == tree.bureau
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "portal-receipt-phone.png"), full_page=True)
    page.reload()
    assert page.locator("#query-code").count() == 0 and "只在提交成功时显示一次" in page.content()

    # The offices do their part, with the real actions.
    case = do_transfer(actor=people.registrar, case=case, data=RouteInput(target_org=tree.housing))
    case = do_accept(actor=people.housing_handler, case=case)
    do_reply(
        actor=people.housing_head,
        case=case,
        data=ReplyInput(
            request="请求尽快修复道路",
            facts_found="经查，道路因地下管线渗漏塌陷。",
            reasons="市政道路由住建部门负责养护。",
            decision="已安排于10日内修复。",
            legal_basis="《城市道路管理条例》第二十二条",
            review_notice="如不服，可自收到本意见书之日起30日内向西湖区人民政府请求复查。",
        ),
    )

    # Days later, another phone: follow the case with the code and the phone's last four digits.
    page = phone_page(browser, server, outside)
    page.goto(f"{server}/portal/track/")
    type_into(page, "#id_code", code)
    type_into(page, "#id_phone_last4", PHONE[-4:])
    type_into(page, "#id_captcha_answer", captcha_answer(page, "lookup"))
    page.keyboard.press("Enter")
    page.wait_for_selector("#steps")
    assert page.inner_text("#case-number") == number and page.inner_text("#case-status") == "已答复"
    steps = page.inner_text("#steps")
    assert "已转送有关单位办理" in steps and "已出具信访处理意见书" in steps
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "portal-track-phone.png"), full_page=True)
    with page.expect_download() as download:
        page.click("[data-document=reply]")
    assert download.value.suggested_filename.endswith(".docx")

    page.check("#id_level_0")  # 满意
    page.fill("#id_comment", "修得很快")
    page.click("#rating-submit")
    page.wait_for_selector("#rating")
    assert Rating.objects.get(case=case).level == "satisfied"
    page.fill("#id_grounds", "修复后又塌陷，要求彻底整治")
    page.click("#appeal-submit")
    page.wait_for_selector("#notice")
    case.refresh_from_db()
    assert case.status == Status.REVIEW_REQUESTED and Appeal.objects.get(case=case).level == "review"
    page.screenshot(path=str(ARTIFACTS / "portal-appealed-phone.png"), full_page=True)

    page.goto(f"{server}/portal/statistics/")
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "portal-statistics-phone.png"), full_page=True)
    assert outside == [], f"pages must not call outside the server: {outside}"
