"""The README's chapter table, generated from course.toml (``python -m course readme``)."""

from __future__ import annotations

from course import toc

START, END = "<!-- chapters:start -->", "<!-- chapters:end -->"


def chapter_table(t: toc.Toc) -> str:
    rows = ["| # | chapter | what you do | exercises | minutes |",
            "|---|---|---|---|---|"]
    for ch in t.chapters:
        n = len(t.exercises_of(ch.number))
        if ch.ready:
            title = f"[{ch.title}](chapters/{ch.slug}/README.md) · [notebook](notebooks/{ch.slug}.ipynb)"
            points = sum(ex.points for ex in t.exercises_of(ch.number))
            exercises = f"{n} ({points} points)"
        else:
            title, exercises = f"{ch.title} *(planned)*", "–"
        rows.append(f"| {ch.number:02d} | {title} | {ch.summary} | {exercises} | {ch.minutes} |")
    return "\n".join(rows)


def update_readme(t: toc.Toc | None = None) -> bool:
    """Rewrite the table between the markers in README.md; True if it changed."""
    t = t or toc.load()
    path = toc.ROOT / "README.md"
    text = path.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{chapter_table(t)}\n{END}{tail}"
    if new != text:
        path.write_text(new)
    return new != text
