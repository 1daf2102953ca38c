"""xinfang supervision sweep [--today YYYY-MM-DD]

Runs the deadline sweep once (what the job consumer does every five minutes) and
prints its summary as one JSON object, e.g.
    {"today": "2026-03-02", "soon_until": "2026-03-05", "overdue": 12, "due_soon": 30,
     "normal": 4, "alerts": 42, "skipped": false, "seconds": 0.041}
"""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.errors import XinfangError
from xinfang.deadlines.management.commands.deadline import USAGE_ERROR, parse_start
from xinfang.supervision.sweep import sweep_deadlines


class Command(BaseCommand):
    help = "督查督办：期限预警扫描"

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        sweep = subcommands.add_parser("sweep", help="扫描全部期限，设置预警级别并生成预警，输出 JSON")
        sweep.add_argument("--today", help="按此日期扫描（默认今天，上海时间），如 2026-03-02")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = parse_start(options["today"]) if options["today"] else None
        except XinfangError as error:
            raise CommandError(str(error), returncode=USAGE_ERROR) from error
        result = sweep_deadlines(today)
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
