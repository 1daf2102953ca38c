"""xinfang audit verify — checks every case's hash-chained history and names the first broken link."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinfang.cases.audit import verify_history


class Command(BaseCommand):
    help = "校验办理过程记录的哈希链（audit verify）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_history()
        summary: dict[str, object] = {"cases": result.cases, "events": result.events, "ok": result.ok}
        if result.first_broken is None:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        broken = result.first_broken
        summary["first_broken"] = {"case_id": broken.case_id, "seq": broken.seq, "reason": broken.reason}
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
        raise CommandError(f"办理过程记录被改动：{broken.describe()}")
