"""The analysis text pipeline: folding, normalisation, segmentation with the domain dictionary,
place names, and the full-text index's tokens left as they were. Pure; no database."""

import pytest
from opencc import OpenCC

from xinfang.analysis.text import (
    Segmenter,
    add_dictionary_words,
    content_words,
    fold,
    index_tokens,
    normalise,
    place_names,
    query_tokens,
    read_word_list,
    segment,
    segmenter,
    to_simplified,
)


@pytest.mark.parametrize(
    ("given", "folded"),
    [
        ("東風村村委會的幹部", "东风村村委会的干部"),  # traditional → simplified
        ("我們的答覆與瞭解", "我们的答复与了解"),  # phrase rules on characters valid in both scripts
        ("ＡＢＣ１２３，ｘｙｚ", "abc123,xyz"),  # full-width letters, digits, comma
        ("反映\u3000\u3000问题\n\n  请 处理\t", "反映 问题 请 处理"),  # ideographic space, runs of space
        ("A3区Ｂ市", "a3区b市"),
        ("已经是简体的文字", "已经是简体的文字"),
        ("", ""),
    ],
)
def test_fold(given: str, folded: str) -> None:
    assert fold(given) == folded


def test_to_simplified_agrees_with_opencc_and_leaves_simplified_text_alone() -> None:
    converter = OpenCC("t2s")
    for text in ["請求政府處理違章建築", "頭髮乾淨", "回覆函覆反覆", "什么时候解决", "乾隆年间的老街", "麼"]:
        assert to_simplified(text) == converter.convert(text)
    plain = "小区物业乱收停车费，请有关部门处理。"
    assert to_simplified(plain) is plain  # no conversion run at all


def test_normalise_is_what_the_search_index_has_always_used() -> None:
    # normalise does no script folding: the stored index must not change under it.
    assert normalise("ＡＢＣ　東風") == "abc 東風"


@pytest.mark.parametrize(
    "word",
    [
        "拖欠农民工工资",
        "诉访分离",
        "信访处理意见书",
        "劳动仲裁",
        "噪音扰民",
        "违章建筑",
        "吃拿卡要",
        "棚户区改造",
    ],
)
def test_segment_keeps_domain_words_whole(word: str) -> None:
    assert word in read_word_list("words.txt")
    assert word in segment(f"群众反映{word}的问题，请求处理")


def test_segment_drops_punctuation_and_folds() -> None:
    assert segment("某公司拖欠農民工工資！！请处理。") == ["某", "公司", "拖欠农民工工资", "请", "处理"]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("A3区杜鹃文苑小区外的非法汽车检测站", ["a3区", "杜鹃文苑小区"]),
        ("在杜鹃路和雷峰大道交界处", ["杜鹃路", "雷峰大道"]),
        ("A2区暮云街道的交通规划", ["a2区", "暮云街道"]),
        ("长沙市岳麓区望月湖街道", ["长沙市", "岳麓区", "望月湖街道"]),
        ("金星村的养猪场臭气熏天", ["金星村"]),
        ("A5区魅力之城小区的噪音", ["a5区", "魅力之城小区"]),
        ("解放西路与人民东路路口拥堵", ["解放西路", "人民东路"]),
        # a verb or adjective before 小区 describes an estate, and before a road may say how one got there
        ("安置小区和老旧小区改造", []),
        ("车辆路过北路时被刮", []),
        ("到达西路口时", []),
        ("在此之前小区物业已经收费", []),
        ("众所周知小区停车难", []),
        # an ending after a pronoun or a common word names no place
        ("我们小区的物业不管事", []),
        ("该小区业主多次反映", []),
        ("这条路上坑洼不平", []),
        ("城中村改造和美丽乡村建设", []),
    ],
)
def test_place_names(text: str, places: list[str]) -> None:
    assert place_names(text) == places
    for place in places:
        assert place in segment(text)


def test_place_suffixes_come_from_the_data_file() -> None:
    suffixes = read_word_list("place_suffixes.txt")
    assert {"小区", "村", "路", "街道", "社区", "镇", "乡"} <= set(suffixes)
    assert segmenter().place_suffixes == frozenset(suffixes)


def test_organisation_names_become_words() -> None:
    # A fresh segmenter, so the process's shared one is not changed by this test.
    own = Segmenter(read_word_list("words.txt"), read_word_list("place_suffixes.txt"))
    text = "向西湖区宝石社区居委会反映"
    assert "宝石社区居委会" not in own.cut(text)
    assert own.add_words(["宝石社区居委会", "西湖區住建局", "局"]) == 2  # folded; one-character names skipped
    assert own.add_words(["宝石社区居委会"]) == 0
    assert "宝石社区居委会" in own.cut(text)
    assert "西湖区住建局" in own.cut("西湖区住建局不作为")


def test_add_dictionary_words_reaches_segment() -> None:
    name = "翠苑第一社区服务中心"
    add_dictionary_words([name])
    assert name in segment(f"到{name}办事")


def test_the_search_index_does_not_use_the_domain_dictionary() -> None:
    # Indexed tokens are stored: they must not depend on a dictionary that changes.
    assert {"拖欠", "农民工", "工资"} <= set(index_tokens("拖欠农民工工资"))
    assert "拖欠农民工工资" not in index_tokens("拖欠农民工工资")
    assert query_tokens("拖欠工资 噪音") == ["拖欠工资", "噪音"]
    # search mode holds every precise-mode word, so a query word is always indexed
    text = "西湖区宝石社区居委会拖欠农民工工资"
    assert set(query_tokens(text)) <= set(index_tokens(text))


def test_content_words_drop_function_words_and_numbers() -> None:
    assert content_words(segment("我们的小区已经没有路灯了")) == ["小区", "路灯"]
    assert content_words(["路灯", "2024", "坏了"]) == ["路灯", "坏了"]
