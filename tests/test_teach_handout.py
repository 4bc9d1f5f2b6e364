"""``python -m course handout``: every exercise's id, file, points and task."""

from __future__ import annotations

import html

from conftest import TOC
from course import cli
from course.grading import toc
from course.teaching import book, handout


def test_handout_lists_every_exercise_with_its_task(tmp_path):
    out = tmp_path / "handout.html"
    assert cli.main(["handout", "-o", str(out)]) == 0
    text = out.read_text()
    assert book.external_resources(text) == []
    for ex in TOC.exercises:
        assert f"Exercise {ex.id}</h3>" in text
        assert f"exercises/{ex.file}" in text and f"{ex.points} points" in text
        task = handout.stub_task(ex.path("exercises"))
        if task:
            assert html.escape(task.splitlines()[0]) in text, f"{ex.id}: the stub's task"


def test_stub_task_reads_docstrings_and_comment_blocks(tmp_path):
    py = tmp_path / "ex1_x.py"
    py.write_text('"""Write app().\n\nRules: PEP 3333."""\n\ndef app(): ...\n')
    assert handout.stub_task(py) == "Write app().\n\nRules: PEP 3333."
    conf = tmp_path / "ex2_x.conf"
    conf.write_text("# Exercise 2: route /wsgi/.\n#\n# TODO(exercise 1.2)\nserver {}\n")
    assert handout.stub_task(conf) == "Exercise 2: route /wsgi/.\n\nTODO(exercise 1.2)"
    assert handout.stub_task(tmp_path / "missing.py") == ""


def test_handout_for_chosen_chapters(tmp_path):
    t = toc.load()
    if not t.exercises:
        return
    n = t.exercises[0].chapter
    text = handout.handout_html(t, [n])
    assert all((f"Exercise {ex.id}<" in text) == (ex.chapter == n) for ex in t.exercises)
