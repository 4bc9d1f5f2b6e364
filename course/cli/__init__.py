"""``python -m course``: the learner's and instructor's command line.

Learners: list, check, hint, watch, reset, report, lab, doctor (:mod:`course.cli.learner`).
Authors and instructors: execute, readme, nav, book, classroom, schedule, gradebook,
handout, generate (:mod:`course.cli.teacher`).  ``python -m course --help`` lists them all.
"""

from __future__ import annotations

import argparse
import sys

from course.cli import (
    lab,  # noqa: F401 - importing a command module registers its commands
    learner,
    teacher,
)
from course.cli.registry import COMMANDS

__all__ = ["build_parser", "main"]


def _command_list(module_doc: str | None) -> str:
    """The indented command lines of a command module's docstring."""
    lines = (module_doc or "").splitlines()
    return "\n".join(line for line in lines if line.startswith("    "))


def build_parser() -> argparse.ArgumentParser:
    epilog = (f"learners:\n{_command_list(learner.__doc__)}\n\n"
              f"authors and instructors:\n{_command_list(teacher.__doc__)}")
    parser = argparse.ArgumentParser(
        prog="python -m course", description="The web-serving course: grade, hint, read, teach.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=epilog)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (func, add_args) in COMMANDS.items():
        doc = (func.__doc__ or "").strip().splitlines()
        p = sub.add_parser(name, help=doc[0] if doc else None)
        add_args(p)
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except KeyError as exc:  # unknown chapter or exercise: say so in one line
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
