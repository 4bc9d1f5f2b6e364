"""Import a Python file by its path: chapter code, exercises and the app suite.

``code/`` is not a package (an ``__init__.py`` there would shadow the standard library's
``code`` module) and exercises live in folders whose names start with digits, so neither
can be imported with a plain ``import``.  ``load_path`` does what ``import`` would do for one
file: create the module, register it in ``sys.modules`` *before* running it (dataclasses
and pickling look it up there), run it, and return it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["load_path", "module_name_for"]


def module_name_for(path: Path, prefix: str = "course_loaded") -> str:
    """A module name unique to ``path``: ``prefix_<folder>_<stem>``."""
    path = Path(path)
    return f"{prefix}_{path.parent.name}_{path.stem}".replace("-", "_").replace(".", "_")


def load_path(path: str | Path, name: str | None = None, *, reuse: bool = True) -> ModuleType:
    """Import the file at ``path`` as module ``name`` and return it.

    With ``reuse`` (the default) a module already imported under ``name`` is returned as it
    is.  If running the file raises, the half-made module is removed from ``sys.modules``
    and the exception propagates unchanged.
    """
    path = Path(path).resolve()
    name = name or module_name_for(path)
    if reuse and name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module
