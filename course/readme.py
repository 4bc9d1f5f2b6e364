"""README.md's generated parts, from course.toml and pyproject's [tool.course] repository.

``python -m course readme`` rewrites the text between each pair of markers:
``<!-- chapters:start/end -->`` (the chapter table) and ``<!-- browser:start/end -->``
(Binder and JupyterHub links, which name the public repository).
"""

from __future__ import annotations

from urllib.parse import quote

from course import toc

START, END = "<!-- chapters:start -->", "<!-- chapters:end -->"
BLOCKS = ("chapters", "browser")


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


def browser_links() -> str:
    from course import nav
    repo = nav.repository()
    binder = nav.binder_url(nav.INDEX_NAME)
    name = repo.split("/")[-1]
    pull = ("https://HUB/hub/user-redirect/git-pull?repo="
            + quote(f"https://github.com/{repo}", safe="") + f"&branch={nav.BRANCH}&urlpath="
            + quote(f"lab/tree/{name}/notebooks/{nav.INDEX_NAME}", safe=""))
    return "\n".join([
        f"- **Binder**, nothing to install: [![launch binder](notebooks/img/binder-badge.svg)]({binder})"
        " — Jupyter Lab with real nginx included (the first start of a new version takes a few minutes).",
        "- **The HTML book**, read-only, works offline: `python -m course book --serve`, then open"
        " the address it prints (or `site/index.html`).",
        "- **A JupyterHub class**: send learners an nbgitpuller link (replace `HUB`):",
        f"  `{pull}`",
    ])


def generated(t: toc.Toc) -> dict[str, str]:
    return {"chapters": chapter_table(t), "browser": browser_links()}


def update_readme(t: toc.Toc | None = None, check: bool = False) -> bool:
    """Rewrite the generated blocks in README.md; True if anything changed (or would)."""
    t = t or toc.load()
    path = toc.ROOT / "README.md"
    text = new = path.read_text()
    for name, body in generated(t).items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if start not in new:
            continue
        head, rest = new.split(start, 1)
        _, tail = rest.split(end, 1)
        new = f"{head}{start}\n{body}\n{end}{tail}"
    if new != text and not check:
        path.write_text(new)
    return new != text
