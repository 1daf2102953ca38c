"""Options shared by the demo commands."""

from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Callable
from datetime import date

from xinfang.core import clock


def parse_anchor(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ArgumentTypeError("日期格式应为 YYYY-MM-DD") from error


def add_generation_options(parser: ArgumentParser, *, default_cases: int) -> None:
    parser.add_argument("--cases", type=int, default=default_cases, help="信访件数量")
    parser.add_argument("--seed", type=int, default=1, help="随机种子：同一种子与锚定日期生成相同的信访件")
    parser.add_argument(
        "--anchor",
        type=parse_anchor,
        default=None,
        help="锚定日期 YYYY-MM-DD（默认今天，上海时间）：信访件分布在此日期之前的18个月内",
    )
    parser.add_argument("--batch-size", type=int, default=5000, help="每批写入的信访件数")


def anchor_or_today(anchor: date | None) -> date:
    return anchor or clock.local_now().date()


def progress_printer(write: Callable[[str], None], total: int) -> Callable[[int, float], None]:
    def report(done: int, elapsed: float) -> None:
        rate = done / elapsed if elapsed else 0.0
        write(f"  {done}/{total} 件，{elapsed:.1f} 秒，{rate:.0f} 件/秒")

    return report
