"""Where the course lives and its project settings: the one place that reads them.

``ROOT`` is the course's root folder (``COURSE_ROOT`` points the toolkit at another copy:
the grader's own tests build a small throw-away course there).  ``[tool.course]`` in
``pyproject.toml`` holds the settings the generated files need, such as the public
repository that Binder, nbgitpuller and the book link to.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["BRANCH", "DEFAULT_REPOSITORY", "ROOT", "repository", "tool_settings"]

ROOT = Path(os.environ.get("COURSE_ROOT") or Path(__file__).resolve().parent.parent)
DEFAULT_REPOSITORY = "web-serving-course/web-serving-course"
BRANCH = "main"


@lru_cache(maxsize=1)
def tool_settings() -> dict[str, Any]:
    """The ``[tool.course]`` table of ``pyproject.toml`` (empty when there is none)."""
    try:
        data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return dict(data.get("tool", {}).get("course", {}))


def repository() -> str:
    """``owner/name`` of the public GitHub repository."""
    return str(tool_settings().get("repository") or DEFAULT_REPOSITORY)
