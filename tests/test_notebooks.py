"""Every ready chapter's notebook executes headless, top to bottom, without an error."""

from __future__ import annotations

import json

import pytest

from conftest import TOC, chapter_param
from course.teaching import notebooks

READY = [chapter_param(ch) for ch in TOC.ready_chapters]


@pytest.mark.slow
@pytest.mark.parametrize("chapter", READY)
def test_notebook_executes_headless(chapter):
    allowed = notebooks.BUDGET_SECONDS * notebooks.SUITE_SLOWDOWN
    took = notebooks.execute(chapter.notebook, timeout=allowed)
    assert took < allowed, (
        f"{chapter.notebook.name} took {took:.0f} s in the suite: the budget is "
        f"{notebooks.BUDGET_SECONDS} s alone, {allowed} s here where notebooks share the cores")


@pytest.mark.parametrize("chapter", READY)
def test_notebook_is_committed_with_outputs_and_no_errors(chapter):
    nb = json.loads(chapter.notebook.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, f"{chapter.notebook.name} has no code cells"
    with_output = sum(1 for c in code if c.get("outputs"))
    assert with_output >= len(code) / 2, (
        f"{chapter.notebook.name}: only {with_output} of {len(code)} code cells have outputs; "
        "execute it (python -m course execute …) and commit it with its outputs")
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{chapter.notebook.name} has an error output committed"
    timing = [c for c in nb["cells"] if "execution" in c.get("metadata", {})]
    assert not timing, "commit notebooks without timing metadata (course.notebooks.execute)"
