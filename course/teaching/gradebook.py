"""Merge learners' reports into one gradebook (``python -m course gradebook``).

Each learner runs ``python -m course report --json NAME.json`` and hands the file in; the
instructor runs

    python -m course gradebook reports/*.json --csv grades.csv

and gets one row per learner, one column per exercise (the points earned: the exercise's
points if it passed, else 0; empty if that learner's report does not include it), a total
and the points possible.  A learner's name is the report's ``"learner"`` key when present,
else the file name without ``.json``.  The report format is in CONTRIBUTING.md ("The grade report"):
``{"earned_points", "total_points", "exercises": [{"id", "chapter", "file", "points",
"passed", "message"}]}``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from course.grading import toc

__all__ = ["Gradebook", "ReportError", "load_report", "merge"]


class ReportError(ValueError):
    """A file that is not a course report; the message names the file and what is wrong."""


@dataclass
class Gradebook:
    exercises: list[str]                  # column order: course.toml's, then unknown ids
    points: dict[str, int]                # exercise id -> points possible
    rows: list[tuple[str, dict[str, int]]]  # (learner, exercise id -> points earned)

    @property
    def out_of(self) -> int:
        return sum(self.points[e] for e in self.exercises)

    def table(self) -> list[list[object]]:
        out: list[list[object]] = [["learner", *self.exercises, "total", "out_of"]]
        for learner, earned in self.rows:
            out.append([learner, *(earned.get(e, "") for e in self.exercises),
                        sum(earned.values()), self.out_of])
        return out

    def csv(self) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(self.table())
        return buf.getvalue()

    def text(self) -> str:
        rows = [[str(c) for c in row] for row in self.table()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [" ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
        return "\n".join(line.rstrip() for line in lines)


def load_report(path: Path) -> tuple[str, dict]:
    """(learner name, report) from one JSON file."""
    path = Path(path)
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: not a readable JSON report ({exc})") from None
    if not isinstance(report, dict) or not isinstance(report.get("exercises"), list):
        raise ReportError(f"{path}: no 'exercises' list -- is this the output of "
                          "`python -m course report --json FILE`?")
    for item in report["exercises"]:
        missing = {"id", "points", "passed"} - set(item)
        if missing:
            raise ReportError(f"{path}: an exercise entry lacks {sorted(missing)}")
    name = str(report.get("learner") or path.stem)
    return name, report


def merge(paths: list[Path], t: toc.Toc | None = None) -> Gradebook:
    t = t or toc.load()
    rows: list[tuple[str, dict[str, int]]] = []
    points: dict[str, int] = {}
    seen: dict[str, Path] = {}
    for path in paths:
        name, report = load_report(path)
        if name in seen:
            raise ReportError(f"{path}: learner {name!r} is already in the gradebook "
                              f"(from {seen[name]}); rename a file or set its 'learner' key")
        seen[name] = Path(path)
        earned = {}
        for item in report["exercises"]:
            ex_id = str(item["id"])
            points[ex_id] = int(item["points"])
            earned[ex_id] = int(item["points"]) if item["passed"] else 0
        rows.append((name, earned))
    known = [ex.id for ex in t.exercises if ex.id in points]
    unknown = sorted((e for e in points if e not in known),
                     key=lambda e: tuple(int(x) if x.isdigit() else 0 for x in e.split(".")))
    rows.sort(key=lambda r: r[0].lower())
    return Gradebook(known + unknown, points, rows)
