"""The learner CLI: lab, doctor, watch, reset, list (grading itself: test_grading.py)."""

from __future__ import annotations

import argparse
import os
import subprocess

from conftest import run_cli
from course import cli
from course.cli import learner


def test_lab_adds_allow_root_only_for_root():
    argv = learner.lab_argv(argparse.Namespace(port=8899, no_browser=True))
    assert argv[1:4] == ["-m", "jupyter", "lab"]
    assert "--ServerApp.ip=127.0.0.1" in argv and "--ServerApp.port=8899" in argv
    assert ("--allow-root" in argv) == (os.geteuid() == 0)


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


def test_help_lists_every_command():
    out = subprocess.run([*cli_cmd(), "--help"], capture_output=True, text=True).stdout
    for name in ("list", "check", "hint", "watch", "reset", "report", "lab", "doctor"):
        assert name in out
