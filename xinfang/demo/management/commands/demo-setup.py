"""The name the Makefile and docs use (`xinfang demo-setup`); the command lives in demo_setup.py."""

from xinfang.demo.management.commands.demo_setup import Command

__all__ = ["Command"]
