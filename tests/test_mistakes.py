"""The mistakes catalogue: plausible wrong answers that the graded tests must catch.

Each file ``tests/mistakes/NN_slug/exK_<mistake>.<ext>`` is the reference solution of
exercise N.K with one realistic learner bug, and its first line says which (it contains
``Mistake:``).  Like an untouched stub, every entry must fail at least one graded test:
a wrong answer that passes means the tests do not check the rule the stub states.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import TOC
from course import grading
from course.grading import toc

MISTAKES = Path(__file__).parent / "mistakes"


def _exercise_of(path: Path) -> toc.Exercise:
    number = path.stem.split("_", 1)[0]                     # "ex2"
    for ex in TOC.exercises:
        if Path(ex.file).parent.name == path.parent.name and Path(ex.file).stem.startswith(
                number + "_"):
            return ex
    raise LookupError(f"{path}: no exercise {path.parent.name}/{number}_* in course.toml")


def _catalogue() -> dict[toc.Exercise, list[Path]]:
    entries: dict[toc.Exercise, list[Path]] = {}
    for path in sorted(MISTAKES.glob("*/ex*_*")):
        if path.is_file() and path.suffix != ".pyc":
            entries.setdefault(_exercise_of(path), []).append(path)
    return entries


CATALOGUE = _catalogue()


@pytest.mark.parametrize("exercise", [
    pytest.param(ex, id=f"ch{ex.chapter:02d}-{Path(ex.file).stem.split('_', 1)[0]}")
    for ex in CATALOGUE])
def test_every_mistake_fails_a_graded_test(exercise: toc.Exercise):
    """One child pytest grades all of an exercise's mistakes, each stopping at its first
    failure (`course.grading.grade_files`)."""
    problems = []
    mistakes = CATALOGUE[exercise]
    for mistake in mistakes:
        first_line = mistake.read_text().splitlines()[0]
        if "Mistake:" not in first_line:
            problems.append(f"{mistake.name}: the first line must say which mistake it is "
                            "('Mistake: …')")
    # the grader's own words when a file cannot be loaded (course/grading/pytest_plugin.py)
    load_errors = ("syntax error in ", "importing ")
    for mistake, result in grading.grade_files(exercise, mistakes).items():
        first_line = mistake.read_text().splitlines()[0].strip()
        said = result.message.removeprefix(f"exercise {exercise.id}: ")
        if result.error:
            problems.append(f"{mistake.name}: could not be graded: {result.error}")
        elif result.passed:
            problems.append(f"{mistake.name} passes every graded test of exercise "
                            f"{exercise.id}: {first_line} -- add a test that catches it")
        elif said.startswith(load_errors):
            problems.append(f"{mistake.name} fails only because it cannot be loaded, not "
                            f"because a test caught the mistake: {result.message}")
    assert not problems, "\n".join(problems)


MIN_PER_EXERCISE = 3


def test_every_exercise_has_a_catalogue():
    counts = Counter((p.parent.name, p.stem.split("_", 1)[0]) for p in MISTAKES.glob("*/ex*_*"))
    short = []
    for ex in TOC.exercises:
        key = (Path(ex.file).parent.name, Path(ex.file).stem.split("_", 1)[0])
        if TOC.chapter(ex.chapter).ready and counts[key] < MIN_PER_EXERCISE:
            short.append(f"{ex.id} ({counts[key]})")
    assert not short, (f"exercises with fewer than {MIN_PER_EXERCISE} mistakes-catalogue "
                       f"entries: {', '.join(short)}")
