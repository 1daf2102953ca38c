"""`xinfang analysis index [--workers N]`

Gives matching keys to petitioners that lack them (people.actions.do_backfill_match_keys),
rebuilds the similar-case index (analysis.case_index) from every case in the database and
prints one JSON object: documents, postings, seconds, the snapshot's directory and its size
on disk. Web processes pick the new snapshot up within a minute; the job consumer also
rebuilds it every night.
"""

import json
import time
from argparse import ArgumentParser
from typing import Any, TextIO

from xinfang.analysis.case_index import rebuild_index
from xinfang.people.actions import do_backfill_match_keys

HELP = "重建相似案件索引（登记时查找同一事项和相似案件所用）"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=None, help="分词进程数（默认：CPU 核数，最多 4）")


def run(*, stdout: TextIO, workers: int | None = None, **_: Any) -> dict[str, Any]:
    started = time.monotonic()
    # Petitioners recorded without matching keys (a bulk import, data from before keys existed).
    people = do_backfill_match_keys()
    people_seconds = round(time.monotonic() - started, 1)
    path = rebuild_index(workers=workers)
    manifest = json.loads((path / "manifest.json").read_text())
    summary = {
        "documents": manifest["documents"],
        "postings": manifest["postings"],
        "seconds": round(time.monotonic() - started, 1),
        "petitioners_keyed": people,
        "petitioners_seconds": people_seconds,
        "path": str(path),
        "bytes_on_disk": sum(part.stat().st_size for part in path.iterdir()),
    }
    stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return summary
