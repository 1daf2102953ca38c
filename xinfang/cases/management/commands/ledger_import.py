"""xinfang ledger-import FILE.xlsx --user USERNAME [--report REPORT.xlsx]

Imports a historical ledger as the named user (the cases are registered by
that user's office), prints the totals and every rejected row with its
reasons, and optionally writes the full report as a workbook.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinfang.cases.actions.import_ledger import do_import_ledger, write_report
from xinfang.core.errors import XinfangError
from xinfang.core.xlsx import problems_text
from xinfang.orgs.models import User


class Command(BaseCommand):
    help = "导入历史信访台账（Excel）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="以该用户身份登记（其所在单位为登记单位）")
        parser.add_argument("--report", default="", help="把逐行结果写入该 Excel 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"]).first()
        if actor is None:
            raise CommandError(f"用户不存在：{options['user']}")
        try:
            with open(options["file"], "rb") as stream:
                report = do_import_ledger(actor=actor, stream=stream)
        except XinfangError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"无法打开文件：{error}") from error
        rejected = len(report.rejected)
        self.stdout.write(f"已导入 {report.imported}，此前已导入 {report.existing}，未导入 {rejected}")
        if report.ignored_columns:
            self.stdout.write("未识别的列（已忽略）：" + "、".join(report.ignored_columns))
        for row in report.rejected:
            self.stdout.write(f"第{row.row}行：{problems_text(row.problems)}")
        if options["report"]:
            with open(options["report"], "wb") as out:
                write_report(out, report)
            self.stdout.write(f"导入结果已写入 {options['report']}")
