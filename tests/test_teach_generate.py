"""``python -m course generate``: every file made from course.toml, checked and rewritten."""

from __future__ import annotations

import nbformat
from test_teach_nav import TWO_CHAPTERS, _notebook_with_outputs

from course import cli
from course.grading import stubs, toc
from course.teaching import classroom, generated, nav, readme


def test_generate_check_then_write_then_check(tmp_path, monkeypatch, capsys):
    t = toc.parse(TWO_CHAPTERS)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for slug in ("01_one", "02_two"):
        nbformat.write(_notebook_with_outputs(), notebooks / f"{slug}.ipynb")
    start, end = generated.block_markers("chapters")
    (tmp_path / "README.md").write_text(f"# Course\n\n{start}\n{end}\n")
    guide = tmp_path / "INSTRUCTORS.md"
    start, end = generated.block_markers(classroom.SCHEDULE_BLOCK)
    guide.write_text(f"# Guide\n\n{start}\n{end}\n")
    monkeypatch.setattr(toc, "ROOT", tmp_path)
    monkeypatch.setattr(readme, "README", tmp_path / "README.md")
    monkeypatch.setattr(stubs, "MANIFEST", tmp_path / "exercises" / ".stubs.sha256")
    monkeypatch.setattr(toc, "load", lambda *a, **k: t)
    monkeypatch.setattr(nav, "NOTEBOOK_DIR", notebooks)
    monkeypatch.setattr(classroom, "WORKFLOW", tmp_path / ".github" / "workflows" / "c.yml")
    monkeypatch.setattr(classroom, "INSTRUCTORS", guide)

    assert cli.main(["generate", "--check"]) == 1
    out = capsys.readouterr().out
    for name in ("00_index.ipynb", "01_one.ipynb", "02_two.ipynb", "README.md", "c.yml",
                 "INSTRUCTORS.md", ".stubs.sha256"):
        assert name in out, f"{name} should be reported out of date"
    assert not (notebooks / "00_index.ipynb").exists(), "--check writes nothing"

    assert cli.main(["generate"]) == 0
    assert cli.main(["generate", "--check"]) == 0
    assert "in step" in capsys.readouterr().out
    assert readme.chapter_table(t) in (tmp_path / "README.md").read_text()
    assert "01 One" in guide.read_text()
    assert cli.main(["generate"]) == 0 and "in step" in capsys.readouterr().out
