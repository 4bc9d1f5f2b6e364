"""Show the lines of an installed library that a claim rests on: file, line number, text.

A library module for the chapter 12 notebook: every statement about an adapter or a
framework is backed by a cell that prints the installed source it comes from, so a
learner with other versions sees *their* code, not our memory of it::

    from read_source import show
    print(show(asgiref.wsgi.WsgiToAsgiInstance.run_wsgi_app, "sync_to_async", "for output"))
"""

from __future__ import annotations

import inspect
from pathlib import Path

__all__ = ["show"]


def show(obj, *needles: str, context: int = 0) -> str:
    """The lines of ``obj``'s source that contain any of ``needles`` (plus ``context`` after).

    The first line names the file (relative to ``site-packages`` when it is there) and the
    object; each following line is ``number: text``.  An object whose source cannot be
    found raises ``TypeError`` (as ``inspect`` does).
    """
    unwrapped = inspect.unwrap(obj)
    lines, first = inspect.getsourcelines(unwrapped)
    path = Path(inspect.getsourcefile(unwrapped) or "?")
    parts = path.parts
    shown = str(Path(*parts[parts.index("site-packages") + 1:])) if (
        "site-packages" in parts) else str(path)
    name = getattr(unwrapped, "__qualname__", getattr(unwrapped, "__name__", repr(obj)))
    out = [f"{shown} ({name})"]
    keep = set()
    for offset, line in enumerate(lines):
        if any(needle in line for needle in needles):
            keep.update(range(offset, min(offset + context + 1, len(lines))))
    for offset in sorted(keep):
        out.append(f"{first + offset:5}: {lines[offset].rstrip()}")
    if len(out) == 1:
        out.append(f"      (none of {needles} appears: this version may differ)")
    return "\n".join(out)
