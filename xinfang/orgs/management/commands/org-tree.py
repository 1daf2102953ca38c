"""`xinfang org-tree`: the hyphenated name for org_tree (Django names commands after their module)."""

from xinfang.orgs.management.commands.org_tree import Command

__all__ = ["Command"]
