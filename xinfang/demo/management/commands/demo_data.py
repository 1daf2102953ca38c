"""xinfang demo-data --cases N --seed S [--anchor YYYY-MM-DD] [--batch-size B]

Writes N generated petitions (and the demo tree and logins if missing). The same
seed and anchor give the same cases. A seed can be written once per database:
running it again stops with a message; another seed appends, numbers continuing.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinfang.demo.actions import DemoDataExists, do_write_demo_cases
from xinfang.demo.management.commands._options import (
    add_generation_options,
    anchor_or_today,
    progress_printer,
)


class Command(BaseCommand):
    help = "生成演示信访件（同一种子、同一锚定日期结果相同）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_generation_options(parser, default_cases=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        count, seed = options["cases"], options["seed"]
        anchor = anchor_or_today(options["anchor"])
        self.stdout.write(f"生成 {count} 件演示信访件（种子 {seed}，锚定日期 {anchor}）")
        try:
            written = do_write_demo_cases(
                count=count,
                seed=seed,
                anchor=anchor,
                batch_size=options["batch_size"],
                progress=progress_printer(self.stdout.write, count),
            )
        except DemoDataExists as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"已写入 {written} 件"))
