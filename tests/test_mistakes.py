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


def _entries() -> list:
    params = []
    for path in sorted(MISTAKES.glob("*/ex*_*")):
        if path.suffix == ".pyc" or path.is_dir():
            continue
        chapter = path.parent.name[:2]
        params.append(pytest.param(path, id=f"ch{chapter}-{path.stem}"))
    return params


@pytest.mark.parametrize("mistake", _entries())
def test_every_mistake_fails_a_graded_test(mistake: Path):
    first_line = mistake.read_text().splitlines()[0]
    assert "Mistake:" in first_line, (
        f"{mistake.name}: the first line must say which mistake it is ('Mistake: …')")
    exercise = _exercise_of(mistake)
    result = grading.grade_file(exercise, mistake, stop_at_first_failure=True)
    assert not result.error, f"{mistake.name}: could not be graded: {result.error}"
    assert not result.passed, (
        f"{mistake.name} passes every graded test of exercise {exercise.id}: "
        f"{first_line.strip()} -- add a test that catches it")
    # the grader's own words when a file cannot be loaded (course/grading/pytest_plugin.py)
    load_errors = ("syntax error in ", "importing ")
    said = result.message.removeprefix(f"exercise {exercise.id}: ")
    assert not said.startswith(load_errors), (
        f"{mistake.name} fails only because it cannot be loaded, not because a test caught "
        f"the mistake: {result.message}")


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
