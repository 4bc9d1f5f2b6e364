"""The learner's commands of ``python -m course`` (registered on import).

    list                 chapters and exercises, with your progress
    check [N …]          grade your exercises (all, or chapters N …): a table, a total, what next
    hint ID              a hint for exercise ID (e.g. 3.2); ask again for a stronger one
    watch [N …]          re-grade whenever you save a file (Ctrl-C to stop)
    reset ID             put exercise ID back to its stub (your version is backed up first)
    report [N …] --json FILE --csv FILE    scores in the stable report format
    lab                  open the course in Jupyter Lab
    doctor               check this machine: Python, packages, nginx, gunicorn, ports
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from course import grading
from course.cli.registry import command, ok
from course.grading import toc
from course.grading.progress import Progress


def _select(t: toc.Toc, chapters: list[int]) -> list[toc.Exercise]:
    if not chapters:
        return list(t.exercises)
    for n in chapters:
        t.chapter(n)  # raises a clear KeyError for an unknown chapter
    return [ex for ex in t.exercises if ex.chapter in chapters]


def _chapters_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("chapters", nargs="*", type=int, metavar="N", help="chapter numbers")
    p.add_argument("--target", choices=toc.TARGETS, default="exercises",
                   help="grade exercises/ (default) or the reference solutions/")


def print_table(t: toc.Toc, results: list[grading.ExerciseResult]) -> None:
    width = shutil.get_terminal_size((100, 20)).columns
    for ch in t.chapters:
        rows = [r for r in results if r.exercise.chapter == ch.number]
        if not rows:
            continue
        earned = sum(r.points_earned for r in rows)
        total = sum(r.exercise.points for r in rows)
        print(f"\nChapter {ch.number:02d} -- {ch.title}   {earned}/{total} points")
        for r in rows:
            ex = r.exercise
            print(f"  {ok(r.passed)} {ex.id:<5} {ex.points:>2} pt  {ex.file}")
            if not r.passed:
                msg = r.message
                limit = max(40, width - 10) if sys.stdout.isatty() else len(msg)
                print(f"        {msg[:limit]}{'…' if len(msg) > limit else ''}")


def print_summary(results: list[grading.ExerciseResult]) -> None:
    earned = sum(r.points_earned for r in results)
    total = sum(r.exercise.points for r in results)
    done = sum(r.passed for r in results)
    print(f"\nTotal: {earned}/{total} points, {done}/{len(results)} exercises done.")
    todo = next((r for r in results if not r.passed), None)
    if todo is None:
        print("Everything passes. Well done!")
    else:
        print(f"Next: exercise {todo.exercise.id} -- edit exercises/{todo.exercise.file}; "
              f"stuck? python -m course hint {todo.exercise.id}")


def _grade_with_progress(exercises: list[toc.Exercise], target: str,
                         out=None) -> list[grading.ExerciseResult]:
    out = out or sys.stdout
    chapters = sorted({ex.chapter for ex in exercises})
    print(f"Grading {len(exercises)} exercises in {len(chapters)} chapter(s) "
          f"from {target}/ …", file=out, flush=True)

    def tick(res: grading.ExerciseResult) -> None:
        print(f"  {ok(res.passed)} {res.exercise.id}", file=out, flush=True)

    return grading.grade(exercises, target, progress=tick if out.isatty() else None)


# ----------------------------------------------------------------------------- commands
@command("list")
def cmd_list(args: argparse.Namespace) -> int:
    """Chapters and exercises, with your progress."""
    t = toc.load()
    progress = Progress.load()
    for ch in t.chapters:
        state = "" if ch.ready else "  (planned)"
        print(f"{ch.number:02d} {ch.title} -- {ch.minutes} min{state}")
        for ex in t.exercises_of(ch.number):
            mark = {True: "✓", False: "✗", None: "·"}[progress.passed.get(ex.id)]
            print(f"   {mark} {ex.id:<5} {ex.points:>2} pt  {ex.file}")
    return 0


@command("check", _chapters_arg)
def cmd_check(args: argparse.Namespace) -> int:
    """Grade your exercises (all, or chapters N …): a table, a total, what next."""
    t = toc.load()
    exercises = _select(t, args.chapters)
    results = _grade_with_progress(exercises, args.target)
    print_table(t, results)
    print_summary(results)
    if args.target == "exercises":
        Progress.load().record(results).save()
    return 0 if all(r.passed for r in results) else 1


def _hint_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="exercise id, e.g. 3.2")


@command("hint", _hint_args)
def cmd_hint(args: argparse.Namespace) -> int:
    """A hint for an exercise; ask again for a stronger one."""
    ex = toc.load().exercise(args.id)
    progress = Progress.load()
    level = progress.hints_seen.get(ex.id, 0)
    index = min(level, len(ex.hints) - 1)
    label = "Hint" if index == 0 else "Stronger hint"
    print(f"{label} for exercise {ex.id} (exercises/{ex.file}):\n\n  {ex.hints[index]}\n")
    if index + 1 < len(ex.hints):
        print(f"Still stuck? Run `python -m course hint {ex.id}` again for a stronger hint.")
    else:
        print(f"That was the strongest hint. The tests say exactly what they expect: "
              f"{ex.test_file.relative_to(toc.ROOT)}")
    progress.hints_seen[ex.id] = level + 1
    progress.save()
    return 0


def _watch_args(p: argparse.ArgumentParser) -> None:
    _chapters_arg(p)
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    p.add_argument("--once", action="store_true", help="grade once and exit (for tests)")


def _snapshot(paths: list[Path]) -> dict[Path, float]:
    return {p: p.stat().st_mtime_ns for p in paths if p.exists()}


@command("watch", _watch_args)
def cmd_watch(args: argparse.Namespace) -> int:
    """Re-grade whenever you save a file (polls: works on WSL and network drives)."""
    t = toc.load()
    exercises = _select(t, args.chapters)
    watched = [p for ex in exercises for p in (ex.path(args.target), ex.test_file)]
    seen = _snapshot(watched)
    changed = exercises
    try:
        while True:
            if changed:
                results = grading.grade(changed if changed is not exercises else exercises,
                                        args.target)
                print("\033[2J\033[H" if sys.stdout.isatty() else "", end="")
                print(f"course watch -- re-grading on every save ({time.strftime('%H:%M:%S')})")
                print_table(t, results)
                print_summary(results)
                if args.target == "exercises":
                    Progress.load().record(results).save()
                if args.once:
                    return 0 if all(r.passed for r in results) else 1
                print("\nWatching for changes… (Ctrl-C to stop)", flush=True)
            time.sleep(args.interval)
            now = _snapshot(watched)
            touched = {p for p in set(now) | set(seen) if now.get(p) != seen.get(p)}
            seen = now
            changed_chapters = {ex.chapter for ex in exercises
                                if ex.path(args.target) in touched or ex.test_file in touched}
            changed = [ex for ex in exercises if ex.chapter in changed_chapters]
    except KeyboardInterrupt:
        print("\nStopped watching.")
        return 0


@command("reset", _hint_args)
def cmd_reset(args: argparse.Namespace) -> int:
    """Put an exercise back to its stub (your version is backed up first)."""
    ex = toc.load().exercise(args.id)
    path = ex.path("exercises")
    rel = path.relative_to(toc.ROOT).as_posix()
    stub = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=toc.ROOT, capture_output=True)
    if stub.returncode != 0:
        print(f"Cannot reset {rel}: it is not in this git checkout's last commit.\n"
              f"  git says: {stub.stderr.decode().strip()}\n"
              "  Fix: reset needs the course as a git clone (git clone …).", file=sys.stderr)
        return 2
    if path.exists():
        if path.read_bytes() == stub.stdout:
            print(f"{rel} is already the stub; nothing to do.")
            return 0
        backup = toc.ROOT / ".course" / "backups" / f"{path.name}.{time.strftime('%Y%m%d-%H%M%S')}"
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, backup)
        print(f"Your version is saved as {backup.relative_to(toc.ROOT)}")
    path.write_bytes(stub.stdout)
    print(f"Exercise {ex.id} is back to its stub: {rel}")
    return 0


def _report_args(p: argparse.ArgumentParser) -> None:
    _chapters_arg(p)
    p.add_argument("--json", dest="json_path", help="write the JSON report here ('-': stdout)")
    p.add_argument("--csv", dest="csv_path", help="write a one-row gradebook CSV here")
    p.add_argument("--name", default=os.environ.get("USER", "learner"),
                   help="learner name for the CSV row")


def report_csv(report: dict, name: str) -> str:
    """One header row and one learner row: learner, each exercise's points, total."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    ids = [e["id"] for e in report["exercises"]]
    writer.writerow(["learner", *ids, "total", "out_of"])
    writer.writerow([name, *(e["points"] if e["passed"] else 0 for e in report["exercises"]),
                     report["earned_points"], report["total_points"]])
    return buf.getvalue()


@command("report", _report_args)
def cmd_report(args: argparse.Namespace) -> int:
    """Write your scores as JSON (--json) and/or a CSV gradebook row (--csv)."""
    if not args.json_path and not args.csv_path:
        print("say where to write it: --json FILE and/or --csv FILE", file=sys.stderr)
        return 2
    results = _grade_with_progress(_select(toc.load(), args.chapters), args.target, sys.stderr)
    report = grading.report_dict(results)
    if args.json_path:
        text = json.dumps(report, indent=2) + "\n"
        if args.json_path == "-":
            sys.stdout.write(text)
        else:
            Path(args.json_path).write_text(text)
    if args.csv_path:
        Path(args.csv_path).write_text(report_csv(report, args.name))
    print(f"{report['earned_points']}/{report['total_points']} points", file=sys.stderr)
    return 0


@command("doctor")
def cmd_doctor(args: argparse.Namespace) -> int:
    """Check this machine: Python, packages, nginx, gunicorn, a free port."""
    from course.cli.doctor import run_checks
    checks = run_checks()
    for check in checks:
        print(f"  {ok(check.ok)} {check.name:<22} {check.detail}")
        if not check.ok and check.fix:
            print(f"      fix: {check.fix}")
    bad = [c for c in checks if not c.ok and c.required]
    print("\nAll set." if not bad else f"\n{len(bad)} problem(s) to fix before the workshop.")
    return 1 if bad else 0
