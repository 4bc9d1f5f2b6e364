"""Fixtures for the maintainers' suite: a test fails if a server it started outlives it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from course.grading import toc

TOC = toc.load()


def _descendants() -> dict[int, str]:
    found = {}
    for proc in psutil.Process(os.getpid()).children(recursive=True):
        try:
            found[proc.pid] = " ".join(proc.cmdline())[:200]
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


@pytest.fixture(autouse=True)
def no_leftover_servers():
    """Every process a test starts must be gone when it ends (give it 5 s to exit)."""
    before = set(_descendants())
    yield
    deadline = time.monotonic() + 5
    while True:
        left = {pid: cmd for pid, cmd in _descendants().items() if pid not in before}
        left = {pid: cmd for pid, cmd in left.items()
                if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE}
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for pid in left:  # clean up so one leak does not fail every later test
        try:
            psutil.Process(pid).kill()
        except psutil.NoSuchProcess:
            pass
    assert not left, f"processes outlived the test: {left}"


def chapter_param(chapter: toc.Chapter, *rest, suffix: str = ""):
    """pytest.param with an id like 'ch03' so `-k ch03` selects one chapter."""
    return pytest.param(chapter, *rest, id=f"ch{chapter.number:02d}{suffix}")


# -- a throw-away course for testing the grader and the CLI -----------------------------
EXERCISES = {
    "ex1_ok": ("def f():\n    return 1\n", "passes"),
    "ex2_loop": ("def f():\n    while True:\n        pass\n", "timed out"),
    "ex3_syntax": ("def f(:\n    return 1\n",
                   "syntax error in exercises/01_demo/ex3_syntax.py, line 1"),
    "ex4_import_hang": ("while True:\n    pass\n",
                        "importing exercises/01_demo/ex4_import_hang.py never finished"),
    "ex5_stub": ('def f():\n    raise NotImplementedError("exercise 1.5: return 1")\n',
                 "exercise 1.5 is not done yet (TODO in exercises/01_demo/ex5_stub.py)"),
    "ex6_raises": ('raise RuntimeError("boom")\n', "raised RuntimeError: boom"),
}
TEST = textwrap.dedent("""
    def test_f_returns_one(exercise):
        assert exercise.f() == 1, "f() should return 1"

    def test_f_is_an_int(exercise):
        assert isinstance(exercise.f(), int)
""")


@pytest.fixture
def demo_course(tmp_path: Path) -> Path:
    """A throw-away course with one chapter of deliberately broken exercises."""
    toml = ['format_version = 1', '[[chapters]]', 'number = 1', 'slug = "01_demo"',
            'title = "Demo"', 'minutes = 10']
    folder = tmp_path / "exercises" / "01_demo"
    folder.mkdir(parents=True)
    for k, (stem, (source, _)) in enumerate(EXERCISES.items(), start=1):
        (folder / f"{stem}.py").write_text(source)
        (folder / f"test_{stem}.py").write_text(TEST)
        toml += ["[[exercises]]", f'id = "1.{k}"', "chapter = 1", f'file = "01_demo/{stem}.py"',
                 "points = 2", 'hints = ["gentle", "stronger"]', "timeout = 1.5"]
    (tmp_path / "course.toml").write_text("\n".join(toml) + "\n")
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["course.grading.pytest_plugin"]\n')
    return tmp_path


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COURSE_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "course", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


