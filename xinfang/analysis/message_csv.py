"""Reading the batch commands' message files (id,user,title,time,text[,likes,dislikes]).

One reader for `analysis duplicates` and `analysis hotspots`: the encodings offices save CSV in
(UTF-8 with or without a BOM; GB18030 from Excel in a Chinese locale), the required columns,
unique non-empty ids, like counts. Each command passes its own error codes, so a message
names the command's file problem.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xinfang.analysis.interfaces import Message
from xinfang.core.errors import ErrorCode, XinfangError

REQUIRED_COLUMNS = ("id", "user", "title", "time", "text")
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class FileErrors:
    unreadable: ErrorCode
    columns_missing: ErrorCode
    id_invalid: ErrorCode


def _count(value: str | None) -> int:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else 0


def _read_rows(path: Path, unreadable: ErrorCode) -> tuple[set[str], list[dict[str, str]]]:
    for encoding in ENCODINGS:
        try:
            with open(path, encoding=encoding, newline="") as handle:
                reader = csv.DictReader(handle)
                rows = list(reader)
                return {(name or "").strip() for name in reader.fieldnames or ()}, rows
        except UnicodeDecodeError:
            continue
        except (OSError, csv.Error) as error:
            raise XinfangError(unreadable, str(path)) from error
    raise XinfangError(unreadable, str(path))


def read_messages(
    path: Path, errors: FileErrors, *, check_row: Callable[[int, dict[str, str]], None] | None = None
) -> list[Message]:
    """The file's messages in file order; `check_row(number, row)` may refuse a row (raise)."""
    columns, rows = _read_rows(path, errors.unreadable)
    if not set(REQUIRED_COLUMNS) <= columns:
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        raise XinfangError(errors.columns_missing, "缺少 " + "、".join(missing))
    messages = []
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=1):
        row = {(key or "").strip(): value or "" for key, value in raw.items()}
        message_id = row.get("id", "").strip()
        if not message_id or message_id in seen:
            raise XinfangError(errors.id_invalid, f"第{number}条留言，id：{message_id or '空'}")
        seen.add(message_id)
        if check_row is not None:
            check_row(number, row)
        messages.append(
            Message(
                id=message_id,
                user=row.get("user", "").strip(),
                title=row.get("title", ""),
                text=row.get("text", ""),
                time=row.get("time", "").strip(),
                likes=_count(row.get("likes")),
                dislikes=_count(row.get("dislikes")),
            )
        )
    return messages
