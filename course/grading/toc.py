"""The course's table of contents, read from ``course.toml`` (the one source of truth).

The CLI, the grader, the README chapter table, notebook navigation and the classroom
workflow all read chapters and exercises from here, and tests keep them in step.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from course.settings import ROOT

TOC_PATH = ROOT / "course.toml"
FORMAT_VERSION = 1
TARGETS = ("exercises", "solutions")

__all__ = ["Chapter", "Exercise", "ROOT", "Toc", "load"]


@dataclass(frozen=True)
class Exercise:
    id: str                      # "3.2": chapter 3, exercise 2
    chapter: int
    file: str                    # relative to the target root: "03_wsgi_callables/ex2_env.py"
    points: int
    hints: tuple[str, ...]
    requires: tuple[str, ...] = ()   # "nginx", "posix"
    timeout: float = 10.0        # seconds per graded test

    @property
    def stem(self) -> str:
        return Path(self.file).stem

    @property
    def test_file(self) -> Path:
        """The graded tests: always in exercises/, next to the stub."""
        path = Path(self.file)
        return ROOT / "exercises" / path.parent / f"test_{path.stem}.py"

    def path(self, target: str = "exercises") -> Path:
        return ROOT / target / self.file


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str
    title: str
    minutes: int
    status: str = "ready"        # "ready" or "planned"
    summary: str = ""

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    @property
    def notebook(self) -> Path:
        return ROOT / "notebooks" / f"{self.slug}.ipynb"

    @property
    def readme(self) -> Path:
        return ROOT / "chapters" / self.slug / "README.md"

    @property
    def code_dir(self) -> Path:
        return ROOT / "code" / self.slug


@dataclass(frozen=True)
class Toc:
    chapters: tuple[Chapter, ...]
    exercises: tuple[Exercise, ...] = field(default=())

    def chapter(self, number: int) -> Chapter:
        for ch in self.chapters:
            if ch.number == number:
                return ch
        raise KeyError(f"there is no chapter {number} in course.toml")

    def exercise(self, ex_id: str) -> Exercise:
        for ex in self.exercises:
            if ex.id == ex_id:
                return ex
        known = ", ".join(e.id for e in self.exercises)
        raise KeyError(f"there is no exercise {ex_id!r}; known exercises: {known}")

    def exercises_of(self, number: int) -> list[Exercise]:
        return [ex for ex in self.exercises if ex.chapter == number]

    def for_test_file(self, test_path: Path) -> Exercise | None:
        """The exercise graded by ``exercises/NN_slug/test_exK_name.py``."""
        for ex in self.exercises:
            if ex.test_file.resolve() == Path(test_path).resolve():
                return ex
        return None

    @property
    def ready_chapters(self) -> list[Chapter]:
        return [ch for ch in self.chapters if ch.ready]


def parse(text: str) -> Toc:
    data = tomllib.loads(text)
    if data.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"course.toml: format_version must be {FORMAT_VERSION}")
    chapters = tuple(Chapter(**ch) for ch in data.get("chapters", []))
    exercises = tuple(
        Exercise(**{**ex, "hints": tuple(ex.get("hints", ())),
                    "requires": tuple(ex.get("requires", ()))})
        for ex in data.get("exercises", [])
    )
    return Toc(chapters, exercises)


@lru_cache(maxsize=1)
def load(path: Path = TOC_PATH) -> Toc:
    return parse(path.read_text())
