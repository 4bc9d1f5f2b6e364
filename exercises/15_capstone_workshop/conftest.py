"""Fixtures for the capstone's graded tests: a stage builds on the stages before it.

* ``earlier_stage(n)`` -- your module of stage 15.n, from the same place as the file being
  graded (``exercises/`` for you, ``solutions/`` for the reference run).  Stage 15.3's tests,
  for instance, run your pages app on top of your own stage-2 store.  If that stage is not
  done yet, the test fails and says so: finish the stages in order.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

from course.grading import toc
from course.grading.pytest_plugin import ExerciseLoadError, load_module

CHAPTER = 15


@pytest.fixture
def earlier_stage(request: pytest.FixtureRequest) -> Callable[[int], ModuleType]:
    target = request.config.getoption("--target")

    def load(number: int) -> ModuleType:
        ex = toc.load().exercise(f"{CHAPTER}.{number}")
        try:
            return load_module(ex.path(target), ex.id)
        except ExerciseLoadError as exc:
            pytest.fail(f"this stage builds on stage {ex.id}, which does not load yet: {exc}",
                        pytrace=False)

    return load
