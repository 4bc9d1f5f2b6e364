"""Each ready chapter has all its pieces, and every chapter script is started by some test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.grading import toc
from conftest import TOC, chapter_param

READY = [chapter_param(ch) for ch in TOC.ready_chapters]
SECTIONS = ["Learning goals", "Prerequisites", "Read", "Run", "Do", "Workshop plan",
            "Further reading"]


@pytest.mark.parametrize("chapter", READY)
def test_chapter_has_notebook_page_code_and_exercises(chapter):
    missing = [str(p.relative_to(toc.ROOT)) for p in (chapter.notebook, chapter.readme,
                                                       chapter.code_dir) if not p.exists()]
    assert not missing, f"chapter {chapter.number} is 'ready' but lacks: {missing}"
    assert TOC.exercises_of(chapter.number), f"chapter {chapter.number} has no exercises"
    for ex in TOC.exercises_of(chapter.number):
        for path in (ex.path("exercises"), ex.path("solutions"), ex.test_file):
            assert path.exists(), f"exercise {ex.id}: {path.relative_to(toc.ROOT)} is missing"


@pytest.mark.parametrize("chapter", READY)
def test_chapter_page_has_every_section(chapter):
    text = chapter.readme.read_text()
    headings = [h.strip().lower() for h in re.findall(r"^##\s+(.+)$", text, re.M)]
    missing = [s for s in SECTIONS if not any(h.startswith(s.lower()) for h in headings)]
    assert not missing, f"{chapter.readme.relative_to(toc.ROOT)} lacks sections: {missing}"
    for ex in TOC.exercises_of(chapter.number):
        assert ex.id in text, f"the chapter page should list exercise {ex.id}"
    notebook_link = f"../../notebooks/{chapter.slug}.ipynb"
    assert notebook_link in text, f"the chapter page should link to {notebook_link}"


@pytest.mark.parametrize("chapter", READY)
def test_every_chapter_script_is_started_by_a_test(chapter):
    tests_text = "\n".join(p.read_text() for p in Path(__file__).parent.rglob("test_*.py"))
    for script in sorted(chapter.code_dir.glob("*.py")):
        assert script.name in tests_text, (
            f"code/{chapter.slug}/{script.name} is not started by any test in tests/")


def test_code_is_not_a_package():
    assert not (toc.ROOT / "code" / "__init__.py").exists(), (
        "code/__init__.py would shadow the stdlib module `code`")
    assert not list((toc.ROOT / "code").glob("*/__init__.py"))
