"""The course as an HTML book (``python -m course book``), built from the committed notebooks.

Nothing is re-executed: each ready chapter's notebook is rendered with its saved outputs
(plots are already embedded in it as images).  The pages work offline: nbconvert's *basic*
template is used (it emits no ``<script>``), styles are two local files written here
(``style.css`` and Pygments' ``pygments.css``), and no page refers to a script, font, style
or image on another host -- :func:`external_resources` checks that, and so do the tests.

    site/index.html          chapter table and exercise list
    site/NN_slug.html        one page per ready chapter, with previous / contents / next
    site/exercises.html      the exercises handout (see course.handout)
    site/img/                the notebooks' pictures

    python -m course book                 # build site/
    python -m course book --serve         # build, then serve on 127.0.0.1 (a free port)
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import shutil
import threading
from pathlib import Path

import nbformat

from course import settings
from course.grading import toc
from course.teaching import generated, nav

__all__ = ["build", "external_resources", "serve", "DEFAULT_OUT"]

DEFAULT_OUT = toc.ROOT / "site"
COURSE_TITLE = "The web-serving course"
BOOK_MARK = ".course-book"

STYLE = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-code: #f6f8fa;
        --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; line-height: 1.55;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header.book, footer.book { background: #f0f4f8; border-bottom: 1px solid var(--line);
       padding: .6rem 1.2rem; display: flex; gap: 1rem; flex-wrap: wrap; align-items: center; }
footer.book { border-top: 1px solid var(--line); border-bottom: 0; margin-top: 2rem; }
header.book .title { font-weight: 600; margin-right: auto; }
a { color: var(--accent); }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.2rem; }
pre, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
            font-size: .88rem; }
pre { background: var(--bg-code); padding: .6rem .8rem; border-radius: 6px; overflow-x: auto; }
.cell { margin: .8rem 0; }
.input_prompt, .prompt { display: none; }
.input_area .highlight pre { border-left: 3px solid var(--accent); }
.output_area pre { background: #fff; border: 1px solid var(--line); }
.output_stderr pre { background: #fff5f5; }
.output_png img, .output_svg svg, .output_jpeg img, .rendered_html img { max-width: 100%; }
.anchor-link { display: none; }
table { border-collapse: collapse; margin: .8rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; }
.planned { color: var(--muted); }
.nav-cell { display: none; }
"""


def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter
    return HtmlFormatter(style="default").get_style_defs(".highlight")


def _page(title: str, body: str, prev: tuple[str, str] | None,
          nxt: tuple[str, str] | None, binder: str | None = None) -> str:
    def bar(tag: str) -> str:
        links = [f'<span class="title"><a href="index.html">{html.escape(COURSE_TITLE)}</a></span>']
        if prev:
            links.append(f'<a rel="prev" class="prev" href="{prev[0]}">'
                         f'← {html.escape(prev[1])}</a>')
        if prev and prev[0] != "index.html":
            links.append('<a class="contents" href="index.html">Contents</a>')
        if nxt:
            links.append(f'<a rel="next" class="next" href="{nxt[0]}">{html.escape(nxt[1])} →</a>')
        if binder:
            links.append(f'<a class="binder" href="{binder}">Open in Binder</a>')
        return f'<{tag} class="book">' + "\n".join(links) + f"</{tag}>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="style.css">
<link rel="stylesheet" href="pygments.css">
</head>
<body>
{bar("header")}
<main>
{body}
</main>
{bar("footer")}
</body>
</html>
"""


def _rewrite_links(body: str, built: set[str]) -> str:
    """Notebook links become page links; links into the repository point at GitHub."""
    github = f"https://github.com/{settings.repository()}/blob/{settings.BRANCH}"

    def href(match: re.Match[str]) -> str:
        target = match.group(1)
        path, _, frag = target.partition("#")
        if path == nav.INDEX_NAME:
            new = "index.html"
        elif path.endswith(".ipynb") and "/" not in path:
            stem = path[:-len(".ipynb")]
            new = f"{stem}.html" if stem in built else f"{github}/notebooks/{path}"
        elif path.startswith("../"):
            new = f"{github}/{path[3:]}"
        else:
            return match.group(0)
        return f'href="{new}{"#" + frag if frag else ""}"'
    return re.sub(r'href="([^"#:][^":]*)"', href, body)


def _render_notebook(path: Path, name: str, t: toc.Toc) -> str:
    from nbconvert import HTMLExporter
    nb = nbformat.read(path, as_version=4)
    nb = nav.apply_nav(nb, name, t)
    # the book has its own header/footer navigation: drop the generated nav cells
    nb.cells = [c for c in nb.cells if not nav.is_nav(c)]
    exporter = HTMLExporter(template_name="basic", exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


def _index_body(t: toc.Toc, built: set[str]) -> str:
    rows = []
    for ch in t.chapters:
        exs = t.exercises_of(ch.number)
        if ch.slug in built:
            title = f'<a href="{ch.slug}.html">{html.escape(ch.title)}</a>'
            exercises = f"{len(exs)} ({sum(e.points for e in exs)} points)"
            cls = ""
        else:
            title = f"{html.escape(ch.title)} <em>(planned)</em>"
            exercises, cls = "–", ' class="planned"'
        rows.append(f"<tr{cls}><td>{ch.number:02d}</td><td>{title}</td>"
                    f"<td>{html.escape(ch.summary)}</td><td>{exercises}</td>"
                    f"<td>{ch.minutes}</td></tr>")
    ex_rows = []
    for ex in t.exercises:
        ch = t.chapter(ex.chapter)
        if ch.slug not in built:
            continue
        needs = ", ".join(ex.requires) or "–"
        ex_rows.append(f"<tr><td>{ex.id}</td><td><code>exercises/{html.escape(ex.file)}</code></td>"
                       f"<td>{ex.points}</td><td>{needs}</td></tr>")
    exercises = ("<table><thead><tr><th>id</th><th>file</th><th>points</th><th>needs</th>"
                 "</tr></thead><tbody>" + "\n".join(ex_rows) + "</tbody></table>"
                 if ex_rows else "<p>No exercises yet.</p>")
    return f"""<h1>{html.escape(COURSE_TITLE)}</h1>
<p>From the browser through nginx and an application server to your WSGI or ASGI app, one layer
at a time, with real servers. Each chapter is a notebook; read it here, or run it yourself with
<code>python -m course lab</code>. Teaching it? Read the
<a href="https://github.com/{settings.repository()}/blob/{settings.BRANCH}/chapters/INSTRUCTORS.md">instructor
guide</a>.</p>
<h2 id="chapters">Chapters</h2>
<table class="chapters"><thead><tr><th>#</th><th>chapter</th><th>what you do</th>
<th>exercises</th><th>minutes</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<h2 id="exercises">Exercises</h2>
<p>Grade yours with <code>python -m course check N</code>; stuck? <code>python -m course hint
ID</code>. The <a href="exercises.html">exercises handout</a> has each exercise's task.</p>
{exercises}
"""


def _link(ch: toc.Chapter) -> tuple[str, str]:
    return f"{ch.slug}.html", f"{ch.number:02d} {ch.title}"


def _fixed(path: Path, text: str) -> generated.Output:
    """A page whose text does not depend on what was there before."""
    return generated.Output(path, lambda old: text)


def build(out: Path = DEFAULT_OUT, *, t: toc.Toc | None = None, log=print,
          notebook_dir: Path = nav.NOTEBOOK_DIR) -> list[Path]:
    """Build the book into ``out``; return the pages written (index first).

    Every ready chapter whose notebook exists in ``notebook_dir`` gets a page."""
    from course.teaching import handout
    t = t or toc.load()
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not (out / BOOK_MARK).exists():  # never wipe a folder this did not build
            raise FileExistsError(f"{out} is not empty and is not a book built by "
                                  "`python -m course book`; choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / BOOK_MARK).write_text("built by `python -m course book`; rebuilt from scratch\n")
    notebook_dir = Path(notebook_dir)
    img = notebook_dir / "img"
    if img.is_dir():
        shutil.copytree(img, out / "img")
    chapters = [ch for ch in t.ready_chapters if (notebook_dir / f"{ch.slug}.ipynb").exists()]
    built = {ch.slug for ch in chapters}
    first = _link(chapters[0]) if chapters else None
    outputs = [
        _fixed(out / "style.css", STYLE),
        _fixed(out / "pygments.css", _pygments_css()),
        _fixed(out / "index.html", _page(COURSE_TITLE, _index_body(t, built), None, first,
                                         nav.binder_url(nav.INDEX_NAME))),
    ]
    for i, ch in enumerate(chapters):
        path = notebook_dir / f"{ch.slug}.ipynb"
        log(f"  rendering {path.name} …", flush=True)
        body = _rewrite_links(_render_notebook(path, f"{ch.slug}.ipynb", t), built)
        prev = ("index.html", "Contents") if i == 0 else _link(chapters[i - 1])
        nxt = _link(chapters[i + 1]) if i + 1 < len(chapters) else None
        outputs.append(_fixed(out / f"{ch.slug}.html",
                              _page(f"{ch.number:02d} {ch.title} -- {COURSE_TITLE}", body, prev,
                                    nxt, nav.binder_url(f"{ch.slug}.ipynb"))))
    outputs.append(_fixed(out / "exercises.html",
                          handout.handout_html(t, chapters=[ch.number for ch in chapters],
                                               stylesheet="style.css")))
    generated.sync(outputs)
    pages = [output.path for output in outputs if output.path.suffix == ".html"]
    bad = {p.name: found for p in pages if (found := external_resources(p.read_text()))}
    if bad:
        raise RuntimeError(f"the book would fetch from the network: {bad}")
    return pages


_RESOURCE = re.compile(
    r"<(script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(src|href|data)"
    r"\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", re.I)
_CSS_URL = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])((?:https?:)?//[^\"')\s]+)", re.I)
_LOOPBACK = re.compile(r"^(?:https?:)?//(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?(?:/|$)")


def external_resources(page: str) -> list[str]:
    """Scripts, styles, images, fonts a page would load from a non-local host.

    ``<a href>`` links are not loaded, so they are not counted."""
    found = [m.group(3) for m in _RESOURCE.finditer(page)
             if not (m.group(1).lower() == "link" and re.search(
                 r"rel\s*=\s*[\"']?(?:prev|next|canonical|author|license)", m.group(0)))]
    found += [m.group(1) for m in _CSS_URL.finditer(page)]
    return [u for u in found if not _LOOPBACK.match(u)]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def serve(root: Path = DEFAULT_OUT, port: int = 0, *, quiet: bool = False
          ) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``root`` on 127.0.0.1 (port 0: a free one), serving in a thread.

    Call ``.shutdown()`` and ``.server_close()`` to stop it."""
    handler = functools.partial(_QuietHandler if quiet else http.server.SimpleHTTPRequestHandler,
                                directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="book-server").start()
    return server
