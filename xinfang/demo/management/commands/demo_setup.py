"""xinfang demo-setup --cases 3000 --seed 1 [--anchor YYYY-MM-DD]

Creates the demo tree and logins (idempotent), generates cases only when the
database holds none, then prints the demo logins. Safe to run on every start.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from xinfang.analysis.case_index import index_dir, rebuild_index
from xinfang.analysis.similarity import newest_snapshot_dir
from xinfang.cases.models import Case
from xinfang.core import clock
from xinfang.demo.actions import do_prepare_demo, do_write_demo_cases
from xinfang.demo.management.commands._options import (
    add_generation_options,
    anchor_or_today,
    progress_printer,
)
from xinfang.demo.users import demo_logins
from xinfang.stats.hotspots import do_refresh_hotspots, territories


class Command(BaseCommand):
    help = "准备演示环境：单位、账号和演示信访件，并打印演示账号"

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_generation_options(parser, default_cases=3000)

    def handle(self, *args: Any, **options: Any) -> None:
        tree, _ = do_prepare_demo()
        count = options["cases"]
        if Case.objects.exists():
            self.stdout.write(f"已有 {Case.objects.count()} 件信访件，不再生成演示数据。")
        elif count > 0:
            anchor = anchor_or_today(options["anchor"])
            self.stdout.write(f"生成 {count} 件演示信访件（种子 {options['seed']}，锚定日期 {anchor}）")
            do_write_demo_cases(
                count=count,
                seed=options["seed"],
                anchor=anchor,
                batch_size=options["batch_size"],
                progress=progress_printer(self.stdout.write, count),
            )
        if newest_snapshot_dir(index_dir()) is None and Case.objects.exists():
            # Registration's similar-case search starts from a snapshot of the demo cases.
            self.stdout.write(f"建立相似案件索引：{rebuild_index().name}")
            # The leader overview shows hot spots from the first day, not after the nightly run.
            today = timezone.localdate(clock.now())
            found = sum(len(do_refresh_hotspots(territory, today)) for territory in territories())
            self.stdout.write(f"计算热点：{found} 个")
        self.stdout.write("")
        self.stdout.write("演示账号（用户名 / 密码 / 角色 / 单位）：")
        for login in demo_logins(tree):
            self.stdout.write(
                f"  {login.username:<12} {login.password:<14} {login.role_label:<8} {login.org_full_name}"
            )
