"""Fixtures for the maintainers' suite: a test fails if a server it started outlives it."""

from __future__ import annotations

import os
import time

import psutil
import pytest

from course import toc

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
