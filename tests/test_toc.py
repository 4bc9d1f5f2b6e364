"""course.toml is well formed, and the README's chapter table matches it."""

from __future__ import annotations

import re

from conftest import TOC
from course.grading import toc


def test_chapter_numbers_and_slugs():
    numbers = [ch.number for ch in TOC.chapters]
    assert numbers == list(range(1, len(numbers) + 1))
    for ch in TOC.chapters:
        assert re.fullmatch(rf"{ch.number:02d}_[a-z0-9_]+", ch.slug), ch.slug
        assert ch.status in ("ready", "planned"), ch.status


def test_exercise_ids_match_files_and_chapters():
    seen = set()
    for ex in TOC.exercises:
        assert ex.id not in seen, f"duplicate exercise id {ex.id}"
        seen.add(ex.id)
        chapter = TOC.chapter(ex.chapter)
        number, k = ex.id.split(".")
        assert int(number) == ex.chapter
        assert ex.file.startswith(chapter.slug + "/"), ex.file
        assert ex.stem.startswith(f"ex{k}_"), f"{ex.file}: exercise {ex.id} is ex{k}_…"
        assert len(ex.hints) == 2, f"exercise {ex.id}: hints = [gentle, stronger]"
        assert ex.points > 0 and ex.timeout > 0
        assert set(ex.requires) <= {"nginx", "posix"}, ex.requires


def test_readme_chapter_table_and_links_match_course_toml():
    from course.teaching.readme import BLOCKS, update_readme
    readme = (toc.ROOT / "README.md").read_text()
    for name in BLOCKS:
        assert f"<!-- {name}:start -->" in readme, f"README.md lost its {name} markers"
    assert not update_readme(TOC, check=True), (
        "README.md's generated parts are out of date: run `python -m course readme` and commit")


def test_stub_manifest_is_in_step_with_the_stubs():
    """`course check` reports an untouched stub without running it: the hashes must be right."""
    from course.grading import stubs
    assert stubs.MANIFEST.exists() and stubs.MANIFEST.read_text() == stubs.manifest_text(TOC), (
        "exercises/.stubs.sha256 is out of step with the stubs: run `python -m course generate`")


def test_graded_test_files_have_unique_names():
    """`python -m pytest exercises` imports every test file by its base name (pytest's default
    import mode, with no __init__.py: a folder named 08_… cannot be a package): two chapters
    with a test_ex1_hello.py would collide."""
    names = [ex.test_file.name for ex in TOC.exercises]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"graded test files with the same name in two chapters: {twice}"
