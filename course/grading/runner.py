"""Grade exercises: run their pytest files in a child process and build the score table.

How isolation works, from the inside out:

1. Each graded test has the exercise's timeout (pytest-timeout, set by the plugin), and the
   learner's module is loaded inside the test, so a syntax error, an exception or a hang at
   import time fails that exercise's tests only.
2. Each chapter is graded in a child ``python -m pytest`` with a wall-clock watchdog.  If the
   child is killed (a hang that even the per-test timeout could not break), every exercise
   of that chapter without a result is re-graded alone, so one stuck exercise costs only
   itself.
3. Results come back as JSON lines (see :mod:`course.grading.pytest_plugin`), one per test.

The report schema (``python -m course report --json``) is fixed; instructors' tools read it:
``{"earned_points", "total_points", "exercises": [{"id", "chapter", "file", "points",
"passed", "message"}]}`` -- ``message`` is the first failure line, empty when passed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from course.grading import stubs, toc

__all__ = ["ExerciseResult", "TestOutcome", "grade", "grade_file", "grade_files", "report_dict"]


@dataclass
class TestOutcome:
    nodeid: str
    outcome: str          # "passed", "failed", "skipped"
    message: str = ""


@dataclass
class ExerciseResult:
    exercise: toc.Exercise
    tests: list[TestOutcome] = field(default_factory=list)
    error: str = ""       # set when the exercise could not be graded at all

    @property
    def passed(self) -> bool:
        return (not self.error and bool(self.tests)
                and all(t.outcome == "passed" for t in self.tests))

    @property
    def message(self) -> str:
        """The first line a learner should read; empty when the exercise passed."""
        if self.error:
            return self.error
        if not self.tests:
            return "no graded test ran (is the test file there?)"
        failed = [t for t in self.tests if t.outcome == "failed"]
        if failed:
            best = max(failed, key=lambda t: _informative(t.message))  # first of the best
            return best.message or f"{best.nodeid.split('::')[-1]} failed"
        for t in self.tests:
            if t.outcome == "skipped":
                return f"skipped: {t.message}"
        return ""

    @property
    def points_earned(self) -> int:
        return self.exercise.points if self.passed else 0


# Failure lines that say little to a learner: pytest's own words, not the test's message.
_UNINFORMATIVE = ("DID NOT RAISE", "assert False", "AssertionError", "not run: an earlier")


def _informative(message: str) -> int:
    """How much a failure line tells a learner: 0 (nothing), 1 (pytest's words), 2 (a rule)."""
    if not message.strip():
        return 0
    if message.startswith(_UNINFORMATIVE) or message.startswith("assert "):
        return 1
    return 2


def _chapter_watchdog(exercises: list[toc.Exercise]) -> float:
    # generous: every test of every exercise may run to its own timeout, plus start-up.
    return 60.0 + sum(ex.timeout * 8 for ex in exercises)


def _run_pytest(test_files: list[Path], target: str, timeout: float,
                extra_args: Iterable[str] = ()) -> tuple[list[dict], str, bool]:
    """Run pytest on ``test_files``; return (result lines, output, finished_in_time)."""
    fd, results_path = tempfile.mkstemp(prefix="course-results-", suffix=".jsonl")
    os.close(fd)
    argv = [sys.executable, "-m", "pytest", *map(str, test_files), f"--target={target}",
            f"--course-results={results_path}", "-p", "no:cacheprovider", "-o", "addopts=",
            "-q", "--no-header", "-rN", "--tb=short", "-p", "pytest_timeout", *extra_args]
    # Only the plugins grading needs (pytest-timeout and the course's, via conftest.py):
    # starting pytest without the others' entry points saves a good part of a second.
    env = {**os.environ, "COURSE_TARGET": target, "PYTHONDONTWRITEBYTECODE": "1",
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    try:
        proc = subprocess.run(argv, cwd=toc.ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        output, finished = proc.stdout + proc.stderr, True
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) \
            else (exc.stdout or "")
        finished = False
    lines = [json.loads(ln) for ln in Path(results_path).read_text().splitlines() if ln.strip()]
    os.unlink(results_path)
    return lines, output, finished


def _collect(results: dict[str, ExerciseResult], lines: list[dict]) -> None:
    for line in lines:
        res = results.get(line["exercise"])
        if res is not None:
            res.tests.append(TestOutcome(line["nodeid"], line["outcome"], line["message"]))


def _collection_error(output: str) -> str:
    for ln in output.splitlines():
        if ln.startswith("E ") and ("Error" in ln or "error" in ln):
            return ln[1:].strip()
    return "pytest could not collect the tests; run them by hand to see why"


def _grade_chapter(chapter_exercises: list[toc.Exercise], target: str,
                   results: dict[str, ExerciseResult]) -> None:
    """Run one chapter's graded tests in one child pytest (each exercise alone on a hang)."""
    present = [ex for ex in chapter_exercises if ex.test_file.exists()]
    for ex in chapter_exercises:
        if ex not in present:
            results[ex.id].error = f"test file {ex.test_file.relative_to(toc.ROOT)} is missing"
    if not present:
        return
    lines, output, finished = _run_pytest([ex.test_file for ex in present], target,
                                          _chapter_watchdog(present))
    _collect(results, lines)
    for ex in present:
        res = results[ex.id]
        if res.tests:
            continue
        if finished:
            res.error = _collection_error(output)
            continue
        # the chapter run was killed: grade this exercise alone
        alone, output, done = _run_pytest([ex.test_file], target, _chapter_watchdog([ex]))
        _collect(results, alone)
        if not done:
            res.tests.append(TestOutcome(
                ex.id, "failed", f"exercise {ex.id} hung and was stopped after "
                f"{_chapter_watchdog([ex]):g} s (an infinite loop?)"))
        elif not res.tests:
            res.error = _collection_error(output)


def _not_started(ex: toc.Exercise) -> TestOutcome:
    return TestOutcome(ex.id, "failed",
                       f"exercise {ex.id} is not done yet (TODO in exercises/{ex.file})")


def grade(exercises: Iterable[toc.Exercise], target: str = "exercises",
          progress: Callable[[ExerciseResult], None] | None = None, *,
          skip_untouched: bool = True, jobs: int | None = None) -> list[ExerciseResult]:
    """Grade ``exercises`` against ``target`` (``exercises`` or ``solutions``).

    With ``skip_untouched`` (the learner's default), an exercise whose file is still the
    stub as shipped (:mod:`course.grading.stubs`) is reported "not done yet" without running
    its tests.  The other chapters are graded in child pytests, ``jobs`` at a time (default:
    one per CPU core); ``progress`` is called for each exercise as its chapter finishes.
    """
    exercises = list(exercises)
    results = {ex.id: ExerciseResult(ex) for ex in exercises}
    to_run: dict[int, list[toc.Exercise]] = {}
    for ex in exercises:
        if target == "exercises" and skip_untouched and stubs.is_untouched(ex):
            results[ex.id].tests.append(_not_started(ex))
            if progress:
                progress(results[ex.id])
            continue
        to_run.setdefault(ex.chapter, []).append(ex)
    jobs = jobs or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        running = {pool.submit(_grade_chapter, chapter, target, results): chapter
                   for chapter in to_run.values()}
        for done in as_completed(running):
            done.result()
            if progress:
                for ex in running[done]:
                    progress(results[ex.id])
    return [results[ex.id] for ex in exercises]


def grade_files(exercise: toc.Exercise, paths: list[Path]) -> dict[Path, ExerciseResult]:
    """Run ``exercise``'s graded tests against each file in ``paths`` instead of its stub.

    One child pytest grades them all (each test runs once per file) and stops grading a
    file at its first failure.  The maintainers' mistakes catalogue uses it: every file
    must fail at least one test.
    """
    by_stem = {path.stem: path for path in paths}
    results = {path: ExerciseResult(exercise) for path in paths}
    extra = ["--stop-each-file-at-first-failure"]
    for path in paths:
        extra += ["--exercise-file", str(path)]
    timeout = _chapter_watchdog([exercise]) * len(paths)
    lines, output, finished = _run_pytest([exercise.test_file], "solutions", timeout, extra)
    for line in lines:
        graded = by_stem.get(line.get("variant", "")) if len(paths) > 1 else paths[0]
        if graded is not None:
            results[graded].tests.append(
                TestOutcome(line["nodeid"], line["outcome"], line["message"]))
    for path, result in results.items():
        if not result.tests:
            result.error = (_collection_error(output) if finished
                            else f"grading {path.name} did not finish")
    return results


def grade_file(exercise: toc.Exercise, path: Path) -> ExerciseResult:
    """Run ``exercise``'s graded tests against the file at ``path`` instead of its stub."""
    return grade_files(exercise, [path])[path]


def report_dict(results: list[ExerciseResult]) -> dict:
    """The stable JSON report (CONTRIBUTING.md, "The grade report")."""
    return {
        "earned_points": sum(r.points_earned for r in results),
        "total_points": sum(r.exercise.points for r in results),
        "exercises": [
            {"id": r.exercise.id, "chapter": r.exercise.chapter, "file": r.exercise.file,
             "points": r.exercise.points, "passed": r.passed, "message": r.message}
            for r in results
        ],
    }
