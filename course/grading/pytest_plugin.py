"""The pytest plugin behind graded exercises (loaded by the root ``conftest.py``).

What it gives a graded test (``exercises/NN_slug/test_exK_name.py``):

* ``exercise`` -- the learner's module ``exK_name.py``, loaded **by path** from the target root
  (``exercises/`` by default; ``--target solutions`` or ``COURSE_TARGET=solutions`` for the
  reference solutions), so the same tests grade both and no names collide;
* ``exercise_file`` -- that file's path (for non-Python exercises: an nginx config, a
  ``gunicorn.conf.py``); ``exercise_info`` -- its entry in ``course.toml``.

What it does for a learner:

* every graded test gets the exercise's ``timeout`` from ``course.toml``: an infinite loop
  fails that test, not the run;
* a module with a syntax error, or one that raises or hangs while importing, fails *its*
  tests with a one-line reason; other exercises are still graded;
* a failing test of a stub says ``exercise 3.2 is not done yet (TODO in exercises/…/ex2_….py)``
  instead of a traceback.  A stub is recognised by what it still contains: the stub's
  ``raise NotImplementedError("exercise 3.2: …")`` was hit, or the file still holds its
  ``TODO(exercise 3.2)`` marker (for stubs that run but do the wrong thing, and for
  non-Python exercises such as nginx configs; then the real failure follows the colon);
* ``--course-results FILE`` appends one JSON line per test (exercise id, outcome, a
  one-line message) for :mod:`course.grading`.
"""

from __future__ import annotations

import json
import os
import re
import traceback
from pathlib import Path
from types import ModuleType

import pytest

from course.grading import toc
from course.modules import load_path

_loaded: dict[Path, ModuleType | BaseException] = {}
# (exercise id, variant) pairs: a variant is one of several files graded in one run
# (``--exercise-file`` given more than once); "" when a run grades one file.
_timed_out: set[tuple[str, str]] = set()   # a test of it hit its timeout
_caught: set[tuple[str, str]] = set()      # a test of it failed (--stop-each-file-...)


class ExerciseLoadError(Exception):
    """The learner's module could not be imported; the message is one readable line."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("course")
    group.addoption("--target", choices=toc.TARGETS,
                    default=os.environ.get("COURSE_TARGET", "exercises"),
                    help="grade exercises/ (default) or solutions/")
    group.addoption("--course-results", default=None,
                    help="append one JSON line per graded test to this file")
    group.addoption("--exercise-file", action="append", default=None,
                    help="grade this file instead of the target's copy of the exercise whose "
                         "tests run; give it several times to grade each file in turn (the "
                         "maintainers' mistakes catalogue does)")
    group.addoption("--stop-each-file-at-first-failure", action="store_true",
                    help="with several --exercise-file: once a file fails a test, skip its "
                         "other tests")


def _exercise_files(config: pytest.Config) -> list[Path]:
    given = config.getoption("--exercise-file") or []
    if not given and os.environ.get("COURSE_EXERCISE_FILE"):
        given = [os.environ["COURSE_EXERCISE_FILE"]]
    return [Path(path).resolve() for path in given]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Several --exercise-file: every test that uses the exercise runs once per file."""
    files = _exercise_files(metafunc.config)
    if len(files) > 1 and "exercise_file" in metafunc.fixturenames:
        metafunc.parametrize("exercise_file", files, indirect=True,
                             ids=[path.stem for path in files])


def _variant(item: pytest.Item) -> str:
    """The stem of the file this test grades when a run grades several, else ""."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or "exercise_file" not in callspec.params:
        return ""
    return Path(callspec.params["exercise_file"]).stem


def _target(config: pytest.Config) -> str:
    return config.getoption("--target")


def _exercise_for(item_path: Path) -> toc.Exercise | None:
    return toc.load().for_test_file(item_path)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(toc.ROOT))
    except ValueError:
        return str(path)


def load_module(path: Path, ex_id: str) -> ModuleType:
    """Import the file at ``path`` under a unique name; cache the module or the failure."""
    path = path.resolve()
    cached = _loaded.get(path)
    if isinstance(cached, ModuleType):
        return cached
    if isinstance(cached, BaseException):
        raise ExerciseLoadError(str(cached))
    where = _relative(path)
    if not path.exists():
        error = ExerciseLoadError(f"exercise {ex_id}: {where} does not exist "
                                  f"(`python -m course reset {ex_id}` puts the stub back)")
        _loaded[path] = error
        raise error
    # course_exercise_<target>_<chapter>_<stem>: stubs, solutions and mistakes never collide
    name = f"course_exercise_{path.parent.parent.name}_{path.parent.name}_{path.stem}"
    try:
        module = load_path(path, name, reuse=False)
    except SyntaxError as exc:
        error = ExerciseLoadError(
            f"exercise {ex_id}: syntax error in {where}, line {exc.lineno}: {exc.msg}")
    except pytest.fail.Exception:  # pytest-timeout while importing: an import-time hang
        error = ExerciseLoadError(
            f"exercise {ex_id}: importing {where} never finished (a loop or a blocking call "
            "at module level?)")
    except BaseException as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        error = ExerciseLoadError(
            f"exercise {ex_id}: importing {where} raised {type(exc).__name__}: {exc} "
            f"(line {frame.lineno})")
    else:
        _loaded[path] = module
        return module
    _loaded[path] = error
    raise error


@pytest.fixture
def exercise_info(request: pytest.FixtureRequest) -> toc.Exercise:
    ex = _exercise_for(request.path)
    if ex is None:
        pytest.fail(f"{request.path.name} is not listed as a graded test in course.toml")
    return ex


@pytest.fixture
def exercise_file(request: pytest.FixtureRequest, exercise_info: toc.Exercise) -> Path:
    if hasattr(request, "param"):           # one of several --exercise-file
        return Path(request.param)
    files = _exercise_files(request.config)
    if files:
        return files[0]
    return exercise_info.path(_target(request.config))


@pytest.fixture
def exercise(exercise_info: toc.Exercise, exercise_file: Path) -> ModuleType:
    try:
        return load_module(exercise_file, exercise_info.id)
    except ExerciseLoadError as exc:
        pytest.fail(str(exc), pytrace=False)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        ex = _exercise_for(item.path)
        if ex is None:
            continue
        item.user_properties.append(("exercise", ex.id))
        item.user_properties.append(("variant", _variant(item)))
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(ex.timeout))
        if "posix" in ex.requires and os.name != "posix":
            item.add_marker(pytest.mark.skip(
                reason=f"exercise {ex.id} needs a POSIX system (gunicorn): use WSL on Windows"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    ex = _exercise_for(item.path)
    if ex is None:
        return
    key = (ex.id, _variant(item))
    if key in _timed_out:
        # One hang is enough to know: don't make the learner wait for every other test.
        pytest.fail(f"not run: an earlier test of exercise {ex.id} timed out", pytrace=False)
    if key in _caught:
        pytest.skip("an earlier test already failed on this file")


def _not_done(text: str) -> bool:
    return "NotImplementedError: exercise" in text or "NotImplementedError('exercise" in text


def _other_stub_hit(text: str, ex: toc.Exercise) -> toc.Exercise | None:
    """The exercise whose stub raised, when it is not ``ex`` itself (else None)."""
    ids = re.findall(r"NotImplementedError[:(]\s*['\"]?exercise (\d+\.\d+)", text)
    if not ids or ex.id in ids:
        return None
    try:
        return toc.load().exercise(ids[-1])
    except KeyError:
        return None


def _has_todo_marker(ex: toc.Exercise, target: str) -> bool:
    try:
        return f"TODO(exercise {ex.id})" in ex.path(target).read_text(errors="replace")
    except OSError:
        return False


def one_line(report: pytest.TestReport, ex: toc.Exercise | None, target: str) -> str:
    """The first line a learner should read about a failed test."""
    text = str(report.longrepr)
    if ex is not None and _not_done(text):
        other = _other_stub_hit(text, ex)
        if other is not None:   # a later capstone stage runs on an earlier stage's stub
            return (f"exercise {ex.id} builds on exercise {other.id}, which is not done yet "
                    f"(TODO in {target}/{other.file})")
        return f"exercise {ex.id} is not done yet (TODO in {target}/{ex.file})"
    first = _first_line(report, ex)
    if ex is not None and _has_todo_marker(ex, target):
        return f"exercise {ex.id} is not done yet (TODO in {target}/{ex.file}): {first}"
    return first


def _first_line(report: pytest.TestReport, ex: toc.Exercise | None) -> str:
    text = str(report.longrepr)
    if "Timeout (>" in text:
        limit = ex.timeout if ex else "?"
        return (f"timed out: a test ran longer than {limit:g} s -- an infinite loop, or "
                "waiting for data that never comes?")
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash is not None else text
    lines = [ln.strip() for ln in message.strip().splitlines() if ln.strip()]
    first = lines[0] if lines else "failed"
    for prefix in ("Failed: ", "AssertionError: "):
        first = first.removeprefix(prefix)
    return first[:300]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    ex = _exercise_for(item.path)
    if ex is None or not report.failed:
        return
    key = (ex.id, _variant(item))
    if item.config.getoption("--stop-each-file-at-first-failure"):
        _caught.add(key)
    target = _target(item.config)
    message = one_line(report, ex, target)
    if message.startswith("timed out"):
        _timed_out.add(key)
    report.user_properties.append(("message", message))
    if message == f"exercise {ex.id} is not done yet (TODO in {target}/{ex.file})":
        report.longrepr = message  # the stub's NotImplementedError: no traceback wall


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    config = _CONFIG.get("config")
    path = config.getoption("--course-results") if config else None
    if not path:
        return
    props = dict(report.user_properties)
    if "exercise" not in props:
        return
    if report.when != "call" and not (report.failed or report.skipped):
        return
    outcome = "failed" if report.failed else "skipped" if report.skipped else "passed"
    line = {"nodeid": report.nodeid, "exercise": props["exercise"], "when": report.when,
            "outcome": outcome, "message": props.get("message", ""),
            "variant": props.get("variant", "")}
    if report.skipped and not line["message"]:
        longrepr = report.longrepr
        line["message"] = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")


_CONFIG: dict[str, pytest.Config] = {}


def pytest_configure(config: pytest.Config) -> None:
    _CONFIG["config"] = config
