"""README.md's generated parts, from course.toml and pyproject's [tool.course] repository.

``python -m course readme`` rewrites the text between each pair of markers:
``<!-- chapters:start/end -->`` (the chapter table) and ``<!-- browser:start/end -->``
(Binder and JupyterHub links, which name the public repository).
"""

from __future__ import annotations

from urllib.parse import quote

from course import settings
from course.grading import toc
from course.teaching import generated, nav

__all__ = ["BLOCKS", "README", "browser_links", "chapter_table", "output", "update_readme"]

BLOCKS = ("chapters", "browser")
README = settings.ROOT / "README.md"


def chapter_table(t: toc.Toc) -> str:
    rows = ["| # | chapter | what you do | exercises | minutes |",
            "|---|---|---|---|---|"]
    for ch in t.chapters:
        n = len(t.exercises_of(ch.number))
        if ch.ready:
            title = (f"[{ch.title}](chapters/{ch.slug}/README.md) · "
                     f"[notebook](notebooks/{ch.slug}.ipynb)")
            points = sum(ex.points for ex in t.exercises_of(ch.number))
            exercises = f"{n} ({points} points)"
        else:
            title = f"{ch.title} *(planned)*"
            exercises = "–"
        rows.append(f"| {ch.number:02d} | {title} | {ch.summary} | {exercises} | {ch.minutes} |")
    return "\n".join(rows)


def browser_links() -> str:
    repo = settings.repository()
    binder = nav.binder_url(nav.INDEX_NAME)
    name = repo.split("/")[-1]
    pull = ("https://HUB/hub/user-redirect/git-pull?repo="
            + quote(f"https://github.com/{repo}", safe="") + f"&branch={settings.BRANCH}"
            + "&urlpath=" + quote(f"lab/tree/{name}/notebooks/{nav.INDEX_NAME}", safe=""))
    return "\n".join([
        f"- **Binder**, nothing to install: [![launch binder](notebooks/img/binder-badge.svg)]"
        f"({binder}) — Jupyter Lab with real nginx included (the first start of a new version "
        "takes a few minutes).",
        "- **The HTML book**, read-only, works offline: `python -m course book --serve`, then open"
        " the address it prints (or `site/index.html`).",
        "- **A JupyterHub class**: send learners an nbgitpuller link (replace `HUB`):",
        f"  `{pull}`",
    ])


def blocks(t: toc.Toc) -> dict[str, str]:
    return {"chapters": chapter_table(t), "browser": browser_links()}


def output(t: toc.Toc | None = None) -> generated.Output:
    """README.md with every generated block re-rendered."""
    def render(old: str | None) -> str:
        text = old or ""
        for name, body in blocks(t or toc.load()).items():
            text = generated.replace_block(text, name, body)
        return text
    return generated.Output(README, render)


def update_readme(t: toc.Toc | None = None, check: bool = False) -> bool:
    """Rewrite the generated blocks in README.md; True if anything changed (or would)."""
    if not README.exists():
        return False
    return bool(generated.sync([output(t)], check=check))
