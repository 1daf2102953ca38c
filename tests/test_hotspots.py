"""Hot spots: a planted cluster among noise (through `analysis hotspots` on a CSV in tmp_path),
a steady matter and a lone writer that raise no warning, the heat and warning rules, a large
block, times and places, bad input, and (marked shared_data) the real message stream."""

import csv
import io
import json
import random
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from xinfang.analysis import hotspots
from xinfang.analysis.hotspots import (
    ClusterHotspotFinder,
    bigram_vectors,
    clean_place,
    cluster_block,
    parse_time,
    place_level,
)
from xinfang.analysis.interfaces import Message

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
NOW = datetime(2024, 6, 30, 20, 0, 0)
COLUMNS = ("id", "user", "title", "time", "text", "likes", "dislikes")

# ---------------------------------------------------------------- the fixture

# The planted matter: night-time construction noise next to one estate, written by eleven
# people in their own words (no two messages alike).
PLANTED_TITLES = (
    "A5区魅力之城小区旁工地夜间施工噪音扰民",
    "魅力之城小区附近工地半夜施工太吵了",
    "投诉A市A5区魅力之城小区周边工地夜间违规施工",
    "请管管魅力之城小区东边工地的施工噪音",
    "A5区魅力之城小区居民被夜间施工噪音折磨",
    "魅力之城小区旁建筑工地通宵施工扰民严重",
)
PLANTED_OPENINGS = (
    "我是A市A5区魅力之城小区的业主，",
    "本人住在A5区魅力之城小区，",
    "魅力之城小区的居民反映：",
    "尊敬的领导：我家在魅力之城小区7栋，",
)
PLANTED_FACTS = (
    "小区东侧的建筑工地最近每天晚上施工到凌晨两三点，",
    "旁边工地这半个月天天夜间施工，打桩机一直响到后半夜，",
    "工地晚上十点以后还在浇筑混凝土，搅拌车和打桩机的噪音非常大，",
    "隔壁工地夜里施工噪音巨大，渣土车整夜进进出出，",
)
PLANTED_HARMS = (
    "老人小孩根本无法休息，孩子第二天上课都没精神。",
    "整栋楼的居民都睡不着觉，严重影响休息和身体健康。",
    "我们已经连续多天失眠，家里老人血压都高了。",
    "夜间施工噪音严重扰民，居民苦不堪言。",
)
PLANTED_ASKS = (
    "多次打12345反映，工地白天停一下晚上照样干，请求相关部门依法查处夜间违规施工。",
    "请城管和环保部门尽快查处夜间施工噪音，还居民安静的夜晚。",
    "恳请有关部门督促施工单位停止夜间施工，依法处理噪音扰民问题。",
    "希望领导重视，责令工地晚上停工，不要再夜间施工扰民。",
)

PLACES = (
    ("A1区", "桐梓坡小区"),
    ("A2区", "丽发新城小区"),
    ("A3区", "梅溪湖路"),
    ("A4区", "富雅坪小区"),
    ("A6区", "金星路"),
    ("A7县", "星沙镇团山村"),
    ("A8县", "灰汤镇东山村"),
    ("A9市", "华庭苑"),
    ("A2区", "怡海星城小区"),
    ("A3区", "江滨家园"),
    ("A4区", "北湾景园小区"),
    ("A1区", "火炬路"),
)
# Topics of the noise: each a title and a text, with the place put in.
TOPICS = (
    (
        "{p}物业违规收取停车费",
        "{d}{p}的物业未经业主同意，利用小区公共道路划车位收取停车费，每月三百元，业主多次反映没有结果，请求查处违规收费。",
    ),
    (
        "{p}电梯经常故障",
        "{d}{p}的电梯三天两头停运，维修单位说配件要业主另外出钱，老人上下楼非常困难，请督促维保单位修好电梯。",
    ),
    (
        "{p}附近工地拖欠农民工工资",
        "我在{d}{p}附近的工地做钢筋工，包工头拖欠我们十几个工友半年工资共二十多万元，请劳动监察部门帮忙追讨。",
    ),
    (
        "{p}路灯不亮",
        "{d}{p}一带的路灯已经坏了两个多月，晚上漆黑一片，行人摔倒好几次，请有关部门尽快维修路灯。",
    ),
    ("{p}停水问题", "{d}{p}最近一周每天停水，没有任何通知，居民做饭洗澡都成问题，请供水公司给个说法。"),
    (
        "{p}学校乱收费",
        "{d}{p}附近的小学向学生收取资料费和补课费，每学期八百元，家长意见很大，请教育局查处乱收费。",
    ),
    (
        "{p}垃圾站臭气熏天",
        "{d}{p}旁边的垃圾中转站长期不清运，夏天臭气熏天，蚊蝇乱飞，请环卫部门及时清运并搬迁垃圾站。",
    ),
    (
        "{p}拆迁补偿不公",
        "{d}{p}的房屋征收补偿标准太低，同一片区补偿差距很大，我们要求公开补偿标准，公平对待每一户。",
    ),
    ("{p}道路坑洼", "{d}{p}的路面坑坑洼洼，下雨天全是积水，车辆通行困难，电动车经常摔倒，请求尽快修复路面。"),
    (
        "{p}烧烤摊油烟扰民",
        "{d}{p}楼下的烧烤摊每天营业到凌晨，油烟和吵闹声让楼上住户无法开窗，请城管部门管理占道经营。",
    ),
    ("咨询{p}公积金贷款", "我在{d}{p}买了二手房，想咨询住房公积金贷款的额度和办理流程，需要准备哪些材料？"),
    (
        "{p}违章搭建",
        "{d}{p}有住户在楼顶违章搭建彩钢房，存在安全隐患，也影响其他住户采光，请求城管部门依法拆除。",
    ),
    ("{p}幼儿园入园难", "{d}{p}周边只有一所公办幼儿园，报名人数太多，很多孩子上不了公办园，希望增加学位。"),
    (
        "{p}医保报销问题",
        "我是{d}{p}的居民，家人住院花了五万元，医保报销比例比规定的低，请医保局核实报销政策。",
    ),
    ("{p}快递乱堆放", "{d}{p}门口的快递点把包裹堆在人行道上，堵塞通道，行人只能走机动车道，请有关部门管理。"),
)


def _time(moment: datetime) -> str:
    return f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment:%M:%S}"


def planted_rows(generator: random.Random) -> list[dict[str, Any]]:
    users = [f"P{number:03d}" for number in range(11)]
    rows = []
    for number in range(15):
        # Twelve in the last week, three earlier in the month.
        days_ago = generator.uniform(0.2, 7) if number < 12 else generator.uniform(9, 25)
        text = "".join(
            (
                generator.choice(PLANTED_OPENINGS),
                generator.choice(PLANTED_FACTS),
                generator.choice(PLANTED_HARMS),
                generator.choice(PLANTED_ASKS),
            )
        )
        rows.append(
            {
                "id": f"hot{number}",
                "user": users[number % len(users)],
                "title": PLANTED_TITLES[number % len(PLANTED_TITLES)],
                "time": _time(NOW - timedelta(days=days_ago)),
                "text": text,
                "likes": str(generator.randrange(0, 30)),
                "dislikes": "0",
            }
        )
    return rows


def noise_rows(generator: random.Random, count: int = 240, days: int = 150) -> list[dict[str, Any]]:
    rows = []
    for number in range(count):
        district, place = generator.choice(PLACES)
        title, text = generator.choice(TOPICS)
        prefix = generator.choice(("", "反映", "关于"))
        rows.append(
            {
                "id": f"n{number}",
                "user": f"U{generator.randrange(10_000):04d}",
                "title": prefix + title.format(p=district + place, d=""),
                "time": _time(NOW - timedelta(days=generator.uniform(0, days))),
                "text": text.format(p=place, d=generator.choice(("", "A市", "A市" + district))),
                "likes": str(generator.choice((0, 0, 0, 1, 2, 5))),
                "dislikes": "0",
            }
        )
    # The planted estate's other matters: the same place, something else.
    for number, (title, text) in enumerate(TOPICS[:3]):
        rows.append(
            {
                "id": f"same-place{number}",
                "user": f"S{number}",
                "title": title.format(p="A5区魅力之城小区", d=""),
                "time": _time(NOW - timedelta(days=generator.uniform(0, 20))),
                "text": text.format(p="魅力之城小区", d="A市A5区"),
                "likes": "0",
                "dislikes": "0",
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_hotspots(*arguments: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("analysis", "hotspots", *arguments, stdout=out)
    result: list[dict[str, Any]] = json.loads(out.getvalue())
    return result


def as_messages(rows: list[dict[str, Any]]) -> list[Message]:
    return [
        Message(
            id=row["id"],
            user=row["user"],
            title=row["title"],
            text=row["text"],
            time=row["time"],
            likes=int(row.get("likes") or 0),
        )
        for row in rows
    ]


# ---------------------------------------------------------------- the planted cluster


def test_a_planted_cluster_among_noise_is_the_hottest_and_raises_a_warning(tmp_path: Path) -> None:
    generator = random.Random(7)
    planted = planted_rows(generator)
    rows = planted + noise_rows(generator)
    random.Random(3).shuffle(rows)
    source = write_csv(tmp_path / "messages.csv", rows)

    spots = run_hotspots("--input", str(source), "--top", "10")

    assert 1 <= len(spots) <= 10
    assert [spot["rank"] for spot in spots] == list(range(1, len(spots) + 1))
    assert all({"rank", "place", "period", "heat", "ids", "summary"} <= set(spot) for spot in spots)
    assert [spot["heat"] for spot in spots] == sorted((spot["heat"] for spot in spots), reverse=True)
    first = spots[0]
    assert "魅力之城" in first["place"] and "A5区" in first["place"]
    planted_ids = {row["id"] for row in planted}
    found = set(first["ids"])
    assert len(found & planted_ids) / len(planted_ids) >= 0.9  # recall
    assert len(found & planted_ids) / len(found) >= 0.9  # precision
    assert first["early_warning"] is True
    assert first["warning_reason"]
    assert first["persons"] >= 10 and first["likes"] > 0
    assert set(first["representative_ids"]) <= found and 1 <= len(first["representative_ids"]) <= 3
    terms = first["terms"][:3]
    assert {"噪音", "施工", "夜间施工", "工地", "扰民"} & set(terms), terms
    assert first["summary"].startswith(first["place"] + "：")
    assert "噪音" in first["summary"] or "施工" in first["summary"]
    start, end = first["period"].split("至")
    assert "2024-06-05" <= start <= end <= "2024-06-30"
    # The estate's other matters are not part of it.
    assert not any(item.startswith("same-place") for item in found)


def test_a_steady_matter_gets_no_warning_and_a_new_one_does() -> None:
    generator = random.Random(11)
    steady = []
    for window in range(4):  # five a month, for four months: its own baseline is five
        for number in range(5):
            steady.append(
                {
                    "id": f"steady{window}-{number}",
                    "user": f"W{window}{number}",
                    "title": "A6区解放西路的路灯不亮" if number % 2 else "解放西路路灯坏了没人修",
                    "time": _time(NOW - timedelta(days=window * 30 + generator.uniform(0.5, 29))),
                    "text": generator.choice(
                        (
                            "A6区解放西路一带的路灯又坏了，晚上漆黑一片，行人摔倒好几次，请尽快维修路灯。",
                            "解放西路的路灯好多天不亮了，晚上走路看不见，请路灯管理部门派人维修。",
                            "反映A6区解放西路路灯不亮的问题，天黑以后路上很危险，希望尽快修好。",
                        )
                    ),
                }
            )
    rows = steady + planted_rows(generator) + noise_rows(generator, count=150)

    spots = ClusterHotspotFinder().hotspots(as_messages(rows), top=20)

    by_id = {item: spot for spot in spots for item in spot.ids}
    lamp = by_id["steady0-0"]
    assert set(lamp.ids) >= {f"steady0-{n}" for n in range(5)} and lamp.count <= 6
    assert lamp.baseline is not None and lamp.baseline >= 4
    assert lamp.early_warning is False
    assert "未超过预警线" in lamp.warning_reason
    planted = by_id["hot0"]
    assert planted.early_warning is True and planted.baseline == 0 and planted.rank < lamp.rank


def test_one_writer_repeating_a_matter_raises_no_warning() -> None:
    generator = random.Random(4)
    repeated = [
        {
            "id": f"again{number}",
            "user": "R1",
            "title": "A3区麓山南路的井盖丢失",
            "time": _time(NOW - timedelta(days=generator.uniform(0, 10))),
            "text": "A3区麓山南路公交站旁的井盖丢了一个星期，晚上很危险，请市政部门尽快补上井盖。"
            + "再次反映" * (number % 3),
        }
        for number in range(6)
    ]

    spots = ClusterHotspotFinder().hotspots(as_messages(repeated + noise_rows(generator, count=80)), top=50)

    spot = next(spot for spot in spots if "again0" in spot.ids)
    assert spot.count == 6 and spot.persons == 1
    assert spot.early_warning is False and "只有1人反映" in spot.warning_reason


def test_without_earlier_data_growth_is_unknown_and_nothing_is_warned() -> None:
    rows = planted_rows(random.Random(5))

    (spot,) = ClusterHotspotFinder().hotspots(as_messages(rows))

    assert spot.growth is None and spot.baseline is None and spot.early_warning is False
    assert "无前期基线" in spot.summary


def test_the_window_ends_at_now_and_a_date_means_the_whole_day(tmp_path: Path) -> None:
    generator = random.Random(7)
    rows = planted_rows(generator) + noise_rows(generator)
    source = write_csv(tmp_path / "messages.csv", rows)

    before = run_hotspots("--input", str(source), "--now", "2024-05-01", "--window-days", "30")
    assert not any(item.startswith("hot") for spot in before for item in spot["ids"])

    today = run_hotspots("--input", str(source), "--now", "2024-06-30", "--top", "1")
    assert len(today) == 1 and "魅力之城" in today[0]["place"]


def test_heat_and_growth_follow_the_documented_formula() -> None:
    # Two messages from two writers, 10 likes, nothing earlier: heat = (2 + 2·2 + 2·ln 11) × √3.
    base = NOW - timedelta(days=100)
    rows: list[dict[str, Any]] = [
        {"id": "old", "user": "x", "title": "A1区火炬路咨询公积金", "time": _time(base), "text": "咨询"},
        {
            "id": "a",
            "user": "u1",
            "title": "A2区丽发新城小区搅拌站噪音",
            "time": _time(NOW - timedelta(days=2)),
            "text": "丽发新城小区旁边的搅拌站日夜生产，噪音和粉尘很大，请环保部门查处。",
            "likes": 4,
        },
        {
            "id": "b",
            "user": "u2",
            "title": "丽发新城小区附近搅拌站噪音粉尘扰民",
            "time": _time(NOW - timedelta(days=1)),
            "text": "A2区丽发新城小区附近的搅拌站噪音大、粉尘多，居民无法开窗，请求查处搅拌站。",
            "likes": 6,
        },
    ]

    (spot,) = ClusterHotspotFinder().hotspots(as_messages(rows))

    assert spot.ids == ("a", "b") and spot.place == "A2区丽发新城小区"
    assert spot.baseline == 0 and spot.growth == pytest.approx(2.0)
    assert spot.heat == pytest.approx(round((2 + 4 + 2 * 2.397895) * 3**0.5, 2), abs=0.01)
    assert spot.early_warning is False  # 2 messages: below the 4 a new matter needs


def test_a_large_block_is_cut_by_its_pairs_before_the_linkage(monkeypatch: pytest.MonkeyPatch) -> None:
    generator = random.Random(3)
    topics = [TOPICS[number][1].format(p="", d="") for number in (0, 4, 8)]
    docs = [
        topics[number % 3] + "".join(generator.choice("东西南北金银星月湖山河桥") for _ in range(8))
        for number in range(300)
    ]
    vectors = bigram_vectors(docs)

    whole = cluster_block(vectors)
    assert sorted(sorted({index % 3 for index in group}) for group in whole) == [[0], [1], [2]]
    assert sorted(len(group) for group in whole) == [100, 100, 100]

    # Components too large for the exact linkage are split on their own stronger pairs:
    # smaller groups, never mixed.
    monkeypatch.setattr(hotspots, "DIRECT_MAX", 10)
    monkeypatch.setattr(hotspots, "EXACT_MAX", 40)
    parts = cluster_block(vectors)
    assert parts and all(len({index % 3 for index in group}) == 1 for group in parts)


# ---------------------------------------------------------------- places and times


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019/2/25 9:14:41", "2019-02-25 09:14:41"),
        ("2019-02-25 09:14:41", "2019-02-25 09:14:41"),
        ("2019-02-25", "2019-02-25 00:00:00"),
        ("2019年2月25日 9:14", "2019-02-25 09:14:00"),
    ],
)
def test_board_times_are_read(value: str, expected: str) -> None:
    seconds = parse_time(value)
    assert seconds is not None
    assert (datetime(1970, 1, 1) + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S") == expected


@pytest.mark.parametrize("value", ["", "昨天", "2019/13/1 10:00:00", "2019/2/30", "2019/2/1 25:00:00"])
def test_unreadable_times_are_none(value: str) -> None:
    assert parse_time(value) is None


def test_place_levels_and_cleaning() -> None:
    assert [place_level(name) for name in ("魅力之城小区", "团山村", "金星路", "星沙镇", "a5区", "a市")] == [
        3,
        3,
        3,
        2,
        1,
        0,
    ]
    assert clean_place("区福满新城") == "福满新城"
    assert clean_place("区苑小区") == "区苑小区"  # one character is not a name


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("rows", "columns", "code", "words"),
    [
        (
            [{"id": "1", "user": "u", "title": "t", "text": "x"}],
            ("id", "user", "title", "text"),
            "E7262",
            "缺少",
        ),
        (
            [{"id": "1", "user": "u", "title": "t", "time": "2024/1/1 10:00:00", "text": "x"}] * 2,
            COLUMNS,
            "E7263",
            "唯一的 id",
        ),
        (
            [{"id": "1", "user": "u", "title": "t", "time": "上周三", "text": "x"}],
            COLUMNS,
            "E7264",
            "无法识别的时间",
        ),
    ],
)
def test_a_bad_file_exits_2_with_its_chinese_message(
    tmp_path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...], code: str, words: str
) -> None:
    source = write_csv(tmp_path / "messages.csv", rows, columns)

    with pytest.raises(CommandError, match=code) as raised:
        run_hotspots("--input", str(source))

    assert raised.value.returncode == 2
    assert words in str(raised.value)


def test_a_missing_file_and_bad_options_exit_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="E7261") as raised:
        run_hotspots("--input", str(tmp_path / "nope.csv"))
    assert raised.value.returncode == 2 and "无法读取输入文件" in str(raised.value)

    source = write_csv(tmp_path / "messages.csv", planted_rows(random.Random(1)))
    for option, value in (("--top", "0"), ("--window-days", "abc")):
        with pytest.raises(CommandError, match="E7265"):
            run_hotspots("--input", str(source), option, value)
    with pytest.raises(CommandError, match="E7264"):
        run_hotspots("--input", str(source), "--now", "明天")


def test_gb18030_files_are_read(tmp_path: Path) -> None:
    source = tmp_path / "messages.csv"
    with open(source, "w", encoding="gb18030", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(planted_rows(random.Random(2)))

    (spot,) = run_hotspots("--input", str(source))

    assert "魅力之城" in spot["place"] and len(spot["ids"]) >= 14


# ---------------------------------------------------------------- the real stream


@pytest.mark.shared_data
@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")
def test_real_stream_hot_spots() -> None:
    source = SHARED_DATA / "messages_unlabeled.csv"
    with open(source, encoding="utf-8-sig", newline="") as handle:
        known = {row["id"] for row in csv.DictReader(handle)}
    started = time.perf_counter()

    spots = run_hotspots("--input", str(source), "--window-days", "365", "--top", "10")

    seconds = time.perf_counter() - started
    assert spots, "a year of messages holds at least one repeated matter"
    assert [spot["rank"] for spot in spots] == list(range(1, len(spots) + 1))
    for spot in spots:
        assert set(spot["ids"]) <= known and len(spot["ids"]) >= 2
        assert spot["summary"].startswith((spot["place"] or "未提及具体地点") + "：")
    # A repost read by hand (the same user, the same village's well): one hot spot.
    assert any({"87863", "92561"} <= set(spot["ids"]) for spot in spots)
    assert seconds < 30  # a few seconds on the development VM; generous for a loaded CI machine
