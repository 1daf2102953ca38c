"""xinfang workflow doc — prints docs/workflow.md, generated from the transition table."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from xinfang.cases.workflow_doc import render


class Command(BaseCommand):
    help = "输出由状态转换表生成的流程说明（workflow doc）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["doc"])

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(render(), ending="")
