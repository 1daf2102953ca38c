"""The name the Makefile and docs use (`xinfang demo-data`); the command lives in demo_data.py."""

from xinfang.demo.management.commands.demo_data import Command

__all__ = ["Command"]
