"""Fixtures for the capstone's graded tests: a stage builds on the stages before it.

* ``earlier_stage(n)`` -- your module of stage 15.n, from the same place as the file being
  graded (``exercises/`` for you, ``solutions/`` for the reference run).  Stage 15.3's tests,
  for instance, run your pages app on top of your own stage-2 store.  If that stage is not
  done yet, the test fails and says so: finish the stages in order.
* ``start_stack(**options)`` -- the whole app (nginx, gunicorn, uvicorn) from your stages
  up to this one (``code/15_capstone_workshop/stack.py``).
* ``browser_context`` -- headless Chromium through Playwright, loopback only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import urlparse

import pytest

from course.grading import toc
from course.grading.pytest_plugin import ExerciseLoadError, load_module
from course.modules import load_path
from course.nginx import NginxConfigError
from course.servers import ServerError
from course.settings import ROOT

_stack = load_path(ROOT / "code" / "15_capstone_workshop" / "stack.py", "polls_stack")
PollsStack = _stack.PollsStack
stage_files = _stack.stage_files
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

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


@pytest.fixture
def start_stack(request: pytest.FixtureRequest, exercise_info: toc.Exercise,
                exercise_file: Path) -> Iterator[Callable[..., PollsStack]]:
    """``start_stack(**options)`` -- the whole app, built from your stages.

    The stages before this one come from the same place as the graded file; this stage is
    the file being graded.  nginx, gunicorn and uvicorn stop when the test ends.
    """
    target = request.config.getoption("--target")
    this_stage = int(exercise_info.id.split(".")[1])
    started: list[PollsStack] = []

    def start(**options: object) -> PollsStack:
        stages = {**stage_files(target), this_stage: exercise_file}
        stack = PollsStack(stages, **options)  # type: ignore[arg-type]
        try:
            stack.start()
        except (ServerError, TimeoutError, NginxConfigError) as exc:
            pytest.fail(f"the app did not start from your stages 15.1-15.{this_stage}: {exc}",
                        pytrace=False)
        started.append(stack)
        return stack

    yield start
    for stack in started:
        stack.stop()


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture
def browser_context() -> Iterator[object]:
    """A headless Chromium context (Playwright) that may only talk to loopback.

    Without Playwright or Chromium the test is skipped with what to install (the other
    tests of the stage still grade the same path without a browser); in CI it fails.
    """
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("no browser: install the `chromium` package and `playwright`")
        pytest.skip("the browser check needs Chromium and Playwright: "
                    "`python -m pip install playwright` and your system's chromium package")

    def loopback_only(route) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.route("**/*", loopback_only)
            yield context
        finally:
            browser.close()
