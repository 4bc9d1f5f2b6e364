"""``python -m course gradebook``: learners' JSON reports merged into one CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest

from course import cli
from course.teaching import gradebook


def _report(results: dict[str, tuple[int, bool]], **extra) -> dict:
    exercises = [{"id": i, "chapter": int(i.split(".")[0]), "file": f"f{i}.py", "points": p,
                  "passed": ok, "message": "" if ok else "not done yet"}
                 for i, (p, ok) in results.items()]
    return {"earned_points": sum(p for p, ok in results.values() if ok),
            "total_points": sum(p for p, _ in results.values()), "exercises": exercises, **extra}


@pytest.fixture
def reports(tmp_path):
    alice = tmp_path / "alice.json"
    alice.write_text(json.dumps(_report({"1.1": (2, True), "1.2": (3, False), "1.3": (3, True)})))
    bob = tmp_path / "b0b.json"
    bob.write_text(json.dumps(_report({"1.1": (2, False), "1.2": (3, True), "1.3": (3, True)},
                                      learner="Bob")))
    return alice, bob


def test_gradebook_merges_two_reports_into_csv(reports, tmp_path, capsys):
    out = tmp_path / "grades.csv"
    assert cli.main(["gradebook", *map(str, reports), "--csv", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows == [
        ["learner", "1.1", "1.2", "1.3", "total", "out_of"],
        ["alice", "2", "0", "3", "5", "8"],
        ["Bob", "0", "3", "3", "6", "8"],
    ]
    printed = capsys.readouterr().out
    assert "alice" in printed and "Bob" in printed and "wrote" in printed


def test_gradebook_without_csv_prints_csv(reports, capsys):
    assert cli.main(["gradebook", *map(str, reports)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "learner,1.1,1.2,1.3,total,out_of"


def test_gradebook_partial_reports_leave_cells_empty(tmp_path):
    a = tmp_path / "a.json"
    a.write_text(json.dumps(_report({"1.1": (2, True)})))
    b = tmp_path / "b.json"
    b.write_text(json.dumps(_report({"1.1": (2, True), "1.2": (3, True)})))
    table = gradebook.merge([a, b]).table()
    assert table[1] == ["a", 2, "", 2, 5] and table[2] == ["b", 2, 3, 5, 5]


def test_gradebook_reads_real_report_format(tmp_path):
    """The keys `python -m course report --json` writes (grading.report_dict)."""
    from course import grading
    from course.grading import toc
    t = toc.load()
    results = [grading.ExerciseResult(ex) for ex in t.exercises[:2]]
    for r in results:
        r.tests.append(grading.TestOutcome("t", "passed"))
    path = tmp_path / "carol.json"
    path.write_text(json.dumps(grading.report_dict(results)))
    book = gradebook.merge([path], t)
    assert book.rows[0][0] == "carol"
    assert book.table()[1][-2] == sum(ex.points for ex in t.exercises[:2])


def test_gradebook_rejects_bad_files(tmp_path, reports, capsys):
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": 1}')
    out = tmp_path / "grades.csv"
    assert cli.main(["gradebook", str(reports[0]), str(bad), "--csv", str(out)]) == 2
    assert "notes.json" in capsys.readouterr().err and not out.exists()
    twin = tmp_path / "x" / "alice.json"
    twin.parent.mkdir()
    twin.write_text(reports[0].read_text())
    with pytest.raises(gradebook.ReportError, match="already in the gradebook"):
        gradebook.merge([reports[0], twin])
