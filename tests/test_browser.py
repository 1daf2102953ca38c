"""A registrar in a real browser (Debian's chromium driven by Playwright):
log in, register a visit, find it in the ledger, open it."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from xinfang.cases.models import Case
from xinfang.orgs.roles import Role
from xinfang.testing.factories import (
    TEST_PASSWORD,
    OrgTree,
    leaf_topic,
    make_id_number,
    make_org_tree,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls it shares
    # the thread with are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        yield context.new_page()
        context.close()
        browser.close()


@pytest.fixture
def browser_tree() -> OrgTree:
    tree = make_org_tree()
    make_user(tree.bureau, Role.REGISTRAR, "desk")
    leaf_topic()  # an earlier transactional test's flush may have removed the migration's topics
    return tree


def test_register_visit_find_in_ledger_and_open(live_server, browser_page, browser_tree: OrgTree) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    outside_requests: list[str] = []
    server_host = urlparse(live_server.url).netloc
    page.on(
        "request", lambda r: outside_requests.append(r.url) if urlparse(r.url).netloc != server_host else None
    )

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "工作台" in page.content()

    page.click("text=登记")
    page.wait_for_selector("#register-form")
    page.select_option("#id_channel", "visit")
    page.fill("#id_p-0-name", "王五")
    page.fill("#id_p-0-id_number", make_id_number(seq=555))
    page.fill("#id_p-0-phones", "13700001111")
    page.fill("#id_p-0-address", "西湖区北山街道宝石社区5幢")
    page.select_option("#id_category", "appeal")
    page.select_option("#id_topic", index=1)
    page.select_option("#id_place_region", label="\u3000\u3000北山街道")
    page.fill("#id_place_address", "宝石社区")
    page.fill("#id_title", "宝石社区电梯长期停运")
    page.fill("#id_facts", "小区5幢电梯停运两个月，物业不予维修。")
    page.fill("#id_request", "请求督促物业尽快修复电梯")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "register-form.png"), full_page=True)
    page.click("#submit-registration")
    page.wait_for_selector("#case-number")
    number = page.inner_text("#case-number")
    assert Case.objects.get().number == number

    page.click("text=台账")
    page.fill("#id_q", "电梯")
    page.click("#ledger-filter button[type=submit]")
    page.wait_for_selector(f"text={number}")
    page.screenshot(path=str(ARTIFACTS / "ledger.png"), full_page=True)
    page.click(f"text={number}")
    page.wait_for_selector("#case-title")
    assert page.inner_text("#case-title") == "宝石社区电梯长期停运"
    assert "137****1111" in page.content()
    page.screenshot(path=str(ARTIFACTS / "case-detail.png"), full_page=True)
    assert outside_requests == [], f"pages must not call outside the server: {outside_requests}"

    # A tablet in portrait: the register form and the ledger still fit the width.
    page.set_viewport_size({"width": 768, "height": 1024})
    for name, path in [("tablet-register", "/register/"), ("tablet-ledger", "/ledger/")]:
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 768
