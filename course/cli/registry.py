"""The command table of ``python -m course``: each command registers itself here.

A command is a function ``cmd_NAME(args) -> int`` decorated with ``@command(NAME, add_args)``,
where ``add_args`` adds its arguments to an ``argparse`` sub-parser.  The learner's commands
(:mod:`course.cli.learner`) and the authors' and instructors' (:mod:`course.cli.teacher`)
both import this module, and neither imports the other.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

__all__ = ["COMMANDS", "Command", "command", "ok"]

Command = tuple[Callable[[argparse.Namespace], int], Callable[[argparse.ArgumentParser], None]]
COMMANDS: dict[str, Command] = {}


def command(name: str, add_args: Callable[[argparse.ArgumentParser], None] = lambda p: None):
    def register(func: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = (func, add_args)
        return func
    return register


# ----------------------------------------------------------------------------- output
def _color(text: str, code: str) -> str:
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return text
    return f"\033[{code}m{text}\033[0m"


def ok(passed: bool) -> str:
    return _color("✓", "32") if passed else _color("✗", "31")
