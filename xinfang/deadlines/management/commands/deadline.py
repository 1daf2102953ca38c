"""xinfang deadline due START DAYS [--working]

Prints the due date of a period as one JSON object, on the holiday schedules in
the database, e.g.
    {"start": "2024-02-05", "days": 5, "unit": "working", "due": "2024-02-18", "provisional": false}
"""

import json
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.deadlines.calendar import Unit
from xinfang.deadlines.selectors import load_calendar

# Usage errors exit with 2, as argparse does for its own.
USAGE_ERROR = 2


def parse_start(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise XinfangError(ErrorCode.DEADLINE_DATE_FORMAT, text) from None


def parse_days(text: str) -> int:
    # int() would accept "١٥" and "+5"; a period is plain ASCII digits.
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        raise XinfangError(ErrorCode.DEADLINE_DAYS_INVALID, text)
    return int(text)


class Command(BaseCommand):
    help = "计算法定期限的截止日期"

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        due = subcommands.add_parser("due", help="计算截止日期，输出 JSON")
        due.add_argument("start", help="起算日（不计入期限），如 2025-09-19")
        due.add_argument("days", help="期限天数，如 15")
        due.add_argument("--working", action="store_true", help="按工作日计算（默认按自然日）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = parse_start(options["start"])
            days = parse_days(options["days"])
        except XinfangError as error:
            raise CommandError(str(error), returncode=USAGE_ERROR) from error
        unit = Unit.WORKING if options["working"] else Unit.CALENDAR
        result = load_calendar().due(start, days, unit)
        self.stdout.write(
            json.dumps(
                {
                    "start": result.start.isoformat(),
                    "days": result.days,
                    "unit": str(result.unit),
                    "due": result.due.isoformat(),
                    "provisional": result.provisional,
                },
                ensure_ascii=False,
            )
        )
