"""Which exercises are still their untouched stub: graded at once, without running anything.

An untouched stub fails every graded test by design, so there is no need to start pytest,
nginx or a server to say so.  ``exercises/.stubs.sha256`` lists the SHA-256 of every stub as
shipped (one ``<hash>  <file>`` line per exercise, ``sha256sum`` style).  A learner's file
with the same hash has not been edited yet: ``python -m course check`` reports it as "not
done yet" in no time.  Any edit, even a space, makes it a real attempt that is graded in
full.  ``python -m course generate`` rewrites the manifest from the stubs, and the
maintainers' suite fails when it is out of step.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from course.grading import toc
from course.settings import ROOT
from course.teaching import generated

__all__ = ["MANIFEST", "is_untouched", "manifest_output", "manifest_text"]

MANIFEST = ROOT / "exercises" / ".stubs.sha256"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_text(t: toc.Toc | None = None) -> str:
    t = t or toc.load()
    lines = [f"{_sha256(ex.path('exercises'))}  {ex.file}" for ex in t.exercises
             if ex.path("exercises").exists()]
    return "\n".join(lines) + "\n"


def manifest_output(t: toc.Toc | None = None) -> generated.Output:
    return generated.Output(MANIFEST, lambda old: manifest_text(t))


@lru_cache(maxsize=1)
def _shipped() -> dict[str, str]:
    if not MANIFEST.exists():
        return {}
    hashes = {}
    for line in MANIFEST.read_text().splitlines():
        digest, _, file = line.partition("  ")
        hashes[file] = digest
    return hashes


def is_untouched(ex: toc.Exercise) -> bool:
    """True if the learner's copy of ``ex`` is byte for byte the stub as shipped."""
    path = ex.path("exercises")
    shipped = _shipped().get(ex.file)
    return shipped is not None and path.exists() and _sha256(path) == shipped
