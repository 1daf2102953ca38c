"""Writes of demo data: the tree and logins (idempotent) and generated cases.

Idempotence of cases: every generated case carries the submission token
`demo:<seed>:<n>`, so a seed already written is detected (DemoDataExists) and
nothing is duplicated. A different seed appends; case numbers then continue
each office's sequence.
"""

from collections.abc import Callable
from datetime import date

from django.db import transaction

from xinfang.cases.models import Case
from xinfang.demo.catalogue import build_catalogue
from xinfang.demo.generator import DemoGenerator
from xinfang.demo.tree import DemoTree, ensure_demo_tree
from xinfang.demo.users import ensure_demo_users
from xinfang.demo.writer import CaseWriter
from xinfang.orgs.models import User


class DemoDataExists(Exception):
    def __init__(self, seed: int) -> None:
        super().__init__(f"种子 {seed} 的演示信访件已经写入过；如需追加，请换一个 --seed。")


def do_prepare_demo() -> tuple[DemoTree, dict[str, User]]:
    """The demo organisation tree and logins, created or reset."""
    with transaction.atomic():
        tree = ensure_demo_tree()
        return tree, ensure_demo_users(tree)


def seed_written(seed: int) -> bool:
    return Case.objects.filter(submission_token=f"demo:{seed}:1").exists()


def do_write_demo_cases(
    *,
    count: int,
    seed: int,
    anchor: date,
    batch_size: int = 5000,
    progress: Callable[[int, float], None] | None = None,
) -> int:
    """Generate and store `count` cases; raises DemoDataExists if this seed is already in the database."""
    tree, users = do_prepare_demo()
    if count <= 0:
        return 0
    if seed_written(seed):
        raise DemoDataExists(seed)
    generator = DemoGenerator(build_catalogue(tree, users), seed, anchor)
    return CaseWriter(anchor).write(generator.cases(count), batch_size=batch_size, progress=progress)
