"""Statistics: counting rules on hand-built cases, 同比/环比, drill-down lists equal their counts,
scoping of every number, unit assessment rates (zero denominators shown as "—"), exports."""

import io
import re
from datetime import date, datetime

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from xinfang.cases import events
from xinfang.cases.actions.register import PartyInput
from xinfang.cases.models import Case, CaseEvent, Category, PartyRole, Rating, RatingSource, Satisfaction
from xinfang.deadlines.models import Deadline, DeadlineState
from xinfang.orgs.roles import Role
from xinfang.people.actions import PetitionerInput
from xinfang.stats.assessment import assess
from xinfang.stats.counting import Scope, statistics
from xinfang.stats.periods import Change, PeriodKind, month, quarter, rate, rate_text, year
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_id_number, make_user, register_case

_seq = iter(range(100, 1000))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))  # Asia/Shanghai


def party(role: str = PartyRole.PRINCIPAL) -> PartyInput:
    seq = next(_seq)
    return PartyInput(
        PetitionerInput(name=f"信访人{seq}", id_number=make_id_number(seq=seq), phones=[f"1390000{seq:04d}"]),
        role,
    )


def visit(user, place, when: datetime, head_count: int = 1, channel: str = "visit") -> Case:  # type: ignore[no-untyped-def]
    parties = [party(PartyRole.REPRESENTATIVE if head_count >= 5 else PartyRole.PRINCIPAL)]
    extra = {"reception_leader": "王副县长"} if channel == "leader_reception" else {}
    return register_case(
        user, place, channel=channel, received_at=when, head_count=head_count, parties=parties, **extra
    )


def piece(user, place, when: datetime, channel: str, **kwargs) -> Case:  # type: ignore[no-untyped-def]
    extra = {"handed_down_from": "市信访局"} if channel == "handed_down" else {}
    return register_case(user, place, channel=channel, received_at=when, parties=[party()], **extra, **kwargs)


@pytest.fixture
def county(tree: OrgTree):  # type: ignore[no-untyped-def]
    registrar = make_user(tree.bureau, Role.REGISTRAR, "stats_reg")
    made = {
        "visit_a": visit(registrar, tree.township_a, at(2026, 3, 2, 10)),
        "collective": visit(registrar, tree.village_a, at(2026, 3, 5, 9), head_count=7),
        "reception": visit(
            registrar, tree.township_b, at(2026, 3, 9, 9), head_count=2, channel="leader_reception"
        ),
        "letter_1": piece(registrar, tree.township_a, at(2026, 3, 10, 9), "letter"),
        "letter_2": piece(registrar, tree.township_b, at(2026, 3, 11, 9), "letter"),
        "letter_3": piece(
            registrar, tree.township_a, at(2026, 3, 31, 23, 30), "letter"
        ),  # last evening of March
        "phone": piece(registrar, tree.township_a, at(2026, 3, 12, 9), "phone"),
        "april": piece(
            registrar, tree.township_a, at(2026, 4, 1, 0, 10), "letter"
        ),  # just past midnight: April
        "last_year": piece(registrar, tree.township_a, at(2025, 3, 15, 9), "letter"),
        "february": visit(registrar, tree.township_a, at(2026, 2, 20, 9), head_count=3),
    }
    return {"registrar": registrar, **made}


def test_batches_persons_pieces_and_the_month_boundary(tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    stats = statistics(county["registrar"], Scope(), month(2026, 3))
    values = {key: figure.value for key, figure in stats.headline.items()}
    assert values["total"] == 7
    assert (values["visit_batches"], values["visit_persons"]) == (3, 10)  # 1 + 7 + 2 persons
    assert (values["collective_batches"], values["collective_persons"]) == (1, 7)
    assert values["channel_letter"] == 3  # 23:30 on 31 March is March; 00:10 on 1 April is not
    assert values["channel_phone"] == 1
    assert values["channel_web"] == 0
    assert statistics(county["registrar"], Scope(), month(2026, 4)).headline["channel_letter"].value == 1


def test_year_on_year_and_previous_period(tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    stats = statistics(county["registrar"], Scope(), month(2026, 3))
    letters = stats.headline["channel_letter"]
    assert (letters.last_year, letters.yoy.text, letters.yoy.words) == (1, "+200.0%", "上升了200%")
    visits = stats.headline["visit_batches"]
    assert (visits.previous, visits.mom.text) == (1, "+200.0%")
    # Nothing in the same month last year: no percentage, a dash.
    assert visits.last_year == 0 and visits.yoy.text == "—" and visits.yoy.words == "无可比数据"
    assert stats.headline["channel_phone"].mom.text == "—"


def test_breakdowns_roll_villages_up_to_townships(tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    stats = statistics(county["registrar"], Scope(), month(2026, 3))
    regions = {row.label: row.cases for row in stats.breakdowns["region"]}
    assert regions == {"北山街道": 5, "西溪街道": 2}  # the 宝石社区 visit counts under 北山街道
    channels = {row.label: (row.cases, row.persons) for row in stats.breakdowns["channel"]}
    assert channels["来访"] == (2, 8) and channels["领导接待日"] == (1, 2)
    assert {row.label for row in stats.breakdowns["unit"]} == {"尚无责任单位"}
    assert sum(row.cases for row in stats.breakdowns["status"]) == 7


def counts_on_page(html: str) -> list[tuple[str, int]]:
    return [
        (link.replace("&amp;", "&"), int(count))
        for link, count in re.findall(r'<a href="([^"]+)" data-count="(\d+)">', html)
    ]


def ledger_total(client: Client, link: str) -> int:
    html = client.get(link).content.decode()
    match = re.search(r'id="ledger-total">共 (\d+) 件', html)
    assert match, html[:500]
    return int(match.group(1))


def test_every_number_links_to_as_many_cases(client: Client, tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    client.login(username="stats_reg", password=TEST_PASSWORD)
    html = client.get("/stats/?kind=month&year=2026&number=3").content.decode()
    figures = counts_on_page(html)
    assert len(figures) >= 20
    # (人次 figures carry data-persons: persons are a sum over the listed batches, not a list length.)
    for link, count in figures:
        assert ledger_total(client, link) == count, link


def test_every_number_is_scoped(client: Client, tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    make_user(tree.township_b, Role.REGISTRAR, "west")
    client.login(username="west", password=TEST_PASSWORD)
    stats_page = client.get("/stats/?kind=month&year=2026&number=3").content.decode()
    assert 'data-figure="total"' in stats_page
    west = statistics(make_user(tree.township_b, Role.HANDLER), Scope(), month(2026, 3))
    assert west.headline["total"].value == 0  # registered by the county bureau, not received by 西溪街道
    # An accusation against the housing bureau counts for the bureau, never for the accused unit.
    register_case(
        county["registrar"],
        tree.county,
        channel="letter",
        category=Category.ACCUSATION,
        received_at=at(2026, 3, 20, 9),
        accused_org=tree.housing,
        parties=[party()],
    )
    accusation_case = Case.objects.get(category=Category.ACCUSATION)
    Case.objects.filter(pk=accusation_case.pk).update(responsible_org=tree.discipline)
    Case.objects.filter(pk=county["letter_1"].pk).update(responsible_org=tree.housing)
    housing = make_user(tree.housing, Role.HANDLER)
    assert statistics(housing, Scope(), month(2026, 3)).headline["total"].value == 1
    assert statistics(county["registrar"], Scope(), month(2026, 3)).headline["total"].value == 8


def test_scope_filters_narrow_and_links_keep_them(client: Client, tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    stats = statistics(county["registrar"], Scope(region_id=tree.township_b.pk), month(2026, 3))
    assert stats.headline["total"].value == 2
    assert f"region={tree.township_b.pk}" in stats.headline["total"].link


def test_periods() -> None:
    assert month(2026, 3).previous() == month(2026, 2)
    assert month(2026, 1).previous() == month(2025, 12)
    assert quarter(2026, 1).previous() == quarter(2025, 4)
    assert quarter(2026, 2).end == date(2026, 6, 30)
    assert year(2026).same_last_year() == year(2025)
    assert month(2024, 2).end == date(2024, 2, 29)
    assert Change(5, 0).text == "—" and Change(0, 0).words == "无可比数据" and Change(3, 3).words == "持平"
    assert Change(84, 97).words == "下降了13%"
    assert rate(0, 0) is None and rate_text(None) == "—" and rate_text(rate(1, 3)) == "33.3%"
    assert month(2026, 3).label == "2026年3月" and quarter(2026, 2).label == "2026年第2季度"
    assert month(2026, 3).kind == PeriodKind.MONTH


def conclude(case: Case, actor, when: datetime) -> None:  # type: ignore[no-untyped-def]
    events.append_event(case, "conclude", actor, {"from": case.status, "to": "concluded"})
    CaseEvent.objects.filter(case=case, kind="conclude").update(at=when)
    Case.objects.filter(pk=case.pk).update(status="concluded")


def clock_row(case: Case, unit, kind: str, due: date, closed: date | None) -> None:  # type: ignore[no-untyped-def]
    Deadline.objects.create(
        case=case,
        kind=kind,
        responsible_org=unit,
        started_on=date(2026, 1, 1),
        days=15,
        unit="calendar",
        statutory_due_on=due,
        due_on=due,
        state=DeadlineState.CLOSED if closed else DeadlineState.RUNNING,
        closed_on=closed,
    )


def test_unit_assessment_rates_and_dashes(client: Client, tree: OrgTree, county, settings) -> None:  # type: ignore[no-untyped-def]
    registrar = county["registrar"]
    for name in ("letter_1", "letter_2", "phone", "visit_a"):
        Case.objects.filter(pk=county[name].pk).update(responsible_org=tree.housing)
    Case.objects.filter(pk=county["letter_3"].pk).update(responsible_org=tree.township_b)
    Case.objects.filter(pk=county["letter_2"].pk).update(is_repeat=True)
    cases = {
        name: Case.objects.get(pk=county[name].pk) for name in ("letter_1", "letter_2", "phone", "visit_a")
    }
    clock_row(cases["letter_1"], tree.housing, "acceptance_notice", date(2026, 3, 20), date(2026, 3, 15))
    clock_row(
        cases["letter_2"], tree.housing, "acceptance_notice", date(2026, 3, 21), date(2026, 3, 25)
    )  # late
    clock_row(cases["letter_1"], tree.housing, "handling", date(2026, 3, 28), date(2026, 3, 27))
    clock_row(cases["phone"], tree.housing, "handling", date(2026, 3, 29), None)  # never done: overdue
    conclude(cases["letter_1"], registrar, at(2026, 3, 28, 10))
    conclude(cases["letter_2"], registrar, at(2026, 3, 29, 10))
    Rating.objects.create(
        case=cases["letter_1"],
        level=Satisfaction.BASICALLY_SATISFIED,
        source=RatingSource.STAFF_CALL,
        rated_at=at(2026, 3, 30, 9),
    )
    result = {f.unit.pk: f for f in assess(registrar, month(2026, 3)).units}
    housing = result[tree.housing.pk]
    assert housing.rates["acceptance"] == 50.0
    assert housing.rates["on_time"] == 50.0
    assert housing.rates["participation"] == 50.0
    assert housing.rates["satisfaction"] == 100.0
    assert housing.rates["repeat"] == 25.0
    assert housing.rates["resolved_once"] == 100.0
    assert housing.rates["first_resolution"] == pytest.approx(33.3)
    assert housing.rates["repeat_resolution"] == 100.0
    assert housing.overdue == 2
    west = result[tree.township_b.pk]
    assert west.rates["acceptance"] is None and west.rates["satisfaction"] is None
    settings.STATS_BASIC_SATISFIED = False
    assert {f.unit.pk: f for f in assess(registrar, month(2026, 3)).units}[tree.housing.pk].rates[
        "satisfaction"
    ] == 0.0

    client.login(username="stats_reg", password=TEST_PASSWORD)
    page = client.get("/stats/units/?kind=month&year=2026&number=3&sort=on_time").content.decode()
    assert "按期办结率" in page and "计算方法" in page and "—" in page
    assert page.index(f'data-unit="{tree.housing.pk}"') < page.index(f'data-unit="{tree.township_b.pk}"')


def test_exports_hold_the_page_figures(client: Client, tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    client.login(username="stats_reg", password=TEST_PASSWORD)
    response = client.get("/stats/export.xlsx?kind=month&year=2026&number=3")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["总体"].iter_rows(values_only=True))
    by_label = {(row[0], row[1]): row[2] for row in rows[2:]}
    assert (
        by_label[("来访", "批次")] == 3 and by_label[("来访", "人次")] == 10 and by_label[("来信", "件")] == 3
    )
    assert "按问题发生地"[1:] in book.sheetnames or "问题发生地" in book.sheetnames
    units = client.get("/stats/units/export.xlsx?kind=month&year=2026&number=3")
    assert units.status_code == 200 and "计算方法" in load_workbook(io.BytesIO(units.content)).sheetnames


def test_bad_period_keeps_input_and_says_why(client: Client, tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    client.login(username="stats_reg", password=TEST_PASSWORD)
    html = client.get("/stats/?kind=quarter&year=2026&number=7").content.decode()
    assert "E8501" in html or "统计周期不正确" in html
    html = client.get("/stats/?kind=range&date_from=2026-03-10&date_to=2026-03-01").content.decode()
    assert "结束日期不能早于开始日期" in html and 'value="2026-03-10"' in html


def report_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += ["|".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


def test_report_figures_equal_page_figures(client: Client, tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    client.login(username="stats_reg", password=TEST_PASSWORD)
    query = "kind=month&year=2026&number=3"
    response = client.get(f"/stats/report.docx?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = report_text(response.content)
    stats = statistics(county["registrar"], Scope(), month(2026, 3))
    h = stats.headline
    assert f"共登记信访事项{h['total'].value}件" in text
    assert f"接待群众来访{h['visit_batches'].value}批(次)、{h['visit_persons'].value}人(次)" in text
    assert f"其中集体访{h['collective_batches'].value}批(次)、{h['collective_persons'].value}人(次)" in text
    assert f"来信{h['channel_letter'].value}件，同比{h['channel_letter'].yoy.words}" in text  # 上升了200%
    for row in stats.breakdowns["region"]:
        assert f"{row.label}|{row.cases}|" in text
    # The page shows the same numbers.
    page = client.get(f"/stats/?{query}").content.decode()
    assert f'data-count="{h["total"].value}"' in page and f'data-persons="{h["visit_persons"].value}"' in page
    assert "一、总体情况" in text and "三、热点问题" in text and "四、各单位办理情况" in text
    import docx

    assert len(docx.Document(io.BytesIO(response.content)).inline_shapes) == 2  # topic chart and trend


def test_overview_sentence_with_empty_last_year(tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    from xinfang.stats.report import overview_sentences

    sentences = overview_sentences(statistics(county["registrar"], Scope(), month(2026, 2)))
    assert sentences[0].startswith("2026年2月，共登记信访事项1件，同比无可比数据")
    assert "接待群众来访1批(次)、3人(次)，上年同期无来访" in sentences[1]


def test_dashboard_carries_the_statistics_figures(client: Client, tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    import json

    client.login(username="stats_reg", password=TEST_PASSWORD)
    response = client.get("/stats/dashboard/?kind=month&year=2026&number=3")
    html = response.content.decode()
    assert response.status_code == 200
    assert "vendor/echarts/echarts.min.js" in html and "<script>" not in html  # no inline script (CSP)
    block = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    stats = statistics(county["registrar"], Scope(), month(2026, 3))
    assert {item["name"]: item["value"] for item in data["regions"]} == {
        r.label: r.cases for r in stats.breakdowns["region"]
    }
    assert [m["cases"] for m in data["trend"]][-2:] == [1, 7]  # February, March
    assert len(data["trend"]) == 12


def test_skip_level_visits_are_flagged_counted_and_listed(client: Client, tree: OrgTree) -> None:
    from xinfang.orgs.models import Organisation, OrgKind

    province_bureau = Organisation.objects.create(
        name="信访局", kind=OrgKind.PETITION_BUREAU, region_code="330000", parent=tree.province
    )
    province_desk = make_user(province_bureau, Role.REGISTRAR, "province_desk")
    county_desk = make_user(tree.bureau, Role.REGISTRAR, "county_desk")
    skipped = visit(
        province_desk, tree.township_a, at(2026, 3, 3, 9), head_count=6
    )  # a township's matter at the province
    letter = piece(province_desk, tree.township_a, at(2026, 3, 4, 9), "letter")  # letters are not visits
    local = visit(county_desk, tree.township_a, at(2026, 3, 5, 9))
    flags = dict(Case.objects.values_list("pk", "is_skip_level"))
    assert flags == {skipped.pk: True, letter.pk: False, local.pk: False}
    stats = statistics(province_desk, Scope(), month(2026, 3))
    assert (stats.headline["skip_level_batches"].value, stats.headline["skip_level_persons"].value) == (1, 6)
    client.login(username="province_desk", password=TEST_PASSWORD)
    assert ledger_total(client, stats.headline["skip_level_batches"].link) == 1
    from xinfang.stats.report import overview_sentences

    assert "越级访1批(次)、6人(次)" in overview_sentences(stats)[1]


def test_daily_hot_spots_with_early_warning_on_the_overview(client: Client, tree: OrgTree) -> None:
    from datetime import timedelta

    from xinfang.core import clock
    from xinfang.stats.hotspots import do_refresh_hotspots, hotspots_for
    from xinfang.stats.models import HotspotEntry

    desk = make_user(tree.bureau, Role.REGISTRAR, "hot_desk")
    today = timezone.localdate(clock.now())
    noise = []
    for day in range(10):
        when = timezone.make_aware(
            datetime.combine(today - timedelta(days=1 + day % 6), datetime.min.time())
        ) + timedelta(hours=9)
        noise.append(
            piece(
                desk,
                tree.village_a,
                when,
                "web",
                title=f"宝石社区工地夜间施工噪音扰民{day}",
                facts="宝石社区旁边工地每天夜间打桩施工，噪音很大，居民无法休息。",
                request="请求制止宝石社区工地夜间施工噪音",
            )
        )
    topics = [
        ("西溪街道学校乱收费", "学校收取补课费"),
        ("文三路路灯不亮", "路灯坏了"),
        ("公司拖欠工资", "拖欠三个月工资"),
    ]
    for index, (title, facts) in enumerate(topics * 3):
        when = timezone.make_aware(
            datetime.combine(today - timedelta(days=2 + index * 5), datetime.min.time())
        )
        piece(desk, tree.township_b, when, "letter", title=title, facts=facts, request="请求处理")
    # A confidential accusation about the same estate is never part of a hot spot.
    secret = piece(
        desk,
        tree.village_a,
        timezone.make_aware(datetime.combine(today - timedelta(days=2), datetime.min.time())),
        "letter",
        category=Category.ACCUSATION,
        accused_org=tree.housing,
        title="宝石社区工地夜间施工噪音 住建局科长受贿",
        facts="宝石社区旁边工地夜间施工，住建局科长收受好处费。",
        request="请求查处",
    )
    entries = do_refresh_hotspots(tree.county, today)
    assert entries and entries[0].rank == 1 and "宝石社区" in entries[0].place
    first = set(entries[0].case_ids)
    assert len(first & {case.pk for case in noise}) >= 8 and secret.pk not in first
    assert all(secret.pk not in entry.case_ids for entry in entries)
    do_refresh_hotspots(tree.county, today)  # the same day again replaces, never doubles
    assert HotspotEntry.objects.filter(territory=tree.county, computed_on=today).count() == len(entries)

    client.login(username="hot_desk", password=TEST_PASSWORD)
    page = client.get("/stats/dashboard/").content.decode()
    assert 'data-hotspot="1"' in page and "宝石社区" in page
    # A township's staff do not see the county's hot spots.
    assert hotspots_for(make_user(tree.township_b, Role.REGISTRAR)) == []


def test_workbench_daily_chart_counts_and_links(client: Client, tree: OrgTree) -> None:
    from xinfang.core import clock

    desk = make_user(tree.bureau, Role.REGISTRAR, "wb_desk")
    today = timezone.localdate(clock.now())
    piece(desk, tree.township_a, timezone.make_aware(datetime.combine(today, datetime.min.time())), "letter")
    client.login(username="wb_desk", password=TEST_PASSWORD)
    html = client.get("/").content.decode()
    block = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    assert block is not None
    import json

    daily = json.loads(block.group(1))["daily"]
    assert len(daily) == 30 and daily[-1]["value"] == 1 and sum(d["value"] for d in daily) == 1
    assert ledger_total(client, daily[-1]["link"]) == 1


def test_links_list_exactly_for_the_territory_itself_and_places_outside_the_scope(
    client: Client, tree: OrgTree, county
) -> None:  # type: ignore[no-untyped-def]
    at_county = piece(county["registrar"], tree.county, at(2026, 3, 14, 9), "letter")
    Case.objects.filter(pk__in=[at_county.pk, county["letter_1"].pk]).update(responsible_org=tree.housing)
    make_user(tree.housing, Role.HANDLER, "housing_stats")
    for username in ("stats_reg", "housing_stats"):
        client.login(username=username, password=TEST_PASSWORD)
        html = client.get("/stats/?kind=month&year=2026&number=3").content.decode()
        figures = counts_on_page(html)
        assert any("region_exact=on" in link for link, _ in figures) or username == "housing_stats"
        for link, count in figures:
            assert ledger_total(client, link) == count, (username, link)
    # The housing bureau's own statistics: its two cases, placed in the county and in a township.
    housing = statistics(make_user(tree.housing, Role.HANDLER), Scope(), month(2026, 3))
    assert housing.headline["total"].value == 2
    assert sorted(row.cases for row in housing.breakdowns["region"]) == [1, 1]


def test_hot_issue_profile_for_the_cause_analysis(tree: OrgTree, county) -> None:  # type: ignore[no-untyped-def]
    from xinfang.analysis.interfaces import Hotspot
    from xinfang.stats.report import hotspot_profiles

    letters = [county["letter_1"], county["letter_2"]]
    Case.objects.filter(pk=letters[0].pk).update(responsible_org=tree.housing, is_repeat=True)
    spot = Hotspot(
        rank=1, place="宝石社区", period="", heat=1.0, ids=tuple(c.number for c in letters), summary=""
    )
    profile = hotspot_profiles(county["registrar"], [spot])[1]
    topic = Case.objects.filter(pk=letters[0].pk).values_list("topic__parent__parent__name", flat=True).get()
    assert f"2件属“{topic}”类问题" in profile and "重复信访1件" in profile and "西湖区住建局" not in profile
    assert "住建局" in profile
    # Someone who may see none of the cases learns nothing from the profile.
    assert hotspot_profiles(make_user(tree.township_b, Role.HANDLER), [spot]) == {}
