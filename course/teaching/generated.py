"""Files made from ``course.toml``: one shape for all of them -- render, check, write.

Each generated file is an :class:`Output`: a path and a function that makes the file's new
text from its current text (``None`` when the file does not exist yet).  Some outputs are
whole files (``classroom.yml``, ``00_index.ipynb``); others replace only the text between two
markers in a hand-written file (:func:`replace_block`: README.md's chapter table,
INSTRUCTORS.md's schedule) or only a notebook's navigation cells.  :func:`sync` renders each
one, and either reports which are out of date (``check=True``) or writes those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Output", "block_markers", "read_block", "replace_block", "sync", "write_if_changed"]


@dataclass(frozen=True)
class Output:
    path: Path
    render: Callable[[str | None], str]   # current text (None: no file yet) -> new text

    def current(self) -> str | None:
        return self.path.read_text() if self.path.exists() else None


def block_markers(name: str) -> tuple[str, str]:
    """The HTML comments around a generated block: ``<!-- NAME:start -->`` … ``:end -->``."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def read_block(text: str, name: str) -> str | None:
    """The text between the markers of block ``name`` (without the newlines next to them)."""
    start, end = block_markers(name)
    if start not in text or end not in text:
        return None
    inside = text.split(start, 1)[1].split(end, 1)[0]
    return inside.removeprefix("\n").removesuffix("\n")


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with block ``name`` replaced by ``body``; unchanged if it has no such block."""
    start, end = block_markers(name)
    if start not in text or end not in text:
        return text
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    return f"{head}{start}\n{body}\n{end}{tail}"


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it already holds exactly that; True if written."""
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True


def sync(outputs: Iterable[Output], *, check: bool = False) -> list[Path]:
    """Render every output; return the paths that are (``check``) or were out of date."""
    stale = []
    for output in outputs:
        old = output.current()
        new = output.render(old)
        if new == old:
            continue
        stale.append(output.path)
        if not check:
            write_if_changed(output.path, new)
    return stale
