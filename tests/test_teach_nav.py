"""Notebook navigation (``python -m course nav``): in step with course.toml, idempotent, offline."""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import TOC
from course.grading import toc
from course.teaching import nav

TWO_CHAPTERS = """
format_version = 1
[[chapters]]
number = 1
slug = "01_one"
title = "One"
minutes = 60
status = "ready"
summary = "first"
[[chapters]]
number = 2
slug = "02_two"
title = "Two"
minutes = 90
status = "ready"
summary = "second"
[[chapters]]
number = 3
slug = "03_three"
title = "Three"
minutes = 90
status = "planned"
summary = "third"
"""


def _notebook_with_outputs() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=1)
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), code]
    return nb


@pytest.fixture
def fake_course(tmp_path, monkeypatch):
    """A two-ready-chapter course whose notebooks live in tmp_path."""
    monkeypatch.setattr(nav, "NOTEBOOK_DIR", tmp_path)
    t = toc.parse(TWO_CHAPTERS)
    for slug in ("01_one", "02_two"):
        nbformat.write(_notebook_with_outputs(), tmp_path / f"{slug}.ipynb")
    return t, tmp_path


def test_every_notebook_nav_is_up_to_date():
    stale = nav.sync(check=True)
    assert not stale, (f"navigation out of date in {[p.name for p in stale]}: "
                       "run `python -m course nav` and commit")


def test_index_notebook_lists_every_chapter_once():
    index = nav.index_notebook(TOC)  # the committed copy is compared with it above
    text = "\n".join(c.source for c in index.cells)
    for ch in TOC.chapters:
        lines = [ln for ln in text.splitlines() if ln.startswith(f"{ch.number}. ")]
        assert len(lines) == 1, f"chapter {ch.number}: one line in the index, got {lines}"
        linked = f"]({ch.slug}.ipynb)" in lines[0]
        assert linked == (ch in nav.linked_chapters(TOC)), lines[0]
        if not ch.ready:
            assert "(planned)" in lines[0]


def test_nav_is_idempotent_and_keeps_outputs(fake_course):
    t, folder = fake_course
    path = folder / "01_one.ipynb"
    before = nbformat.read(path, as_version=4)
    assert nav.sync([path], t=t) == [path]
    once = path.read_text()
    assert nav.sync([path], t=t) == [], "a second run must change nothing"
    assert path.read_text() == once
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if nav.is_nav(c)]
    assert [nb.cells[0], nb.cells[-1]] == tagged, "one nav cell at the top, one at the bottom"
    for cell in tagged:
        assert cell.cell_type == "markdown"
        assert cell.source.startswith("<!-- course-nav:")
    assert nb.cells[1:-1] == before.cells, "cells between the nav cells are untouched"
    assert nb.cells[2].outputs[0].text == "2\n"


def test_nav_links_ready_chapters_and_names_planned_ones(fake_course):
    t, folder = fake_course
    one = nav.nav_markdown(t, "01_one.ipynb", "top")
    two = nav.nav_markdown(t, "02_two.ipynb", "bottom")
    index = nav.nav_markdown(t, nav.INDEX_NAME, "top")
    assert "[← Contents](00_index.ipynb)" in one and one.count("00_index.ipynb") == 1
    assert "(02_two.ipynb)" in one, "01's next is 02"
    assert "(01_one.ipynb)" in two, "02's previous is 01"
    assert "[Contents](00_index.ipynb)" in two
    assert "03_three.ipynb" not in two and "next: 03 Three (planned)" in two
    assert "(01_one.ipynb)" in index
    index_nb = nav.index_notebook(t)
    text = "\n".join(c.source for c in index_nb.cells)
    assert "[One](01_one.ipynb)" in text and "3. Three -- third *(planned)*" in text
    # a ready chapter without a notebook yet is not linked
    (folder / "02_two.ipynb").unlink()
    assert "02_two.ipynb" not in nav.nav_markdown(t, "01_one.ipynb", "top")


def test_nav_fetches_nothing_and_links_binder(fake_course):
    t, _ = fake_course
    text = nav.nav_markdown(t, "01_one.ipynb", "top")
    assert not re.search(r"!\[[^\]]*\]\(https?:", text), "no remote badge image"
    assert "<img" not in text and "<script" not in text
    assert f"[Open in Binder]({nav.binder_url('01_one.ipynb')})" in text
    assert nav.binder_url("01_one.ipynb").startswith("https://mybinder.org/v2/gh/")
    assert nav.binder_url("01_one.ipynb").endswith("?urlpath=lab/tree/notebooks/01_one.ipynb")


def test_nav_check_cli_reports_stale(fake_course, capsys, monkeypatch):
    from course import cli
    t, folder = fake_course
    monkeypatch.setattr(toc, "load", lambda *a, **k: t)
    path = folder / "01_one.ipynb"
    assert cli.main(["nav", "--check", str(path)]) == 1
    assert "01_one.ipynb: navigation is out of date" in capsys.readouterr().out
    assert cli.main(["nav", str(path)]) == 0
    assert cli.main(["nav", "--check", str(path)]) == 0
