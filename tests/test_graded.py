"""The graded tests mean something: every one passes on solutions/ and fails on the stubs."""

from __future__ import annotations

import pytest

from conftest import TOC, chapter_param
from course import grading

CHAPTERS = [chapter_param(ch) for ch in TOC.chapters if TOC.exercises_of(ch.number)]


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solutions_pass_every_graded_test(chapter):
    results = grading.grade(TOC.exercises_of(chapter.number), target="solutions")
    failed = [f"{r.exercise.id}: {r.message}" for r in results if not r.passed]
    assert not failed, "solutions fail their graded tests:\n" + "\n".join(failed)


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_untouched_stubs_fail_every_graded_test_and_say_not_done(chapter):
    results = grading.grade(TOC.exercises_of(chapter.number), target="exercises",
                            skip_untouched=False)
    problems = []
    for res in results:
        if res.error:
            problems.append(f"{res.exercise.id}: could not be graded: {res.error}")
        for test in res.tests:
            if test.outcome != "failed":
                problems.append(f"{res.exercise.id}: {test.nodeid} {test.outcome} on the stub "
                                "(a test the stub passes checks nothing)")
        if "not done yet" not in res.message:
            problems.append(f"{res.exercise.id}: the stub's message should say 'not done yet', "
                            f"got: {res.message!r}")
    assert not problems, "\n".join(problems)
