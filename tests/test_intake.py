"""Smart intake at registration: suggestions shown through HTTP, accepted only by a person
(and then recorded with the model version), never revealing a case the user may not see."""

import re

import pytest
from django.test import Client

from tests.helpers import registration_post
from xinfang.analysis.actions import read_suggestion_tokens, suggestion_token
from xinfang.analysis.intake import addresses_differ, consequence_of
from xinfang.analysis.interfaces import PersonCandidate, Suggestion
from xinfang.analysis.models import AcceptedSuggestion, Capability
from xinfang.analysis.registry import forget_backends
from xinfang.cases.actions.register import PartyInput
from xinfang.cases.models import Case, CaseEvent, Category, Topic
from xinfang.orgs.roles import Role
from xinfang.people.actions import PetitionerInput
from xinfang.people.models import Petitioner
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_id_number, make_user, register_case

NOISE_TITLE = "宝石社区工地夜间施工噪音扰民"
NOISE_FACTS = "宝石社区旁边的工地每天晚上施工到凌晨两点，打桩机噪音很大，老人孩子无法休息。"
NOISE_REQUEST = "请求有关部门制止夜间施工，整治噪音扰民。"
NOISE = {"title": NOISE_TITLE, "facts": NOISE_FACTS, "request": NOISE_REQUEST}


def person(name: str, address: str, seq: int, phone: str) -> PartyInput:
    return PartyInput(
        PetitionerInput(name=name, id_number=make_id_number(seq=seq), phones=[phone], address=address)
    )


@pytest.fixture
def registrar(tree: OrgTree, client: Client):  # type: ignore[no-untyped-def]
    user = make_user(tree.bureau, Role.REGISTRAR, "intake_reg")
    client.login(username="intake_reg", password=TEST_PASSWORD)
    return user


def panel(client: Client, data: dict[str, str]) -> str:
    response = client.post("/register/suggestions/", data)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def tokens_in(html: str, capability: str) -> list[str]:
    return re.findall(
        rf'data-accept="{capability}" data-value="[^"]*"(?: data-topic-id="[^"]*")? data-token="([^"]+)"',
        html,
    )


def test_same_person_by_id_number_with_earlier_answer_and_consequence(
    client: Client, tree: OrgTree, registrar
) -> None:  # type: ignore[no-untyped-def]
    earlier = register_case(
        registrar,
        tree.township_a,
        **NOISE,
        parties=[person("王小明", "西湖区宝石社区5幢301室", 501, "13700000001")],
    )
    data = registration_post(
        tree.township_a,
        title="工地晚上施工太吵",
        facts="还是宝石社区旁边那个工地，晚上打桩，吵得睡不着。",
        request="请求制止夜间施工",
        petitioners=[{"role": "principal", "name": "王小明", "id_number": make_id_number(seq=501)}],
    )
    html = panel(client, data)
    assert 'id="intake-same-person"' in html and earlier.number in html
    assert "身份证号相同" in html
    # Still being handled: the same matter is not accepted again.
    assert "尚在办理期限内" in html


def test_homophone_name_and_same_address_found_without_id(client: Client, tree: OrgTree, registrar) -> None:  # type: ignore[no-untyped-def]
    earlier = register_case(
        registrar,
        tree.township_a,
        title="小区电梯长期故障",
        facts="电梯坏了三个月没人修。",
        request="请求维修电梯",
        parties=[person("张三丰", "西湖区魅力之城小区3栋201室", 502, "13700000002")],
    )
    data = registration_post(
        tree.township_a,
        title="拖欠工资",
        facts="公司拖欠工资。",
        request="请求支付工资",
        petitioners=[{"role": "principal", "name": "章三峰", "address": "魅力之城小区3栋201"}],
    )
    html = panel(client, data)
    assert earlier.number in html and "姓名同音" in html
    # A different person (another name at another address) is not offered.
    data["p-0-name"], data["p-0-address"] = "李四", "西溪街道某村"
    assert earlier.number not in panel(client, data)


def test_same_matter_by_another_person_and_topic_suggestions(
    client: Client, tree: OrgTree, registrar
) -> None:  # type: ignore[no-untyped-def]
    earlier = register_case(
        registrar,
        tree.township_a,
        **NOISE,
        parties=[person("赵六", "宝石社区1幢", 503, "13700000003")],
    )
    unrelated = register_case(
        registrar, tree.township_b, parties=[person("钱七", "西溪街道", 504, "13700000004")]
    )
    data = registration_post(
        tree.township_a,
        title="宝石社区工地夜间施工噪音",
        facts="宝石社区附近工地晚上打桩施工，噪音扰民，无法休息。",
        request="请求制止夜间施工噪音扰民",
        petitioners=[{"role": "principal", "name": "孙八", "address": "北山街道"}],
    )
    html = panel(client, data)
    assert 'id="intake-same-matter"' in html and earlier.number in html
    assert unrelated.number not in html.split('id="intake-similar"')[0]
    assert 'id="intake-topics"' in html and tokens_in(html, "topic")
    assert 'id="intake-kinds"' in html


def test_suggestions_change_nothing(client: Client, tree: OrgTree, registrar) -> None:  # type: ignore[no-untyped-def]
    register_case(registrar, tree.township_a, **NOISE)
    before = (Case.objects.count(), CaseEvent.objects.count(), AcceptedSuggestion.objects.count())
    panel(client, registration_post(tree.township_a, title=NOISE_TITLE, facts=NOISE_FACTS))
    assert (Case.objects.count(), CaseEvent.objects.count(), AcceptedSuggestion.objects.count()) == before
    assert Case.objects.filter(is_repeat=True).count() == 0


def test_accepting_suggestions_is_recorded_with_the_version(client: Client, tree: OrgTree, registrar) -> None:  # type: ignore[no-untyped-def]
    earlier = register_case(
        registrar,
        tree.township_a,
        **NOISE,
        parties=[person("赵六", "宝石社区1幢", 505, "13700000005")],
    )
    data = registration_post(
        tree.township_a,
        **NOISE,
        petitioners=[{"role": "principal", "name": "孙八", "address": "北山街道"}],
        token="tok-accept",
    )
    html = panel(client, data)
    matter_tokens = tokens_in(html, "same_matter")
    assert matter_tokens
    topic_value = re.search(r'data-accept="topic" data-value="([^"]+)"', html)
    assert topic_value is not None
    # The registrar accepts the same-matter suggestion and the kind, and picks a topic inside
    # the suggested class.
    first_level = topic_value.group(1).split(" › ")[0]
    topic = Topic.objects.filter(level=3, full_name__startswith=first_level + " › ").first()
    assert topic is not None
    data["topic"] = str(topic.pk)
    kind_token = suggestion_token(
        registrar, Capability.KIND, Suggestion("appeal", "申诉求决类", 0.7), "kind-rules-1"
    )
    data["accepted_suggestion"] = [matter_tokens[0], tokens_in(html, "topic")[0], kind_token]
    response = client.post("/register/", data)
    assert response.status_code == 302
    case = Case.objects.get(submission_token="tok-accept")
    accepted = {a.capability: a for a in AcceptedSuggestion.objects.filter(case=case)}
    assert set(accepted) == {Capability.SAME_MATTER, Capability.TOPIC, Capability.KIND}
    assert accepted[Capability.SAME_MATTER].value == str(earlier.pk)
    assert (
        accepted[Capability.TOPIC].version
        and accepted[Capability.SAME_MATTER].version == "same-matter-2/case-index-1"
    )
    assert case.is_repeat
    event = case.events.get(kind="suggestions_accepted")
    assert {item["capability"] for item in event.data["accepted"]} == set(accepted)
    # The earlier case is not named in this case's history (its readers may not see it).
    assert earlier.number not in str(event.data)
    assert [item["value"] for item in event.data["accepted"] if item["capability"] == "same_matter"] == [""]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "采用智能建议" in page


def test_a_suggestion_overridden_by_hand_or_forged_is_not_recorded(
    client: Client, tree: OrgTree, registrar
) -> None:  # type: ignore[no-untyped-def]
    other = make_user(tree.bureau, Role.REGISTRAR, "other_reg")
    data = registration_post(tree.township_a, token="tok-override")
    data["category"] = Category.SUGGESTION
    data["accepted_suggestion"] = [
        # accepted 申诉求决类, then changed the field by hand to 建议意见类
        suggestion_token(registrar, Capability.KIND, Suggestion("appeal", "申诉求决类", 0.7), "kind-rules-1"),
        # another user's token, and a forged one
        suggestion_token(other, Capability.KIND, Suggestion("suggestion", "建议意见类", 0.7), "kind-rules-1"),
        "forged:token",
    ]
    assert client.post("/register/", data).status_code == 302
    case = Case.objects.get(submission_token="tok-override")
    assert not AcceptedSuggestion.objects.filter(case=case).exists()
    assert not case.events.filter(kind="suggestions_accepted").exists()
    assert read_suggestion_tokens(registrar, ["forged:token"]) == []


def test_accepted_tokens_survive_a_form_error(client: Client, tree: OrgTree, registrar) -> None:  # type: ignore[no-untyped-def]
    token = suggestion_token(
        registrar, Capability.KIND, Suggestion("appeal", "申诉求决类", 0.7), "kind-rules-1"
    )
    data = registration_post(tree.township_a, request="", accepted_suggestion=[token])
    response = client.post("/register/", data)
    assert response.status_code == 400
    assert f'name="accepted_suggestion" value="{token}"' in response.content.decode()


def test_suggestions_never_reveal_a_case_the_user_may_not_see(client: Client, tree: OrgTree) -> None:
    bureau_reg = make_user(tree.bureau, Role.REGISTRAR, "bureau_reg")
    # A confidential accusation against the housing bureau, and a neighbour township's case.
    accusation = register_case(
        bureau_reg,
        tree.county,
        category=Category.ACCUSATION,
        title="住建局工作人员收受开发商好处费",
        facts="住建局某科长收受宝石社区开发商好处费，对违建不管不问。",
        request="请求查处住建局科长受贿问题",
        accused_org=tree.housing,
        accused="住建局某科长",
        parties=[person("举报人甲", "宝石社区2幢", 506, "13700000006")],
    )
    neighbour = register_case(
        make_user(tree.township_b, Role.REGISTRAR, "west_reg"),
        tree.township_b,
        **NOISE,
        parties=[person("举报人甲", "宝石社区2幢", 507, "13700000007")],
    )
    make_user(tree.housing, Role.REGISTRAR, "housing_reg")
    client.login(username="housing_reg", password=TEST_PASSWORD)
    data = registration_post(
        tree.housing,
        title="住建局工作人员收受开发商好处费",
        facts="住建局某科长收受宝石社区开发商好处费，对违建不管不问。",
        request="请求查处住建局科长受贿问题",
        petitioners=[
            {"role": "principal", "name": "举报人甲", "address": "宝石社区2幢", "phones": "13700000006"}
        ],
    )
    data["place_region"] = str(tree.county.pk)
    response = client.post("/register/suggestions/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert accusation.number not in html and neighbour.number not in html
    # The bureau sees both (its jurisdiction), so the index did find them.
    client.login(username="bureau_reg", password=TEST_PASSWORD)
    html = panel(client, data)
    assert accusation.number in html and neighbour.number in html


def test_case_page_panel_lists_similar_earlier_cases(client: Client, tree: OrgTree, registrar) -> None:  # type: ignore[no-untyped-def]
    earlier = register_case(registrar, tree.township_a, **NOISE)
    later = register_case(
        registrar,
        tree.township_a,
        title="宝石社区夜间施工噪音",
        facts="工地夜间施工噪音扰民。",
        request="请求整治施工噪音",
        parties=[person("孙八", "北山街道", 508, "13700000008")],
    )
    page = client.get(f"/cases/{later.pk}/").content.decode()
    assert f"/cases/{later.pk}/suggestions/" in page
    html = client.get(f"/cases/{later.pk}/suggestions/").content.decode()
    assert earlier.number in html and f">{later.number}<" not in html
    assert "采用" not in html  # the case page lists; it offers nothing to accept
    assert client.get("/cases/999999/suggestions/").status_code == 404


def test_only_registrars_ask_for_registration_suggestions(client: Client, tree: OrgTree) -> None:
    make_user(tree.bureau, Role.AUDITOR, "auditor1")
    client.login(username="auditor1", password=TEST_PASSWORD)
    assert client.post("/register/suggestions/", {"title": "噪音"}).status_code == 403


@pytest.mark.parametrize(
    ("status", "re_reviewed", "expected"),
    [
        ("in_progress", False, "尚在办理期限内"),
        ("registered", False, "尚在办理期限内"),
        ("re_review_decided", False, "不再受理"),
        ("concluded", True, "不再受理"),
        ("replied", False, "已答复"),
        ("concluded", False, ""),
    ],
)
def test_legal_consequence_of_an_earlier_case(status: str, re_reviewed: bool, expected: str) -> None:
    text = consequence_of(status, re_reviewed)
    assert (expected in text) if expected else text == ""


def test_routing_page_suggests_the_unit_that_handled_similar_cases_and_records_acceptance(
    tree: OrgTree,
) -> None:
    from tests.lifecycle_helpers import SEQ, client_for, make_people, step

    people = make_people(tree)
    client = client_for(people.registrar)
    for seq in range(3):
        earlier = register_case(
            people.registrar,
            tree.township_a,
            title=f"宝石社区违章搭建阳光房{seq}",
            facts="楼顶违章搭建阳光房，影响采光和安全。",
            request="请求拆除违章建筑",
            parties=[person(f"住户{seq}", "宝石社区3幢", 600 + seq, f"1370000010{seq}")],
        )
        step(client, earlier, "transfer", target_org=str(tree.housing.pk), note="请核实处理")
    case = register_case(
        people.registrar,
        tree.township_a,
        title="宝石社区楼顶违章搭建",
        facts="有人在楼顶违章搭建阳光房。",
        request="请求拆除违章建筑",
        parties=[person("住户九", "宝石社区9幢", 609, "13700000109")],
    )
    page = client.get(f"/cases/{case.pk}/steps/transfer/").content.decode()
    offered = re.search(r'data-accept="unit" data-value="(\d+)" data-token="([^"]+)"', page)
    assert offered is not None and offered.group(1) == str(tree.housing.pk)
    assert "最相似的" in page
    shown_seq = SEQ.search(page)
    assert shown_seq is not None
    response = client.post(
        f"/cases/{case.pk}/steps/transfer/",
        {
            "expected_seq": shown_seq.group(1),
            "target_org": str(tree.housing.pk),
            "note": "",
            "accepted_suggestion": offered.group(2),
        },
    )
    assert response.status_code == 302
    accepted = AcceptedSuggestion.objects.get(case=case)
    assert accepted.capability == Capability.UNIT and accepted.value == str(tree.housing.pk)
    assert accepted.version == "unit-neighbours-1"


class EveryCaseSearch:
    """A deployment's own similar-case search: every case is similar (to show it is used, and
    that what it returns still goes through the user's scope)."""

    version = "every-case-1"

    def search(self, *, limit: int, **_: str) -> list[tuple[int, float]]:
        return [(pk, 0.9) for pk in Case.objects.order_by("-pk").values_list("pk", flat=True)[:limit]]


class EveryPersonMatcher:
    version = "every-person-1"

    def candidates(self, **_: object) -> list[PersonCandidate]:
        return [
            PersonCandidate(pk, 0.5, ("外部比对",)) for pk in Petitioner.objects.values_list("pk", flat=True)
        ]


def test_similar_case_search_and_person_matching_are_pluggable_and_still_scoped(
    client: Client, tree: OrgTree, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ANALYSIS_BACKENDS = {
        "similar": "tests.test_intake.EveryCaseSearch",
        "person": "tests.test_intake.EveryPersonMatcher",
    }
    forget_backends()
    try:
        bureau_reg = make_user(tree.bureau, Role.REGISTRAR, "plug_bureau_reg")
        own = register_case(
            make_user(tree.township_a, Role.REGISTRAR, "plug_east_reg"),
            tree.township_a,
            title="小区电梯长期故障",
            parties=[person("周九", "魅力之城小区", 508, "13700000008")],
        )
        neighbour = register_case(
            bureau_reg,
            tree.township_b,
            title="道路破损",
            parties=[person("吴十", "西溪街道", 509, "13700000009")],
        )
        client.login(username="plug_east_reg", password=TEST_PASSWORD)
        data = registration_post(
            tree.township_a,
            title="拖欠工资",
            facts="公司拖欠工资三个月。",
            request="请求支付工资",
            petitioners=[{"role": "principal", "name": "郑一", "address": "北山街道"}],
        )
        html = panel(client, data)
        same_person, same_matter = (
            html.split('id="intake-same-person"')[1],
            html.split('id="intake-same-matter"')[1],
        )
        assert own.number in same_person and "外部比对" in same_person
        assert own.number in same_matter
        # The plugged-in backends name every case; the township's registrar still sees only its own.
        assert neighbour.number not in html
        token = tokens_in(html, "same_matter")[0]
        assert read_suggestion_tokens(make_user(tree.township_a, Role.REGISTRAR, "plug_other"), [token]) == []
        data["accepted_suggestion"] = [token]
        data["submission_token"] = "tok-plug"
        assert client.post("/register/", data).status_code == 302
        accepted = AcceptedSuggestion.objects.get(case__submission_token="tok-plug")
        assert accepted.version == "same-matter-2/every-case-1"
    finally:
        forget_backends()


@pytest.mark.parametrize(
    ("first", "second", "differ"),
    [
        ("转塘街道兰苑25幢", "转塘街道文鼎苑8幢", True),
        ("转塘街道兰苑25幢", "转塘街道兰苑3幢201室", False),
        ("文三路100号", "文三路102号3幢", False),
        ("转塘街道", "转塘街道兰苑", False),  # a street and an estate in it may be one place
        ("", "转塘街道兰苑", False),  # an address not given differs from nothing
    ],
)
def test_addresses_differ(first: str, second: str, differ: bool) -> None:
    assert addresses_differ(first, second) is differ


def test_the_same_words_about_another_estate_are_not_the_same_matter(
    client: Client, tree: OrgTree, registrar
) -> None:  # type: ignore[no-untyped-def]
    same_estate = register_case(
        registrar,
        tree.township_a,
        **NOISE,
        place_address="宝石社区5幢",
        parties=[person("赵一", "宝石社区5幢", 511, "13700000011")],
    )
    other_estate = register_case(
        registrar,
        tree.township_a,
        **NOISE,
        place_address="翠苑小区2幢",
        parties=[person("钱二", "翠苑小区2幢", 512, "13700000012")],
    )
    data = registration_post(
        tree.township_a,
        title="宝石社区工地夜间施工噪音",
        facts="宝石社区附近工地晚上打桩施工，噪音扰民，无法休息。",
        request="请求制止夜间施工噪音扰民",
        petitioners=[{"role": "principal", "name": "孙三", "address": "北山街道"}],
    )
    data["place_address"] = "宝石社区3幢"
    html = panel(client, data)
    same_matter = html.split('id="intake-same-matter"')[1].split('id="intake-similar"')[0]
    assert same_estate.number in same_matter and other_estate.number not in same_matter
    similar = html.split('id="intake-similar"')[1]
    assert other_estate.number in similar and "地点不同：翠苑小区2幢" in similar
