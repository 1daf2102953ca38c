"""`xinfang analysis duplicates --input FILE.csv --output groups.jsonl`

Reads messages (id,user,title,time,text; other columns ignored) and writes one JSON
object per line for each group of two or more that state the same matter:

    {"ids": ["17", "42"], "score": 0.97}

ids in the order the file has them, groups in the order of their first message; score
is the group's weakest verified link (see backends/duplicates.py). The finder is the
deployment's choice (ANALYSIS_BACKENDS["duplicates"]). A one-line JSON summary goes to
standard output. A file the command cannot use raises XinfangError (E7251–E7254), which
the `analysis` command turns into its Chinese message and exit status 2. The output
file is written whole or not at all (a temporary file renamed into place), so a failed
run never leaves half a result behind.
"""

import json
import os
import tempfile
import time
from argparse import ArgumentParser
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from xinfang.analysis import message_csv
from xinfang.analysis.interfaces import DuplicateGroup, Message
from xinfang.analysis.message_csv import FileErrors
from xinfang.analysis.registry import backend
from xinfang.core.errors import ErrorCode, XinfangError

HELP = "找出陈述同一事项的重复留言（转帖、小改动的重发、联名信），每组输出一行 JSON"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="留言 CSV 文件（列：id,user,title,time,text）")
    parser.add_argument("--output", required=True, help="输出的 JSON Lines 文件，每行一组重复留言")


FILE_ERRORS = FileErrors(
    unreadable=ErrorCode.DUPLICATES_INPUT_UNREADABLE,
    columns_missing=ErrorCode.DUPLICATES_COLUMNS_MISSING,
    id_invalid=ErrorCode.DUPLICATES_ID_INVALID,
)


def read_messages(path: Path) -> list[Message]:
    return message_csv.read_messages(path, FILE_ERRORS)


def write_groups(path: Path, groups: Iterable[DuplicateGroup]) -> None:
    lines = [
        json.dumps({"ids": list(group.ids), "score": round(group.score, 3)}, ensure_ascii=False) + "\n"
        for group in groups
    ]
    try:
        folder = path.resolve().parent
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.writelines(lines)
        os.replace(temporary, path)
    except OSError as error:
        raise XinfangError(ErrorCode.DUPLICATES_OUTPUT_UNWRITABLE, str(path)) from error


def run(*, input: str, output: str, stdout: TextIO | None = None, **_options: Any) -> dict[str, Any]:
    """The command: read, group, write. A bad file raises XinfangError (the command exits 2)."""
    started = time.perf_counter()
    messages = read_messages(Path(input))
    # Order the finder's groups by their first message's place in the file.
    position = {message.id: number for number, message in enumerate(messages)}
    groups = sorted(
        (
            DuplicateGroup(ids=tuple(sorted(group.ids, key=position.__getitem__)), score=group.score)
            for group in backend("duplicates").groups(messages)
        ),
        key=lambda group: position[group.ids[0]],
    )
    write_groups(Path(output), groups)
    summary = {
        "messages": len(messages),
        "groups": len(groups),
        "grouped_messages": sum(len(group.ids) for group in groups),
        "output": output,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if stdout is not None:
        stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return summary
