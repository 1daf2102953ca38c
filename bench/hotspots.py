"""Hot spots: the finder's time on 100,000 messages in a 30-day window (issue: ≤ 30 s, 2 cores).

    .venv/bin/python bench/hotspots.py [--data ../shared/data] [--messages 100000] [--seed 1]
                                       [--top 10] [--no-memo]

The messages are built in memory from ../shared/data/messages_unlabeled.csv (2,801 real
messages), sampled with replacement, each with one or two small edits: punctuation and
full-width forms, a sentence dropped, a sentence from another message added, a few
characters changed, a follow-up title ("再次反映：…"); in three out of ten the estate, village
or road the message names is renamed (one of 3,000 made-up names), so there are many more
places than in the source. Writers are drawn from 60,000 names, likes from a skewed
distribution (most 0), times uniformly over the 30 days up to 2020-01-31 23:59:59
("2020/1/5 9:14:41", the board's format). Then ClusterHotspotFinder().hotspots(...) runs once
with a 30-day window; the wall time and the CPU time are printed as one JSON object, with
the counts and the top hot spots. Nothing is written anywhere.

The finder remembers, for one run, the places of each title and text window it has cut;
copies of 2,801 messages repeat those far more often than a real stream would, so
`--no-memo` measures the case where nothing repeats.
"""

import argparse
import csv
import json
import os
import platform
import random
import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinfang.analysis import hotspots as hotspots_module
from xinfang.analysis.hotspots import ClusterHotspotFinder
from xinfang.analysis.interfaces import Message

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
END = datetime(2020, 1, 31, 23, 59, 59)
WINDOW_DAYS = 30
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3})(小区|花园|家园|村|路)")
_SYLLABLES = "东西南北金银星月湖山河桥林松竹梅兰华锦绣龙凤新安康泰和平福寿嘉禾盛世春秋翠云"
_FULL_WIDTH = str.maketrans({",": "，", ".": "。", "!": "！", "?": "？", "，": ",", "。": "."})


def load(data: Path) -> list[Message]:
    with open(data / "messages_unlabeled.csv", encoding="utf-8-sig", newline="") as handle:
        return [
            Message(id=row["id"], user=row["user"], title=row["title"], text=row["text"], time=row["time"])
            for row in csv.DictReader(handle)
        ]


def _edit(title: str, text: str, generator: random.Random, others: list[Message]) -> tuple[str, str]:
    kind = generator.choice(("punctuation", "drop", "add", "typos", "title"))
    sentences = _SENTENCE.findall(text) or [text]
    if kind == "punctuation":
        text = text.translate(_FULL_WIDTH)
    elif kind == "drop" and len(sentences) > 2:
        del sentences[generator.randrange(len(sentences))]
        text = "".join(sentences)
    elif kind == "add":
        other = _SENTENCE.findall(generator.choice(others).text) or [""]
        sentences.insert(generator.randrange(len(sentences) + 1), generator.choice(other))
        text = "".join(sentences)
    elif kind == "typos" and text:
        characters = list(text)
        for _ in range(3):
            characters[generator.randrange(len(characters))] = generator.choice(_SYLLABLES)
        text = "".join(characters)
    else:
        title = generator.choice(("再次反映：", "紧急求助：", "恳请关注：", "")) + title
    return title, text


def build(data: Path, count: int, seed: int) -> list[Message]:
    generator = random.Random(seed)
    source = load(data)
    names = sorted(
        {"".join(generator.sample(_SYLLABLES, 2)) + generator.choice("苑园城庄湾") for _ in range(4000)}
    )
    names = names[:3000]
    start = END - timedelta(days=WINDOW_DAYS)
    messages = []
    for number in range(count):
        original = generator.choice(source)
        title, text = original.title, original.text
        for _ in range(generator.choice((1, 1, 2))):
            title, text = _edit(title, text, generator, source)
        if generator.random() < 0.3:
            match = _PLACE.search(title + text)
            if match:
                renamed = generator.choice(names)
                title = title.replace(match.group(1), renamed)
                text = text.replace(match.group(1), renamed)
        moment = start + timedelta(seconds=generator.randrange(WINDOW_DAYS * 86400))
        likes = 0 if generator.random() < 0.7 else int(generator.paretovariate(1.2))
        messages.append(
            Message(
                id=f"b{number}",
                user=f"U{generator.randrange(60_000):05d}",
                title=title,
                text=text,
                time=f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment:%M:%S}",
                likes=likes,
            )
        )
    return messages


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument(
        "--no-memo",
        action="store_true",
        help="cut every title and text window afresh (the copies here repeat them more than real data)",
    )
    options = parser.parse_args()
    if options.no_memo:
        reader = hotspots_module._PlaceReader
        memoised = reader.names

        def afresh(self: hotspots_module._PlaceReader, text: str) -> list[str]:
            self.memo.clear()
            return memoised(self, text)

        reader.names = afresh  # type: ignore[method-assign]

    started = time.perf_counter()
    messages = build(options.data, options.messages, options.seed)
    build_seconds = time.perf_counter() - started

    finder = ClusterHotspotFinder()
    wall, cpu = time.perf_counter(), _cpu()
    hotspots = finder.hotspots(messages, window_days=WINDOW_DAYS, top=options.top)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu

    print(
        json.dumps(
            {
                "benchmark": "hot spots",
                "messages": len(messages),
                "window_days": WINDOW_DAYS,
                "seconds": round(wall, 2),
                "cpu_seconds": round(cpu, 2),
                "target_seconds": 30,
                "hotspots": len(hotspots),
                "top": [
                    {"rank": h.rank, "place": h.place, "count": h.count, "persons": h.persons, "heat": h.heat}
                    for h in hotspots[:5]
                ],
                "place_memo": not options.no_memo,
                "build_seconds": round(build_seconds, 1),
                "seed": options.seed,
                "cores": os.cpu_count(),
                "python": platform.python_version(),
                "machine": platform.machine(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
