"""xinfang analysis SUBCOMMAND …

    xinfang analysis train [--csv FILE.csv]
    xinfang analysis evaluate --train TRAIN.csv --test TEST.csv
    xinfang analysis duplicates --input FILE.csv --output groups.jsonl
    xinfang analysis hotspots --input FILE.csv [--top 10] [--window-days 30] [--now TIME]
    xinfang analysis index [--workers N]

Each subcommand is one small module named in SUBCOMMANDS, holding
    add_arguments(parser: ArgumentParser) -> None
    run(*, stdout: TextIO, **options: Any) -> object   does the work, writes its output
and optionally HELP (one line for --help; else the docstring's first line). A subcommand
whose module is not there (yet) is left out. An error the user can fix (XinfangError: a
missing column, too few samples) exits with 2 and its Chinese message.
"""

import importlib
from argparse import ArgumentParser
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.errors import XinfangError

SUBCOMMANDS = {
    "train": "xinfang.analysis.cli_train",
    "evaluate": "xinfang.analysis.cli_evaluate",
    "duplicates": "xinfang.analysis.cli_duplicates",
    "hotspots": "xinfang.analysis.cli_hotspots",
    "index": "xinfang.analysis.cli_index",
}
USAGE_ERROR = 2


def available() -> dict[str, ModuleType]:
    modules = {}
    for name, path in SUBCOMMANDS.items():
        try:
            modules[name] = importlib.import_module(path)
        except ModuleNotFoundError as error:
            if error.name != path:  # the module exists but something it imports is missing
                raise
    return modules


class Command(BaseCommand):
    help = "智能辅助：训练和评估分类模型等"

    def add_arguments(self, parser: ArgumentParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", required=True)
        for name, module in available().items():
            help_text = getattr(module, "HELP", None) or (module.__doc__ or name).strip().splitlines()[0]
            module.add_arguments(subparsers.add_parser(name, help=help_text))

    def handle(self, *args: Any, **options: Any) -> None:
        module = available()[options["subcommand"]]
        try:
            # call_command passes its own stdout among the options; the wrapped one is meant.
            module.run(**{**options, "stdout": self.stdout})
        except XinfangError as error:
            raise CommandError(str(error), returncode=USAGE_ERROR) from error
