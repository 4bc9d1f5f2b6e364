"""Each ready chapter has all its pieces, and every chapter script is named by its chapter's tests.

Whether a test really *starts* each script is for the chapter's ``tests/test_chNN_*.py`` to
show (they start each one and check what its docstring promises); this file only checks
that no script is forgotten by them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import TOC, chapter_param
from course.grading import toc

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
def test_every_chapter_script_is_named_by_the_chapters_tests(chapter):
    own_tests = sorted(Path(__file__).parent.glob(f"test_ch{chapter.number:02d}_*.py"))
    tests_text = "\n".join(p.read_text() for p in own_tests)
    for path in sorted(chapter.code_dir.glob("*.py")):
        is_script = '__name__ == "__main__"' in path.read_text()
        # a script is named by its file name (a test starts it); a module by its name
        # (a test imports it)
        name = path.name if is_script else path.stem
        assert re.search(rf"\b{re.escape(name)}\b", tests_text), (
            f"code/{chapter.slug}/{path.name} is not named by any of "
            f"tests/test_ch{chapter.number:02d}_*.py: add a test that "
            + ("starts it" if is_script else "imports it"))


def test_code_is_not_a_package():
    assert not (toc.ROOT / "code" / "__init__.py").exists(), (
        "code/__init__.py would shadow the stdlib module `code`")
    assert not list((toc.ROOT / "code").glob("*/__init__.py"))
