"""The HTML book (``python -m course book``): built offline from the committed notebooks,
and read by a real headless Chromium with every non-loopback request blocked."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from conftest import TOC
from course.grading import toc
from course.teaching import book, nav

# one worker builds the book once for every test here (pytest -n auto --dist loadgroup)
pytestmark = pytest.mark.xdist_group("teach_book")

ARTIFACTS = toc.ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _png_bytes() -> bytes:
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (320, 200), "white")
    draw = ImageDraw.Draw(img)
    for i in range(0, 300, 20):
        y = 190 - i // 2
        draw.line((10, y, 10 + i, y), fill=(i % 255, 80, 200 - i % 200), width=4)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _fallback_notebooks(folder: Path) -> Path:
    """Until a ready chapter's notebook is committed, a stand-in with code, output and a plot."""
    folder.mkdir(parents=True, exist_ok=True)
    for ch in TOC.ready_chapters[:2]:
        nb = nbformat.v4.new_notebook()
        code = nbformat.v4.new_code_cell("import math\nprint(math.pi)", execution_count=1)
        code.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="3.14159\n"),
            nbformat.v4.new_output("display_data",
                                   data={"image/png": base64.b64encode(_png_bytes()).decode(),
                                         "text/plain": "<Figure>"}),
        ]
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {ch.title}\n\nStand-in text."), code]
        nbformat.write(nb, folder / f"{ch.slug}.ipynb")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list]:
    """The book built into a temporary folder, and the chapters it has pages for."""
    notebooks = nav.NOTEBOOK_DIR
    if not any((notebooks / f"{ch.slug}.ipynb").exists() for ch in TOC.ready_chapters):
        notebooks = _fallback_notebooks(tmp_path_factory.mktemp("notebooks"))
    out = tmp_path_factory.mktemp("site")
    book.build(out, notebook_dir=notebooks, log=lambda *a, **k: None)
    chapters = [ch for ch in TOC.ready_chapters if (notebooks / f"{ch.slug}.ipynb").exists()]
    return out, chapters, notebooks


def test_external_resource_detector():
    cdn = ('<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js">'
           '</script><link rel="stylesheet" href="//fonts.googleapis.com/css?family=X">'
           '<img src="https://mybinder.org/badge_logo.svg"><style>@import "https://x.org/a.css";'
           ' p { background: url(https://x.org/b.png) }</style>')
    assert len(book.external_resources(cdn)) == 5
    local = ('<script src="app.js"></script><link rel="stylesheet" href="style.css">'
             '<a href="https://mybinder.org/v2/gh/x/y/main">Open in Binder</a>'
             '<img src="data:image/png;base64,AAAA"><img src="http://127.0.0.1:8000/x.png">')
    assert book.external_resources(local) == []


def test_book_pages_are_complete_and_offline(site):
    out, chapters, notebooks = site
    assert chapters, "the book needs at least one ready chapter"
    index = (out / "index.html").read_text()
    for ch in TOC.chapters:
        assert ch.title.replace("'", "&#x27;") in index or ch.title in index, ch.title
        linked = f'href="{ch.slug}.html"' in index
        assert linked == (ch in chapters), f"index link to chapter {ch.number}"
    for ex in TOC.exercises:
        if TOC.chapter(ex.chapter) in chapters:
            assert f"<td>{ex.id}</td>" in index, f"exercise {ex.id} in the index's list"
    for page in out.glob("*.html"):
        text = page.read_text()
        assert book.external_resources(text) == [], f"{page.name} fetches from the network"
        assert "<script" not in text, f"{page.name}: the book needs no script"
    for i, ch in enumerate(chapters):
        text = (out / f"{ch.slug}.html").read_text()
        assert 'class="highlight' in text, f"{ch.slug}: code is highlighted"
        nb = nbformat.read(notebooks / f"{ch.slug}.ipynb", as_version=4)
        plots = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                    for o in c.outputs)
        assert text.count('src="data:image/png;base64,') >= plots, f"{ch.slug}: plots embedded"
        prev = "index.html" if i == 0 else f"{chapters[i - 1].slug}.html"
        assert f'rel="prev" class="prev" href="{prev}"' in text
        if i + 1 < len(chapters):
            assert f'rel="next" class="next" href="{chapters[i + 1].slug}.html"' in text
        for src in re.findall(r'<img[^>]+src="([^"]+)"', text):
            if not src.startswith("data:"):
                assert (out / src).exists(), f"{ch.slug}: image {src} is missing from the site"
    assert (out / "style.css").exists() and (out / "pygments.css").exists()


def _browser() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser"),
                      shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _not_blank(png: Path) -> None:
    from PIL import Image
    assert png.exists() and png.stat().st_size > 1000, f"{png} was not written"
    with Image.open(png) as img:
        rgb = img.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        extrema = rgb.getextrema()
    assert len(colours) > 16, f"{png} looks blank: {len(colours)} colours"
    assert any(hi - lo > 100 for lo, hi in extrema), f"{png} has no contrast"


def test_book_in_headless_chromium(site):
    executable = _browser()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium: install the `chromium` package (or set $CHROMIUM)")
        pytest.skip("no Chromium here (install `chromium` or set $CHROMIUM)")
    from playwright.sync_api import sync_playwright
    out, chapters, _ = site
    server = book.serve(out, quiet=True)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    problems: list[str] = []
    blocked: list[str] = []

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith("data:") or host in ("127.0.0.1", "localhost", "::1"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.route("**/*", route)
                page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))
                page.on("response", lambda res: res.status >= 400 and problems.append(
                    f"HTTP {res.status}: {res.url}"))
                page.on("console", lambda msg: msg.type == "error" and problems.append(
                    f"console error: {msg.text}"))
                page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

                for path in sorted(p.name for p in out.glob("*.html")):
                    page.goto(f"{base}/{path}", wait_until="load")
                assert not problems, problems
                assert not blocked, f"pages asked for non-local resources: {blocked}"

                page.goto(f"{base}/index.html", wait_until="load")
                page.screenshot(path=str(ARTIFACTS / "book-index.png"))
                first = chapters[0]
                page.click(f'main a[href="{first.slug}.html"]')
                page.wait_for_url(f"**/{first.slug}.html")
                assert first.title in page.title()
                page.screenshot(path=str(ARTIFACTS / "book-chapter.png"))
                if len(chapters) > 1:
                    page.click("header a.next")
                    page.wait_for_url(f"**/{chapters[1].slug}.html")
                    page.click("header a.prev")
                    page.wait_for_url(f"**/{first.slug}.html")
                page.click("footer a.prev")  # the first chapter's previous page is the index
                page.wait_for_url("**/index.html")
                assert not problems, problems
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    _not_blank(ARTIFACTS / "book-index.png")
    _not_blank(ARTIFACTS / "book-chapter.png")


def test_book_serve_command(site):
    """`python -m course book --serve` serves the book on 127.0.0.1 until stopped
    (--no-build: the one the fixture built; building is tested above)."""
    import requests
    proc = subprocess.Popen([sys.executable, "-m", "course", "book", "--serve", "--no-build",
                             "--out", str(site[0])], cwd=toc.ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        for line in proc.stdout:
            match = re.search(r"Serving the book at (http://127\.0\.0\.1:\d+/)", line)
            if match:
                url = match.group(1)
                break
        assert url, "the command never said where it serves"
        res = requests.get(url + "index.html", timeout=10)
        assert res.status_code == 200 and "Chapters" in res.text
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, "SIGTERM stops it cleanly"


def test_book_never_wipes_a_folder_it_did_not_build(tmp_path, capsys):
    from course import cli
    keep = tmp_path / "notes.txt"
    keep.write_text("mine")
    assert cli.main(["book", "--out", str(tmp_path)]) == 2
    assert keep.read_text() == "mine" and "not a book" in capsys.readouterr().err
