"""Finding the same person without an ID number: homophones, one wrong character, addresses
written longer or shorter; and the exact matches by ID number and phone."""

import pytest

from xinfang.cases.actions.register import PartyInput
from xinfang.orgs.roles import Role
from xinfang.people import matching
from xinfang.people.actions import PetitionerInput
from xinfang.people.models import PetitionerMatchKey
from xinfang.people.selectors import same_person_candidates
from xinfang.testing.factories import OrgTree, make_id_number, make_user, register_case


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("张三丰", "张三丰", "姓名相同"),
        ("张三丰", "章三峰", "姓名同音"),
        ("林小红", "林晓虹", "姓名同音"),
        ("林小红", "凌晓虹", "姓名近音"),  # -ng/-n folded
        ("陈小明", "岑小明", "姓名近音"),  # ch/c folded
        ("刘建国", "刘建华", "姓名仅一字不同"),
    ],
)
def test_name_similarity(a: str, b: str, reason: str) -> None:
    score, why = matching.name_similarity(a, b)
    assert why == reason and score >= 0.7


def test_names_unlike_score_low() -> None:
    assert matching.name_similarity("张三丰", "李四")[0] < 0.6


def test_name_keys_share_a_key_across_homophones_and_one_typo() -> None:
    assert matching.name_keys("张三丰") & matching.name_keys("章三峰")
    assert matching.name_keys("刘建国") & matching.name_keys("刘建华")
    assert not matching.name_keys("张三丰") & matching.name_keys("李四")
    assert matching.name_keys("王芳") == {"wan fan"}  # two syllables: the whole name only


def test_address_words_and_similarity() -> None:
    assert matching.address_words("A市A5区魅力之城小区3栋201") == {"魅力之城小区"}
    assert matching.address_words("湖南省长沙县莲花村五组") == {"莲花村"}
    assert matching.address_words("湖南省长沙市岳麓区望城坡街道枫林路12号") == {"望城坡街道", "枫林路"}
    assert matching.address_words("杭州市西湖区") == {"杭州市西湖区"}  # nothing more specific: the whole
    assert matching.address_similarity("A市A5区魅力之城小区3栋201", "魅力之城小区3栋201室") >= 0.9
    assert matching.address_similarity("魅力之城小区3栋201", "莲花村五组") < 0.5


def test_match_keys_pair_a_sound_alike_name_with_a_place() -> None:
    here = matching.match_keys("张三丰", "A市魅力之城小区3栋201")
    assert here & matching.match_keys("章三峰", "魅力之城小区3栋201室")  # homophone, same estate
    assert here & matching.match_keys("张山丰", "魅力之城小区")  # one syllable off, same estate
    assert not here & matching.match_keys("张三丰", "莲花村五组")  # same name, elsewhere
    assert not here & matching.match_keys("李四", "魅力之城小区3栋201")  # same estate, another name


def test_a_name_alone_is_not_a_person() -> None:
    assert not matching.person_similarity("张三", "魅力之城小区3栋", "张三", "莲花村五组").is_match
    match = matching.person_similarity(
        "张三丰", "魅力之城小区3栋201", "章三峰", "A市A5区魅力之城小区3栋201室"
    )
    assert match.is_match and match.reasons == ("姓名同音", "住址相同")


def test_candidates_by_id_phone_and_fuzzy_keys(tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    id_number = make_id_number(seq=777)
    case = register_case(
        registrar,
        parties=[
            PartyInput(
                PetitionerInput(
                    name="张三丰", id_number=id_number, phones=["13611112222"], address="魅力之城小区3栋201"
                )
            )
        ],
    )
    petitioner_id = case.parties.get().petitioner_id
    # Keys are digests: no name or address in clear.
    digests = list(
        PetitionerMatchKey.objects.filter(petitioner_id=petitioner_id).values_list("digest", flat=True)
    )
    assert digests and all(len(d) == 64 and "魅力" not in d for d in digests)

    by_id = same_person_candidates(name="", id_number=id_number)
    assert [(c.petitioner_id, c.reasons) for c in by_id] == [(petitioner_id, ("身份证号相同",))]
    by_phone = same_person_candidates(name="", phones=["136-1111-2222"])
    assert by_phone[0].petitioner_id == petitioner_id
    by_name = same_person_candidates(name="章三峰", address="A市魅力之城小区3栋201室")
    assert by_name and by_name[0].petitioner_id == petitioner_id
    assert same_person_candidates(name="章三峰", address="莲花村五组") == []


def test_backfill_gives_keys_to_petitioners_recorded_without_them(tree: OrgTree) -> None:
    from xinfang.core import crypto
    from xinfang.people.actions import do_backfill_match_keys
    from xinfang.people.models import Petitioner

    bare = Petitioner.objects.create(name="王小明", address_cipher=crypto.encrypt("宝石社区5幢301室"))
    anonymous = Petitioner.objects.create(is_anonymous=True)
    assert do_backfill_match_keys() == 1
    assert PetitionerMatchKey.objects.filter(petitioner=bare).exists()
    assert not PetitionerMatchKey.objects.filter(petitioner=anonymous).exists()
    assert do_backfill_match_keys() == 0
    assert same_person_candidates(name="王晓明", address="宝石社区5幢301")[0].petitioner_id == bare.pk


def test_a_known_person_at_a_new_address_is_found_there_too(tree: OrgTree) -> None:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    id_number = make_id_number(seq=778)
    first = register_case(
        registrar,
        parties=[PartyInput(PetitionerInput(name="赵明华", id_number=id_number, address="宝石社区5幢"))],
    )
    register_case(
        registrar,
        parties=[PartyInput(PetitionerInput(name="赵明华", id_number=id_number, address="莲花村三组"))],
    )
    petitioner_id = first.parties.get().petitioner_id
    assert [c.petitioner_id for c in same_person_candidates(name="赵明华", address="莲花村3组")] == [
        petitioner_id
    ]
    assert [c.petitioner_id for c in same_person_candidates(name="赵明华", address="宝石社区5幢")] == [
        petitioner_id
    ]
