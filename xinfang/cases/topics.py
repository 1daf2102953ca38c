"""The default 3-level topic tree (a city message board's taxonomy), kept as
facts in xinfang/cases/data/topics.csv. Loaded by migration cases.0004;
loading again adds only what is missing."""

import csv
from pathlib import Path
from typing import Any

TOPICS_CSV = Path(__file__).resolve().parent / "data" / "topics.csv"


def load_default_topics(topic_model: Any) -> int:
    """Create missing topics and return how many were made.

    `topic_model` may be a migration's historical model."""
    by_full_name: dict[str, Any] = {}
    made = 0
    with open(TOPICS_CSV, encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            if not row or row[0] == "一级分类":
                continue
            parent = None
            for level, name in enumerate(row[:3], start=1):
                full_name = " › ".join(part.strip() for part in row[:level])
                if full_name not in by_full_name:
                    by_full_name[full_name], created = topic_model.objects.get_or_create(
                        full_name=full_name, defaults={"name": name.strip(), "parent": parent, "level": level}
                    )
                    made += created
                parent = by_full_name[full_name]
    return made
