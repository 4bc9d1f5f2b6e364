"""The learner CLI: lab, doctor, watch, reset, list (grading itself: test_grading.py)."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import psutil
import pytest
import requests

from conftest import run_cli
from course import servers
from course.cli import lab


def test_lab_adds_allow_root_only_for_root():
    argv = lab.lab_argv(argparse.Namespace(port=8899, no_browser=True))
    assert argv[1:4] == ["-m", "jupyter", "lab"]
    assert "--ServerApp.ip=127.0.0.1" in argv and "--ServerApp.port=8899" in argv
    assert ("--allow-root" in argv) == (os.geteuid() == 0)


@pytest.mark.slow
def test_lab_opens_the_index_without_the_news_prompt_and_stops_by_pid():
    with servers.start([sys.executable, "-m", "course", "lab", "--no-browser",
                        "--port", "{port}"], name="course lab", ready_timeout=60) as server:
        urls = re.findall(r"http://127\.0\.0\.1:\d+/lab/tree/\S+", server.output())
        assert urls, f"course lab should print the index's URL, printed:\n{server.output()}"
        assert urls[0].startswith(f"{server.url}/lab/tree/notebooks/00_index.ipynb?token=")
        process = psutil.Process(server.proc.pid)
        assert "jupyter" in " ".join(process.cmdline()), (
            "course lab should become Jupyter (exec), so that its pid is Jupyter's: "
            f"{process.cmdline()}")
        page = requests.get(urls[0], timeout=30)
        assert page.status_code == 200, page.status_code
        assert lab.NEWS_PLUGIN in page.text, "the news prompt's plugin should be disabled"
        server.stop()
    assert not psutil.pid_exists(server.proc.pid) or \
        psutil.Process(server.proc.pid).status() == psutil.STATUS_ZOMBIE


def test_doctor_finds_nginx_and_passes_here():
    proc = subprocess.run([*cli_cmd(), "doctor"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout
    assert "nginx/" in proc.stdout and "gunicorn usable" in proc.stdout


def cli_cmd():
    import sys
    return [sys.executable, "-m", "course"]


def test_watch_once_grades_and_reports(demo_course):
    proc = run_cli(demo_course, "watch", "--once")
    assert proc.returncode == 1
    assert "re-grading on every save" in proc.stdout and "Total: 2/12 points" in proc.stdout


def test_reset_restores_the_stub_and_backs_up_the_learners_work(demo_course):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=demo_course, check=True)
    subprocess.run([*git, "add", "-A"], cwd=demo_course, check=True)
    subprocess.run([*git, "commit", "-qm", "stubs"], cwd=demo_course, check=True)
    stub = demo_course / "exercises" / "01_demo" / "ex5_stub.py"
    original = stub.read_text()
    stub.write_text("def f():\n    return 1\n")
    proc = run_cli(demo_course, "reset", "1.5")
    assert proc.returncode == 0, proc.stderr
    assert stub.read_text() == original
    backups = list((demo_course / ".course" / "backups").iterdir())
    assert [b.read_text() for b in backups] == ["def f():\n    return 1\n"], "nothing is lost"
    assert "already the stub" in run_cli(demo_course, "reset", "1.5").stdout


def test_reset_outside_git_says_why(demo_course):
    proc = run_cli(demo_course, "reset", "1.5")
    assert proc.returncode == 2 and "git clone" in proc.stderr


COMMAND_NAMES = {"list", "check", "hint", "watch", "reset", "report", "lab", "doctor",
                 "execute", "readme", "nav", "book", "classroom", "schedule", "gradebook",
                 "handout", "generate"}


def test_help_lists_every_command():
    out = subprocess.run([*cli_cmd(), "--help"], capture_output=True, text=True).stdout
    # The sub-command list argparse prints (before the epilog, which only repeats the docs):
    # one line per *registered* command, with the first line of its docstring.
    registered = out.split("learners:")[0]
    listed = set(re.findall(r"^ {4}(\w+)(?: +\S|$)", registered, re.M))
    assert listed == COMMAND_NAMES, (
        f"missing from --help: {sorted(COMMAND_NAMES - listed)}; "
        f"unexpected: {sorted(listed - COMMAND_NAMES)}")
    for name in COMMAND_NAMES:
        proc = subprocess.run([*cli_cmd(), name, "--help"], capture_output=True, text=True)
        assert proc.returncode == 0, f"python -m course {name} --help: {proc.stderr}"
