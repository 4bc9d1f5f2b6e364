"""What every chapter 13 experiment shares: where results go, how they are saved, small maths.

Not run on its own; the experiment scripts import it.  Each script takes ``--out DIR``
(default: ``results/`` next to this file, which git ignores) and writes ``NAME.json`` (every
number it printed, with the load tool and the pinning) and ``NAME.png`` (its plot) there.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results"


def add_out_argument(parser) -> None:
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="directory for NAME.json and NAME.png (default: %(default)s)")


def machine() -> dict[str, Any]:
    """What the numbers depend on: cores this process may use, Python, the OS."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cores": cores, "python": platform.python_version(), "platform": sys.platform,
            "when": time.strftime("%Y-%m-%d %H:%M:%S")}


def save_json(out: Path, name: str, data: dict[str, Any]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2))
    return path


def load_json(out: Path, name: str) -> dict[str, Any] | None:
    path = out / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def new_figure(width: float = 8.0, height: float = 4.0):
    """A matplotlib figure that needs no display (scripts run headless)."""
    import matplotlib
    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt.subplots(figsize=(width, height))


def save_figure(fig, out: Path, name: str) -> Path:
    import matplotlib.pyplot as plt
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    if not hasattr(sys, "ps1") and "ipykernel" not in sys.modules:
        plt.close(fig)
    return path


def raise_open_files(wanted: int) -> int:
    """Raise this process's soft limit on open files towards ``wanted``; return the new limit.

    Each connection is a file descriptor on both ends.  The soft limit is often 1024; the
    hard limit is the ceiling an ordinary user may raise it to.  Child processes (the
    servers we start) inherit the raised limit.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


def percentile(values: list[float], pct: float) -> float:
    """The ``pct``-th percentile (inclusive method), e.g. ``percentile(xs, 99)``."""
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[int(pct) - 1]
