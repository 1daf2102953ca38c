"""xinfang org-tree export FILE.xlsx [--root PATH]
xinfang org-tree import FILE.xlsx --user USERNAME

Export writes the tree (or the subtree under --root, a name path such as
"浙江省 / 杭州市") in the format the import reads; import runs the same action
as the web page, as the named user (who must be an admin), and prints every
rejected row with its reasons.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.errors import XinfangError
from xinfang.core.xlsx import problems_text
from xinfang.orgs.actions.import_tree import do_import_tree
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.tree_xlsx import PATH_SEPARATOR, export_tree, name_paths


class Command(BaseCommand):
    help = "导出或导入单位树（Excel）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        export = subcommands.add_parser("export", help="导出单位树")
        export.add_argument("file")
        export.add_argument("--root", default="", help="只导出该单位及其下级，如“浙江省 / 杭州市”")
        imports = subcommands.add_parser("import", help="导入单位树")
        imports.add_argument("file")
        imports.add_argument("--user", required=True, help="以该管理员身份导入")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            self._export(options["file"], options["root"])
        else:
            self._import(options["file"], options["user"])

    def _export(self, file_name: str, root_path: str) -> None:
        root = None
        if root_path:
            wanted = PATH_SEPARATOR.join(part.strip() for part in root_path.split("/") if part.strip())
            orgs = list(Organisation.objects.all())
            paths = name_paths(orgs)
            root = next((org for org in orgs if paths[org.pk] == wanted), None)
            if root is None:
                raise CommandError(f"找不到单位：{root_path}")
        with open(file_name, "wb") as stream:
            count = export_tree(stream, root)
        self.stdout.write(f"已导出 {count} 个单位到 {file_name}")

    def _import(self, file_name: str, username: str) -> None:
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"用户不存在：{username}")
        try:
            with open(file_name, "rb") as stream:
                report = do_import_tree(actor=actor, stream=stream)
        except XinfangError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"无法打开文件：{error}") from error
        counts = f"新增 {report.created}，更新 {report.updated}，无变化 {report.unchanged}"
        self.stdout.write(f"{counts}，未导入 {len(report.rejected)}")
        for row in report.rejected:
            self.stdout.write(f"第{row.row}行 {row.path}：{problems_text(row.problems)}")
