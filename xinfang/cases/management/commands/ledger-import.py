"""`xinfang ledger-import`: the hyphenated name for ledger_import (commands are named after modules)."""

from xinfang.cases.management.commands.ledger_import import Command

__all__ = ["Command"]
