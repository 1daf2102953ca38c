"""`xinfang analysis hotspots --input FILE.csv [--top 10] [--window-days 30] [--now TIME]`

Reads messages (id,user,title,time,text[,likes,dislikes]; other columns ignored) and prints
the hot spots (热点) of the recent window as one JSON list, hottest first:

    [{"rank": 1, "place": "A市A5区魅力之城小区", "period": "2019-01-05至2019-01-20",
      "heat": 96.4, "ids": ["17", "42", …], "summary": "A市A5区魅力之城小区：…",
      "terms": ["噪音", "夜间施工", …], "count": 12, "persons": 9, "likes": 40,
      "baseline": 0.33, "growth": 8.75, "early_warning": true, "warning_reason": "…",
      "representative_ids": ["42", "17", "55"]}, …]

The recent window is the `--window-days` days up to `--now` (default: the newest message's
time; a date alone means the end of that day); each hot spot's growth and early warning are
measured against its own earlier windows of the same length (see hotspots.py for the heat
formula and the warning rule). ids are the hot spot's messages in the recent window, oldest
first. The finder is the deployment's choice (ANALYSIS_BACKENDS["hotspots"]). A file the
command cannot use raises XinfangError (E7261–E7265), which the `analysis` command turns into
its Chinese message and exit status 2.
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from xinfang.analysis import message_csv
from xinfang.analysis.hotspots import parse_time
from xinfang.analysis.interfaces import Hotspot, Message
from xinfang.analysis.message_csv import FileErrors
from xinfang.analysis.registry import backend
from xinfang.core.errors import ErrorCode, XinfangError

HELP = "热点发现：按地点和事项聚合近期相似留言，按热度排序并给出预警，输出 JSON 列表"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--input", required=True, help="留言 CSV 文件（列：id,user,title,time,text[,likes,dislikes]）"
    )
    parser.add_argument("--top", default="10", help="输出热度最高的前几个热点（默认 10）")
    parser.add_argument(
        "--window-days", default="30", help="近期窗口的天数（默认 30），与此前同样长的窗口比较"
    )
    parser.add_argument("--now", default="", help="统计截止时间（默认取最新一条留言的时间）")


def _positive(value: Any, name: str) -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise XinfangError(ErrorCode.HOTSPOTS_OPTION_INVALID, f"{name}：{text or '空'}")
    return int(text)


FILE_ERRORS = FileErrors(
    unreadable=ErrorCode.HOTSPOTS_INPUT_UNREADABLE,
    columns_missing=ErrorCode.HOTSPOTS_COLUMNS_MISSING,
    id_invalid=ErrorCode.HOTSPOTS_ID_INVALID,
)


def _check_time(number: int, row: dict[str, str]) -> None:
    moment = row.get("time", "").strip()
    if parse_time(moment) is None:
        raise XinfangError(ErrorCode.HOTSPOTS_TIME_INVALID, f"第{number}条留言，时间：{moment or '空'}")


def read_messages(path: Path) -> list[Message]:
    return message_csv.read_messages(path, FILE_ERRORS, check_row=_check_time)


def as_json(hotspot: Hotspot) -> dict[str, Any]:
    return {
        "rank": hotspot.rank,
        "place": hotspot.place,
        "period": hotspot.period,
        "heat": hotspot.heat,
        "ids": list(hotspot.ids),
        "summary": hotspot.summary,
        "terms": list(hotspot.terms),
        "count": hotspot.count,
        "persons": hotspot.persons,
        "likes": hotspot.likes,
        "baseline": hotspot.baseline,
        "growth": hotspot.growth,
        "early_warning": hotspot.early_warning,
        "warning_reason": hotspot.warning_reason,
        "representative_ids": list(hotspot.representative_ids),
    }


def run(
    *,
    input: str,
    top: Any = 10,
    window_days: Any = 30,
    now: str = "",
    stdout: TextIO | None = None,
    **_options: Any,
) -> list[dict[str, Any]]:
    """The command: read, find, print. A bad file or option raises XinfangError (the command exits 2)."""
    count = _positive(top, "--top")
    days = _positive(window_days, "--window-days")
    now = (now or "").strip()
    if now and parse_time(now) is None:
        raise XinfangError(ErrorCode.HOTSPOTS_TIME_INVALID, f"--now：{now}")
    messages = read_messages(Path(input))
    hotspots = backend("hotspots").hotspots(messages, now=now, window_days=days, top=count)
    result = [as_json(hotspot) for hotspot in hotspots]
    if stdout is not None:
        stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return result
