"""What a learner has done so far, kept between runs in ``.course/progress.json`` (not in git)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from course.settings import ROOT

PROGRESS_PATH = ROOT / ".course" / "progress.json"


@dataclass
class Progress:
    passed: dict[str, bool] = field(default_factory=dict)      # exercise id -> last result
    hints_seen: dict[str, int] = field(default_factory=dict)   # exercise id -> hints shown
    updated: str = ""

    @classmethod
    def load(cls, path: Path = PROGRESS_PATH) -> Progress:
        try:
            data = json.loads(path.read_text())
            return cls(**{k: data[k] for k in ("passed", "hints_seen", "updated") if k in data})
        except (OSError, ValueError, TypeError):
            return cls()  # missing or damaged: start afresh rather than fail

    def record(self, results) -> Progress:
        for res in results:
            self.passed[res.exercise.id] = res.passed
        return self

    def save(self, path: Path = PROGRESS_PATH) -> None:
        self.updated = time.strftime("%Y-%m-%dT%H:%M:%S")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, sort_keys=True))
        tmp.replace(path)
