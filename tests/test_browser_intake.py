"""In chromium: the suggestion panel appears while the registrar types, 采用 fills the form and
the registration records what was accepted; the leader overview draws its charts offline."""

from urllib.parse import urlparse

import pytest

from tests.test_browser import ARTIFACTS, browser_page, browser_tree  # noqa: F401  (fixtures)
from xinfang.analysis.models import AcceptedSuggestion, Capability
from xinfang.cases.models import Case
from xinfang.orgs.models import User
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_id_number, register_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_suggestions_while_typing_and_acceptance(live_server, browser_page, browser_tree: OrgTree) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser_page
    desk = User.objects.get(username="desk")
    earlier = register_case(
        desk,
        browser_tree.township_a,
        title="宝石社区工地夜间施工噪音扰民",
        facts="宝石社区旁工地每晚施工到凌晨，打桩噪音很大。",
        request="请求制止夜间施工",
    )
    outside: list[str] = []
    host = urlparse(live_server.url).netloc
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).netloc != host else None)
    login(page, live_server.url)
    page.goto(f"{live_server.url}/register/")
    page.select_option("#id_channel", "letter")
    page.fill("#id_p-0-name", "孙八")
    page.fill("#id_p-0-id_number", make_id_number(seq=808))
    page.select_option("#id_place_region", label="\u3000\u3000北山街道")
    page.fill("#id_title", "宝石社区工地夜间施工噪音")
    page.fill("#id_facts", "宝石社区附近工地晚上打桩施工，噪音扰民。")
    page.fill("#id_request", "请求制止夜间施工噪音")
    page.wait_for_selector(f"#intake-same-matter >> text={earlier.number}", timeout=10_000)
    page.click("#intake-same-matter [data-accept=same_matter]")
    page.click("#intake-kinds [data-accept=kind] >> nth=0")
    chosen_kind = page.input_value("#id_category")
    page.select_option("#id_topic", index=1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "register-suggestions.png"), full_page=True)
    page.click("#submit-registration")
    page.wait_for_selector("#case-number")
    case = Case.objects.get(number=page.inner_text("#case-number"))
    accepted = {a.capability: a.value for a in AcceptedSuggestion.objects.filter(case=case)}
    assert accepted == {Capability.SAME_MATTER: str(earlier.pk), Capability.KIND: chosen_kind}
    assert case.is_repeat and case.category == chosen_kind
    page.wait_for_selector(f"#case-suggestions >> text={earlier.number}", timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / "case-similar.png"), full_page=True)
    assert outside == [], outside


def test_leader_overview_draws_its_charts_offline(live_server, browser_page, browser_tree: OrgTree) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser_page
    desk = User.objects.get(username="desk")
    register_case(desk, browser_tree.township_a)
    outside: list[str] = []
    host = urlparse(live_server.url).netloc
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).netloc != host else None)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server.url)
    page.goto(f"{live_server.url}/stats/dashboard/")
    for chart in ("trend", "topics", "regions"):
        page.wait_for_selector(f"#chart-{chart} svg", timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert errors == [] and outside == []
