"""The screening ledger (矛盾纠纷排查台账) through the pages: reporting a risk, who sees it,
closing it (销号) with a note and evidence, overdue risks, weekly rounds, the export, and
the system's own signals shown beside the ledger."""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from tests.helpers import EXE_BYTES, PNG_BYTES
from xinfang.cases.actions.register import PartyInput
from xinfang.cases.models import Channel, PartyRole
from xinfang.cases.uploads import storage_path
from xinfang.core import clock
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.roles import Role
from xinfang.people.actions import PetitionerInput
from xinfang.screening.models import RiskStatus, RoundStatus, ScreeningRisk, ScreeningRound
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_id_number, make_user, register_case

DESCRIPTION = "宝石社区3幢与物业因停车位收费发生纠纷，业主约30人多次聚集，情绪激动"


@dataclass
class People:
    grid: User  # 宝石社区 grid worker (an account of the village)
    head_a: User  # 北山街道 unit head: the responsible unit
    handler_a: User  # 北山街道 handler
    reg_a: User  # 北山街道 registrar
    head_b: User  # 西溪街道 unit head: a neighbouring township
    bureau_head: User  # 区信访局 unit head: sees the whole county
    bureau_reg: User  # 区信访局 registrar
    housing_head: User  # 区住建局 unit head


@pytest.fixture
def people(tree: OrgTree) -> People:
    return People(
        grid=make_user(tree.village_a, Role.REGISTRAR, "grid"),
        head_a=make_user(tree.township_a, Role.UNIT_HEAD, "head_a"),
        handler_a=make_user(tree.township_a, Role.HANDLER, "handler_a"),
        reg_a=make_user(tree.township_a, Role.REGISTRAR, "reg_a"),
        head_b=make_user(tree.township_b, Role.UNIT_HEAD, "head_b"),
        bureau_head=make_user(tree.bureau, Role.UNIT_HEAD, "bureau_head"),
        bureau_reg=make_user(tree.bureau, Role.REGISTRAR, "bureau_reg"),
        housing_head=make_user(tree.housing, Role.UNIT_HEAD, "housing_head"),
    )


def login(client: Client, user: User) -> Client:
    client.logout()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def today():  # type: ignore[no-untyped-def]
    return clock.local_now().date()


def report_post(place: Organisation, responsible: Organisation, **overrides: str) -> dict[str, str]:
    data = {
        "round": "",
        "reporter_kind": "grid_worker",
        "place_region": str(place.pk),
        "place_address": "宝石社区3幢",
        "description": DESCRIPTION,
        "level": "high",
        "responsible_org": str(responsible.pk),
        "deadline": (today() + timedelta(days=7)).isoformat(),
        "related_case": "",
    }
    data.update(overrides)
    return data


def report(client: Client, place: Organisation, responsible: Organisation, **overrides: str) -> ScreeningRisk:
    response = client.post("/screening/report/", report_post(place, responsible, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    risk = ScreeningRisk.objects.order_by("-id").first()
    assert risk is not None and response["Location"] == f"/screening/risks/{risk.pk}/"
    return risk


def board_ids(client: Client, query: str = "") -> list[int]:
    response = client.get(f"/screening/?{query}")
    assert response.status_code == 200
    return [risk.pk for risk in response.context["rows"]]


def close(client: Client, risk: ScreeningRisk, note: str = "", file: SimpleUploadedFile | None = None):  # type: ignore[no-untyped-def]
    data: dict[str, object] = {"note": note}
    if file is not None:
        data["evidence"] = file
    return client.post(f"/screening/risks/{risk.pk}/close/", data)


def png(name: str = "调解协议.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def assert_refused(response, code: str, status: int) -> str:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    assert response.status_code == status, body[:2000]
    assert code in body
    return body


# --- reporting and who sees a risk ---------------------------------------------------------------


def test_reported_risk_shows_on_the_board_of_its_area_only(
    client: Client, tree: OrgTree, people: People
) -> None:
    login(client, people.grid)
    assert "矛盾纠纷排查" in client.get("/").content.decode()
    assert client.get("/screening/report/").status_code == 200
    risk = report(client, tree.village_a, tree.township_a)
    assert risk.reporter == people.grid and risk.reporting_org == tree.village_a
    assert risk.reporter_kind == "grid_worker" and risk.status == RiskStatus.OPEN and risk.round is None
    assert board_ids(client) == [risk.pk]
    assert DESCRIPTION[:20] in client.get(f"/screening/risks/{risk.pk}/").content.decode()

    # The township responsible for it and the county's bureau see it; so do their counts.
    for user in (people.head_a, people.bureau_head):
        login(client, user)
        assert board_ids(client) == [risk.pk]
        assert client.get("/screening/").context["counts"].open_high == 1

    # A neighbouring township and a county department do not: not on the board, not by its id.
    for user in (people.head_b, people.housing_head):
        login(client, user)
        assert board_ids(client) == []
        assert client.get("/screening/").context["counts"].open_high == 0
        assert_refused(client.get(f"/screening/risks/{risk.pk}/"), "E8307", 404)
        assert_refused(client.get("/screening/risks/999999/"), "E8307", 404)


def test_report_refusals_keep_the_typed_input(client: Client, tree: OrgTree, people: People) -> None:
    login(client, people.grid)
    # A deadline already passed.
    yesterday = (today() - timedelta(days=1)).isoformat()
    body = assert_refused(
        client.post("/screening/report/", report_post(tree.village_a, tree.township_a, deadline=yesterday)),
        "E8313",
        400,
    )
    assert "化解时限不能早于今天" in body and DESCRIPTION in body
    # No ID numbers or phones in a ledger kept in clear.
    text = f"业主张三（{make_id_number(seq=77)}）组织聚集"
    body = assert_refused(
        client.post("/screening/report/", report_post(tree.village_a, tree.township_a, description=text)),
        "E8318",
        400,
    )
    assert "组织聚集" in body
    # A place outside the reporter's area, a responsible unit two levels up.
    data = report_post(tree.township_b, tree.township_a)
    assert_refused(client.post("/screening/report/", data), "E8308", 400)
    data = report_post(tree.village_a, tree.housing)
    assert_refused(client.post("/screening/report/", data), "E8312", 400)
    # A case the reporter may not see cannot be linked (and is not revealed).
    case = register_case(people.bureau_reg, tree.township_a)
    data = report_post(tree.village_a, tree.township_a, related_case=case.number)
    assert_refused(client.post("/screening/report/", data), "E4001", 400)
    assert not ScreeningRisk.objects.exists()

    # The bureau sees the case: the link is kept, and shown only to those who see the case too.
    login(client, people.bureau_reg)
    risk = report(client, tree.village_a, tree.housing, reporter_kind="staff", related_case=case.number)
    assert risk.related_case == case
    assert case.number in client.get(f"/screening/risks/{risk.pk}/").content.decode()
    login(client, people.head_a)
    page = client.get(f"/screening/risks/{risk.pk}/").content.decode()
    assert case.number not in page  # the place is theirs, the case is not


def test_auditor_may_not_report(client: Client, tree: OrgTree) -> None:
    auditor = make_user(tree.county, Role.AUDITOR, "auditor")
    login(client, auditor)
    assert_refused(client.get("/screening/report/"), "E8306", 403)
    assert_refused(client.post("/screening/report/", report_post(tree.county, tree.county)), "E8306", 403)


# --- closing (销号) -------------------------------------------------------------------------------


@pytest.fixture
def risk(client: Client, tree: OrgTree, people: People) -> ScreeningRisk:
    login(client, people.grid)
    return report(client, tree.village_a, tree.township_a)


def test_closing_needs_a_note_and_evidence_checked_by_content(
    client: Client, tree: OrgTree, people: People, risk: ScreeningRisk
) -> None:
    login(client, people.head_a)
    assert 'id="close-form"' in client.get(f"/screening/risks/{risk.pk}/").content.decode()
    note = "经社区调委会调解，物业同意按月收费，双方签订调解协议"

    body = assert_refused(close(client, risk, note), "E8316", 400)
    assert "销号须上传佐证材料" in body and note in body
    body = assert_refused(close(client, risk, "", png()), "E8315", 400)
    assert "销号须填写化解情况说明" in body
    # An executable renamed .pdf is refused by its content; the note is kept.
    renamed = SimpleUploadedFile("协议.pdf", EXE_BYTES, content_type="application/pdf")
    body = assert_refused(close(client, risk, note, renamed), "E3003", 400)
    assert note in body
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN and not risk.evidence_storage_name

    response = close(client, risk, note, png())
    assert response.status_code == 302, response.content.decode()[:2000]
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CLOSED and risk.closed_by == people.head_a
    assert risk.closing_note == note and risk.evidence_name == "调解协议.png"
    assert risk.evidence_content_type == "image/png" and risk.evidence_size == len(PNG_BYTES)
    # Stored outside the web root under a random name, served only through the access check.
    stored = storage_path(risk.evidence_storage_name)
    assert stored.read_bytes() == PNG_BYTES
    assert str(stored).startswith(str(settings.ATTACHMENT_ROOT))
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    page = client.get(f"/screening/risks/{risk.pk}/").content.decode()
    assert "已销号" in page and note in page and 'id="close-form"' not in page
    download = client.get(f"/screening/risks/{risk.pk}/evidence/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG_BYTES  # type: ignore[attr-defined]
    login(client, people.head_b)
    assert_refused(client.get(f"/screening/risks/{risk.pk}/evidence/"), "E8307", 404)

    # Closed once: a second 销号 is refused.
    login(client, people.head_a)
    assert_refused(close(client, risk, note, png()), "E8317", 409)
    assert board_ids(client, "status=closed") == [risk.pk]
    assert board_ids(client, "status=open") == []


def test_only_the_responsible_unit_or_the_round_organiser_may_close(
    client: Client, tree: OrgTree, people: People, risk: ScreeningRisk
) -> None:
    # The county bureau sees the risk but is neither the responsible unit nor ran a round.
    login(client, people.bureau_head)
    assert 'id="close-form"' not in client.get(f"/screening/risks/{risk.pk}/").content.decode()
    assert_refused(close(client, risk, "已化解", png()), "E8314", 403)
    # A neighbouring township cannot even find it; a registrar of the responsible unit may not close.
    login(client, people.head_b)
    assert_refused(close(client, risk, "已化解", png()), "E8307", 404)
    login(client, people.reg_a)
    assert_refused(close(client, risk, "已化解", png()), "E8314", 403)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN

    # The responsible unit's handler may.
    login(client, people.handler_a)
    assert close(client, risk, "已化解", png()).status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CLOSED and risk.closed_by == people.handler_a


# --- overdue ------------------------------------------------------------------------------------


def test_open_risk_past_its_deadline_is_overdue_and_first(
    client: Client, tree: OrgTree, people: People, risk: ScreeningRisk
) -> None:
    login(client, people.grid)
    low = report(client, tree.village_a, tree.township_a, level="low")
    later_high = report(
        client,
        tree.village_a,
        tree.township_a,
        level="high",
        deadline=(today() + timedelta(days=30)).isoformat(),
    )
    assert board_ids(client) == [risk.pk, later_high.pk, low.pk]  # high before low, then by deadline

    # Time passes: the low-level risk's deadline is three days gone.
    ScreeningRisk.objects.filter(pk=low.pk).update(deadline=today() - timedelta(days=3))
    response = client.get("/screening/")
    assert [r.pk for r in response.context["rows"]] == [low.pk, risk.pk, later_high.pk]
    assert response.context["counts"].overdue == 1
    assert response.context["counts"].due_soon == 1  # `risk`, due in 7 days
    body = response.content.decode()
    row = body[body.index(f'data-risk="{low.pk}"') - 40 : body.index(f'data-risk="{risk.pk}"')]
    assert "table-danger" in row and "已超期" in row
    assert board_ids(client, "overdue=1") == [low.pk]
    assert board_ids(client, "due_soon=1") == [risk.pk]
    assert "已超期 3 日" in client.get(f"/screening/risks/{low.pk}/").content.decode()

    # Closed, it is no longer overdue.
    login(client, people.head_a)
    assert close(client, ScreeningRisk.objects.get(pk=low.pk), "已化解", png()).status_code == 302
    assert board_ids(client, "overdue=1") == []


# --- rounds -------------------------------------------------------------------------------------


def test_weekly_round_with_risks_reported_into_it(client: Client, tree: OrgTree, people: People) -> None:
    login(client, people.grid)
    assert 'id="round-form"' not in client.get("/screening/rounds/").content.decode()
    data = {"organisation": str(tree.village_a.pk), "period_kind": "weekly", "day": today().isoformat()}
    assert_refused(client.post("/screening/rounds/", data), "E8301", 403)

    login(client, people.bureau_head)
    data = {"organisation": str(tree.county.pk), "period_kind": "weekly", "day": today().isoformat()}
    response = client.post("/screening/rounds/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    weekly = ScreeningRound.objects.get()
    start = today() - timedelta(days=today().weekday())
    assert (weekly.period_start, weekly.period_end) == (start, start + timedelta(days=6))
    assert weekly.organisation == tree.county and weekly.status == RoundStatus.OPEN
    body = assert_refused(client.post("/screening/rounds/", data), "E8302", 400)
    assert "已组织过同类排查" in body
    assert ScreeningRound.objects.count() == 1

    # The village's grid worker reports into the county's round.
    login(client, people.grid)
    assert str(weekly) in client.get("/screening/report/").content.decode()
    first = report(client, tree.village_a, tree.township_a, round=str(weekly.pk))
    second = report(client, tree.village_a, tree.village_a, round=str(weekly.pk), level="medium")
    adhoc = report(client, tree.village_a, tree.township_a, level="low")
    assert first.round == weekly and second.round == weekly and adhoc.round is None
    assert set(board_ids(client, f"round={weekly.pk}")) == {first.pk, second.pk}

    # The rounds page counts only risks the viewer may see.
    login(client, people.bureau_head)
    rows = {r.pk: r for r in client.get("/screening/rounds/").context["rounds"]}
    assert rows[weekly.pk].risk_count == 2 and rows[weekly.pk].open_count == 2
    login(client, people.head_b)
    rows = {r.pk: r for r in client.get("/screening/rounds/").context["rounds"]}
    assert rows[weekly.pk].risk_count == 0

    # The organisation that ran the round may close its risks.
    login(client, people.bureau_head)
    assert close(client, second, "已化解", png()).status_code == 302

    # Ended, it takes no more reports.
    assert client.post(f"/screening/rounds/{weekly.pk}/close/").status_code == 302
    weekly.refresh_from_db()
    assert weekly.status == RoundStatus.CLOSED and weekly.closed_by == people.bureau_head
    assert_refused(client.post(f"/screening/rounds/{weekly.pk}/close/"), "E8304", 409)
    login(client, people.grid)
    response = client.post(
        "/screening/report/", report_post(tree.village_a, tree.township_a, round=str(weekly.pk))
    )
    assert response.status_code == 400
    assert ScreeningRisk.objects.count() == 3


def test_monthly_round_and_hidden_rounds(client: Client, tree: OrgTree, people: People) -> None:
    login(client, people.head_a)
    data = {"organisation": str(tree.township_a.pk), "period_kind": "monthly", "day": today().isoformat()}
    assert client.post("/screening/rounds/", data).status_code == 302
    monthly = ScreeningRound.objects.get()
    assert monthly.period_start == today().replace(day=1) and monthly.period_end.month == today().month
    assert (monthly.period_end + timedelta(days=1)).day == 1
    # A township outside the head's scope cannot be chosen; a neighbour cannot see or end the round.
    data["organisation"] = str(tree.township_b.pk)
    assert client.post("/screening/rounds/", data).status_code == 400
    login(client, people.head_b)
    assert monthly.pk not in [r.pk for r in client.get("/screening/rounds/").context["rounds"]]
    assert_refused(client.post(f"/screening/rounds/{monthly.pk}/close/"), "E8303", 404)


# --- the system's own signals, and the export ----------------------------------------------------


def test_system_signal_panel_counts_a_collective_visit(client: Client, tree: OrgTree, people: People) -> None:
    representatives = [
        PartyInput(PetitionerInput(name=f"代表{i}", phones=[f"1390000000{i}"]), PartyRole.REPRESENTATIVE)
        for i in range(2)
    ]
    collective = register_case(
        people.bureau_reg,
        tree.township_b,
        channel=Channel.VISIT,
        head_count=20,
        parties=representatives,
        title="集体反映征地补偿",
    )
    register_case(people.bureau_reg, tree.township_b, title="来访反映路灯不亮")
    old = register_case(
        people.bureau_reg,
        tree.township_b,
        channel=Channel.VISIT,
        head_count=20,
        parties=representatives,
        received_at=clock.now() - timedelta(days=45),
    )
    assert collective.is_collective and old.is_collective

    login(client, people.bureau_head)
    response = client.get("/screening/")
    signals = response.context["signals"]
    assert signals.collective == 1
    # The case received 45 days ago was never routed: its clock has lapsed, and the link agrees.
    assert signals.overdue_deadlines == 1
    overdue = client.get("/supervision/?level=overdue")
    assert overdue.context["total"] == signals.overdue_deadlines
    body = response.content.decode()
    panel = body[body.index('id="system-signals"') :]
    link = f"/ledger/?collective=true&amp;date_from={(today() - timedelta(days=30)).isoformat()}"
    assert link in panel and 'id="signal-collective">1<' in panel
    # The link lists exactly the counted case.
    ledger = client.get(link.replace("&amp;", "&"))
    assert [case.number for case in ledger.context["rows"]] == [collective.number]

    # A township that cannot see the case does not count it.
    login(client, people.head_a)
    assert client.get("/screening/").context["signals"].collective == 0


def test_export_holds_the_visible_ledger(client: Client, tree: OrgTree, people: People) -> None:
    login(client, people.grid)
    formula = '=HYPERLINK("http://example.com") 小区门口摊贩占道纠纷'
    report(client, tree.village_a, tree.township_a, description=formula, level="medium")
    login(client, people.head_b)
    report(
        client,
        tree.township_b,
        tree.township_b,
        description="西溪街道某村宅基地边界纠纷",
        reporter_kind="info_officer",
    )

    login(client, people.bureau_head)
    response = client.get("/screening/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 3
    descriptions = {row[8] for row in rows[1:]}
    assert formula in descriptions  # kept as text, not run as a formula
    cell = next(c for c in sheet["I"] if c.value == formula)
    assert cell.data_type == "s"

    login(client, people.head_a)
    sheet = load_workbook(io.BytesIO(client.get("/screening/export.xlsx?level=medium").content)).active
    assert sheet is not None
    assert [row[8] for row in sheet.iter_rows(min_row=2, values_only=True)] == [formula]
    assert_refused(client.get("/screening/export.xlsx?level=extreme"), "E8319", 400)
