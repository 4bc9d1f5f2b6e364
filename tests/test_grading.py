"""The grader isolates exercises: a hang, a syntax error or an exception fails only its own."""

from __future__ import annotations

import hashlib
import json

from conftest import EXERCISES, run_cli
from course.cli.learner import report_csv


def test_each_failure_is_reported_on_its_own_exercise(demo_course):
    out = demo_course / "report.json"
    proc = run_cli(demo_course, "report", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert set(report) == {"earned_points", "total_points", "exercises"}
    assert report["total_points"] == 12 and report["earned_points"] == 2
    rows = {row["file"].split("/")[1][:-3]: row for row in report["exercises"]}
    for stem, (_, expected) in EXERCISES.items():
        row = rows[stem]
        assert set(row) == {"id", "chapter", "file", "points", "passed", "message"}
        if stem == "ex1_ok":
            assert row["passed"] and row["message"] == ""
        else:
            assert not row["passed"], f"{stem} should fail"
            assert expected in row["message"], f"{stem}: {row['message']!r}"
            assert "\n" not in row["message"], "the message is one line"


def test_check_prints_a_table_and_exits_nonzero(demo_course):
    proc = run_cli(demo_course, "check")
    assert proc.returncode == 1
    assert "2/12 points, 1/6 exercises done" in proc.stdout
    assert "Next: exercise 1.2" in proc.stdout
    assert (demo_course / ".course" / "progress.json").exists(), "progress is remembered"
    listing = run_cli(demo_course, "list").stdout
    assert "✓ 1.1" in listing and "✗ 1.2" in listing


def test_hint_is_gentle_first_then_stronger(demo_course):
    first = run_cli(demo_course, "hint", "1.3").stdout
    second = run_cli(demo_course, "hint", "1.3").stdout
    assert "Hint for exercise 1.3" in first and "gentle" in first
    assert "Stronger hint" in second and "stronger" in second


def test_unknown_exercise_is_one_clear_line(demo_course):
    proc = run_cli(demo_course, "hint", "9.9")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: there is no exercise '9.9'")


def test_report_csv_row():
    report = {"earned_points": 3, "total_points": 5, "exercises": [
        {"id": "1.1", "chapter": 1, "file": "a", "points": 3, "passed": True, "message": ""},
        {"id": "1.2", "chapter": 1, "file": "b", "points": 2, "passed": False, "message": "x"}]}
    assert report_csv(report, "ada") == "learner,1.1,1.2,total,out_of\nada,3,0,3,5\n"


def test_missing_test_file_is_reported_not_crashing(demo_course):
    (demo_course / "exercises" / "01_demo" / "test_ex1_ok.py").unlink()
    report = json.loads(run_cli(demo_course, "report", "--json", "-").stdout)
    message = report["exercises"][0]["message"]
    assert "test file exercises/01_demo/test_ex1_ok.py is missing" in message


def test_an_untouched_stub_is_reported_without_running_it(demo_course):
    """The manifest says ex2_loop is the shipped stub: `check` must not run its endless loop."""
    folder = demo_course / "exercises" / "01_demo"
    hashes = {stem: hashlib.sha256((folder / f"{stem}.py").read_bytes()).hexdigest()
              for stem in ("ex2_loop", "ex4_import_hang")}
    (demo_course / "exercises" / ".stubs.sha256").write_text(
        "".join(f"{digest}  01_demo/{stem}.py\n" for stem, digest in hashes.items()))
    (folder / "ex4_import_hang.py").write_text("while True:\n    pass\n# edited: graded in full\n")
    report = json.loads(run_cli(demo_course, "report", "--json", "-").stdout)
    rows = {row["id"]: row for row in report["exercises"]}
    assert rows["1.2"]["message"] == (
        "exercise 1.2 is not done yet (TODO in exercises/01_demo/ex2_loop.py)"), rows["1.2"]
    assert "never finished" in rows["1.4"]["message"], "an edited file is graded in full"
    assert rows["1.1"]["passed"], "the others are graded as before"
