"""Duplicate groups: the finder on hand-made messages, the `analysis duplicates` command on
CSV files written to tmp_path, and (marked shared_data) the real message stream."""

import csv
import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from xinfang.analysis.backends.duplicates import ShingleDuplicateFinder, canonical
from xinfang.analysis.interfaces import Message

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

PARKING = (
    "尊敬的领导：西湖区翠苑小区位于文三路，小区物业杭州程明物业管理有限公司未经业主同意，"
    "利用业主共有的道路和绿地向业主收取停车费，收费后车辆在小区内受损又拒不承担责任。"
    "业主多次向物业和社区反映，物业置之不理，继续违规收费，社区也不闻不问。"
    "恳请领导督促社区和物业依法依规收费，还业主应有的权益。"
)
# The same place, another matter: the shared place words must not make it a duplicate.
LIFT = (
    "尊敬的领导：西湖区翠苑小区位于文三路，小区7号楼的电梯自去年十月起反复停运，"
    "老人上下楼只能由家人背着，维修单位说配件需要业主另外出钱更换。"
    "我们已经向街道和市场监管部门打过多次电话，至今没有人来检测维修。"
    "请求有关部门尽快督促维保单位修复电梯并查明维修资金的去向。"
)
WAGES = (
    "本人于2023年3月至9月在滨江区华成建筑工地做钢筋工，按约定每天350元，共欠工资两万一千元。"
    "包工头王某一直推说开发商没有拨款，我们十几个工友去工地讨要，被保安赶了出来。"
    "请求劳动监察部门责令施工单位支付拖欠的农民工工资。"
)


def message(message_id: str, text: str, title: str = "", user: str = "") -> Message:
    return Message(id=message_id, title=title, text=text, user=user or f"user-{message_id}")


def grouped(groups, *ids: str) -> bool:  # type: ignore[no-untyped-def]
    return any(set(ids) <= set(group.ids) for group in groups)


# ---------------------------------------------------------------- the finder


@pytest.mark.parametrize(
    ("kind", "variant"),
    [
        ("exact copy", PARKING),
        ("punctuation and spacing", PARKING.replace("，", ",").replace("。", ". ").replace("：", ":")),
        ("full-width digits and letters", PARKING.replace("文三路", "文三路ＡＢ１２")),
        (
            "traditional characters",
            "尊敬的領導：西湖區翠苑小區位於文三路，小區物業杭州程明物業管理有限公司未經業主同意，"
            "利用業主共有的道路和綠地向業主收取停車費，收費後車輛在小區內受損又拒不承擔責任。"
            "業主多次向物業和社區反映，物業置之不理，繼續違規收費，社區也不聞不問。",
        ),
        (
            "a sentence inserted",
            PARKING.replace("社区也不闻不问。", "社区也不闻不问。此事已向12345反映三次。"),
        ),
        (
            "a sentence deleted",
            PARKING.replace("业主多次向物业和社区反映，物业置之不理，继续违规收费，社区也不闻不问。", ""),
        ),
        ("truncated to two thirds", PARKING[: len(PARKING) * 2 // 3]),
        (
            "a co-signer's greeting and name",
            "各位领导好！我是翠苑小区业主李秀英，与其他业主联名反映：" + PARKING.removeprefix("尊敬的领导："),
        ),
        ("a repost with a complaint in front", "多次向12345投诉，没有回复：" + PARKING),
    ],
)
def test_reposts_of_one_matter_are_grouped(kind: str, variant: str) -> None:
    messages = [
        message("1", PARKING, "投诉翠苑小区物业违规收停车费"),
        message("2", variant),
        message("3", LIFT),
    ]

    groups = ShingleDuplicateFinder().groups(messages)

    assert [group.ids for group in groups] == [("1", "2")], kind
    assert 0.5 <= groups[0].score <= 1.0


def test_different_matters_in_the_same_place_or_topic_stay_apart() -> None:
    other_wages = (
        "我在余杭区万科工地做木工，老板拖欠三个月工资一万八千元，多次讨要无果。"
        "请求劳动监察大队帮助追讨拖欠的工资。"
    )
    messages = [message("1", PARKING), message("2", LIFT), message("3", WAGES), message("4", other_wages)]

    assert ShingleDuplicateFinder().groups(messages) == []


def test_a_group_is_scored_by_its_weakest_link() -> None:
    finder = ShingleDuplicateFinder()
    edited = PARKING.replace("恳请领导督促社区和物业依法依规收费，还业主应有的权益。", "请给个说法。")
    messages = [message("a", PARKING), message("b", PARKING), message("c", edited)]

    (group,) = finder.groups(messages)

    assert group.ids == ("a", "b", "c")
    weakest = finder.similarity(messages[0], messages[2])
    assert group.score == pytest.approx(weakest)
    assert weakest < 1.0 == finder.similarity(messages[0], messages[1])


def test_a_large_campaign_of_copies_is_one_group() -> None:
    # More copies than one LSH bucket pairs all-with-all: the bucket is chained instead.
    copies = [message(str(n), f"{PARKING}联名人：业主{n}号") for n in range(150)]
    messages = [*copies, message("lift", LIFT), message("wages", WAGES)]

    groups = ShingleDuplicateFinder().groups(messages)

    assert [len(group.ids) for group in groups] == [150]


def test_short_and_empty_messages() -> None:
    messages = [
        message("1", "", "咨询"),
        message("2", "", "咨询"),
        message("3", "  "),
        message("4", "  "),
        message("5", "咨询户口迁移政策"),
        message("6", "咨询社保转移政策"),
    ]

    groups = ShingleDuplicateFinder().groups(messages)

    # Identical short texts are copies; empty ones state nothing; two short questions
    # that differ in their subject are not one matter.
    assert [group.ids for group in groups] == [("1", "2")]


def test_the_result_does_not_depend_on_input_order() -> None:
    messages = [
        message("1", PARKING),
        message("2", LIFT),
        message("3", PARKING + "谢谢！"),
        message("4", WAGES),
    ]

    forward = ShingleDuplicateFinder().groups(messages)
    backward = ShingleDuplicateFinder().groups(messages[::-1])

    assert {frozenset(g.ids): round(g.score, 9) for g in forward} == {
        frozenset(g.ids): round(g.score, 9) for g in backward
    }


def test_canonical_text_ignores_script_width_and_punctuation() -> None:
    assert canonical("", "關於ＡＢ小區，停車費！") == canonical("", "关于 ab 小区 停车费")


# ---------------------------------------------------------------- the command


def write_csv(
    path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = ("id", "user", "title", "time", "text")
) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(message_id: str, text: str, title: str = "标题") -> dict[str, str]:
    return {
        "id": message_id,
        "user": f"U{message_id}",
        "title": title,
        "time": "2024/5/6 10:00:00",
        "text": text,
    }


def test_command_writes_one_json_object_per_group(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(
        tmp_path / "messages.csv",
        [
            row("m1", PARKING, "投诉翠苑小区物业违规收停车费"),
            row("m2", LIFT),
            row("m3", WAGES),
            row("m4", PARKING.replace("，", ",") + "盼复！", "再次投诉翠苑小区停车费"),
            row("m5", WAGES[:90]),
        ],
    )
    output = tmp_path / "groups.jsonl"

    call_command("analysis", "duplicates", "--input", str(source), "--output", str(output))

    lines = output.read_text(encoding="utf-8").splitlines()
    groups = [json.loads(line) for line in lines]
    assert [group["ids"] for group in groups] == [["m1", "m4"], ["m3", "m5"]]
    assert all(set(group) == {"ids", "score"} and 0.5 <= group["score"] <= 1 for group in groups)
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["messages"] == 5 and summary["groups"] == 2


def test_command_reads_gb18030_and_writes_an_empty_file_when_nothing_repeats(tmp_path: Path) -> None:
    source = tmp_path / "messages.csv"
    with open(source, "w", encoding="gb18030", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "user", "title", "time", "text", "likes"])
        writer.writeheader()
        writer.writerows([{**row("1", PARKING), "likes": "3"}, {**row("2", LIFT), "likes": ""}])
    output = tmp_path / "groups.jsonl"

    call_command("analysis", "duplicates", "--input", str(source), "--output", str(output))

    assert output.read_text(encoding="utf-8") == ""


@pytest.mark.parametrize(
    ("rows", "columns", "code"),
    [
        ([row("1", PARKING)], ("id", "user", "title", "text"), "E7252"),
        ([row("1", PARKING), row("1", LIFT)], ("id", "user", "title", "time", "text"), "E7253"),
        ([row("", PARKING)], ("id", "user", "title", "time", "text"), "E7253"),
    ],
)
def test_command_refuses_a_bad_file_and_writes_nothing(
    tmp_path: Path, rows: list[dict[str, str]], columns: tuple[str, ...], code: str
) -> None:
    source = write_csv(tmp_path / "messages.csv", rows, columns)
    output = tmp_path / "groups.jsonl"

    with pytest.raises(CommandError, match=code) as raised:
        call_command("analysis", "duplicates", "--input", str(source), "--output", str(output))

    assert raised.value.returncode == 2
    assert not output.exists()


def test_command_reports_a_missing_input_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="E7251"):
        call_command(
            "analysis",
            "duplicates",
            "--input",
            str(tmp_path / "nope.csv"),
            "--output",
            str(tmp_path / "g.jsonl"),
        )


# ---------------------------------------------------------------- the real stream


@pytest.mark.shared_data
@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")
def test_real_stream_reposts_are_grouped_quickly(tmp_path: Path) -> None:
    output = tmp_path / "groups.jsonl"
    started = time.perf_counter()

    call_command(
        "analysis",
        "duplicates",
        "--input",
        str(SHARED_DATA / "messages_unlabeled.csv"),
        "--output",
        str(output),
    )

    seconds = time.perf_counter() - started
    groups = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    together = {frozenset(group["ids"]) for group in groups}
    # Reposts read by hand (bench/duplicate_pairs.py): exact copies, an extended repost,
    # the same letter from two accounts.
    for pair in (
        ("119237", "119238"),
        ("34017", "38423"),
        ("87863", "92561"),
        ("39634", "39675"),
        ("4328", "4330"),
    ):
        assert any(set(pair) <= ids for ids in together), pair
    # Same place or topic, different matters (read by hand): never in one group.
    for pair in (("25777", "27928"), ("4208", "8019"), ("15643", "31508")):
        assert not any(set(pair) <= ids for ids in together), pair
    assert 10 <= len(groups) <= 40
    assert seconds < 10  # about 1.5 s on the development VM; generous for a loaded CI machine
