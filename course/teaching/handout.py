"""The exercises-only handout (``python -m course handout``): one HTML page, printable.

For each exercise in ``course.toml``: its id, file, points, what it needs (nginx, POSIX),
and the task as its stub states it -- the module docstring of a Python stub, the leading
``#`` comment block of a config stub.  Nothing is executed or imported.

    python -m course handout                    # writes handout.html
    python -m course handout 3 4 -o day2.html   # chapters 3 and 4 only

The HTML book (``python -m course book``) includes it as ``exercises.html``.
"""

from __future__ import annotations

import ast
import html
from pathlib import Path

from course.grading import toc

__all__ = ["handout_html", "stub_task"]


def stub_task(path: Path) -> str:
    """The task as the stub states it (docstring or leading comment block)."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        try:
            return ast.get_docstring(ast.parse(text)) or ""
        except SyntaxError:
            return ""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            lines.append(stripped.lstrip("#")[1:] if stripped[1:2] == " " else stripped.lstrip("#"))
        elif stripped or lines:
            break
    return "\n".join(lines).strip()


def handout_html(t: toc.Toc | None = None, chapters: list[int] | None = None,
                 stylesheet: str | None = None) -> str:
    """The handout page for ``chapters`` (default: every chapter with exercises)."""
    t = t or toc.load()
    numbers = chapters if chapters is not None else sorted({ex.chapter for ex in t.exercises})
    parts = []
    total = 0
    for n in numbers:
        ch = t.chapter(n)
        exs = t.exercises_of(n)
        if not exs:
            continue
        points = sum(e.points for e in exs)
        total += points
        parts.append(f'<h2 id="ch{n:02d}">Chapter {n:02d}: {html.escape(ch.title)} '
                     f'<small>({points} points)</small></h2>')
        for ex in exs:
            task = stub_task(ex.path("exercises")) or "(the stub has no description yet)"
            needs = f" · needs {', '.join(ex.requires)}" if ex.requires else ""
            parts.append(
                f'<section class="exercise" id="ex{ex.id.replace(".", "-")}">\n'
                f"<h3>Exercise {ex.id}</h3>\n"
                f'<p class="meta"><code>exercises/{html.escape(ex.file)}</code> · '
                f"{ex.points} points{needs} · check: <code>python -m course check {n}</code>"
                f" · hint: <code>python -m course hint {ex.id}</code></p>\n"
                f"<pre class=\"task\">{html.escape(task)}</pre>\n</section>")
    css = (f'<link rel="stylesheet" href="{stylesheet}">' if stylesheet else
           "<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:1rem auto;"
           "padding:0 1rem;line-height:1.5}pre{background:#f6f8fa;padding:.6rem;"
           "white-space:pre-wrap}.meta{color:#59636e}</style>")
    body = "\n".join(parts) or "<p>No exercises yet.</p>"
    nav = '<p><a href="index.html">Contents</a></p>\n' if stylesheet else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Exercises -- the web-serving course</title>
{css}
<style>@media print {{ section.exercise {{ break-inside: avoid; }} }}
pre.task {{ white-space: pre-wrap; }}</style>
</head>
<body>
<main>
{nav}<h1>Exercises</h1>
<p>{total} points in all. Edit the file in <code>exercises/</code>, then grade it with
<code>python -m course check N</code> (N: the chapter).</p>
{body}
</main>
</body>
</html>
"""
