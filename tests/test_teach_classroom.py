"""GitHub Classroom workflow and the workshop schedule: in step with course.toml."""

from __future__ import annotations

import re

import yaml

from conftest import TOC
from course.grading import toc
from course.teaching import classroom


def test_classroom_workflow_is_up_to_date():
    assert classroom.WORKFLOW.exists(), "run `python -m course classroom` and commit"
    assert classroom.WORKFLOW.read_text() == classroom.workflow_yaml(TOC), (
        ".github/workflows/classroom.yml is out of step with course.toml: "
        "run `python -m course classroom` and commit")


def test_classroom_workflow_grades_every_exercise():
    doc = yaml.safe_load(classroom.workflow_yaml(TOC))
    assert set(doc["on"]) >= {"push", "repository_dispatch"}
    assert doc["permissions"]["checks"] == "write"
    (job,) = doc["jobs"].values()
    assert "github-classroom[bot]" in job["if"] and "is_template" in job["if"]
    steps = job["steps"]
    graders = [s for s in steps if s.get("uses") == classroom.GRADER]
    assert len(graders) == len(TOC.exercises)
    for ex, step in zip(TOC.exercises, graders, strict=True):
        inputs = step["with"]
        assert step["id"] == classroom.step_id(ex)
        assert set(inputs) == {"test-name", "setup-command", "command", "timeout", "max-score"}
        assert inputs["max-score"] == ex.points, f"exercise {ex.id}: points from course.toml"
        assert ex.id in inputs["test-name"]
        test = ex.test_file.relative_to(toc.ROOT).as_posix()
        assert inputs["command"].startswith(f"python -m pytest {test} ")
        assert "-o addopts=" in inputs["command"], "no -n auto inside the grader"
        assert isinstance(inputs["timeout"], int) and 1 <= inputs["timeout"] <= 360
        if TOC.chapter(ex.chapter).ready:
            assert ex.test_file.exists(), f"{test} is graded but missing"
    install = [s for s in steps if "pip install -r requirements.txt" in s.get("run", "")]
    assert install, "the course is installed before grading"
    if graders:
        assert steps.index(install[0]) < steps.index(graders[0])
    reporter = steps[-1]
    assert reporter["uses"] == classroom.REPORTER
    ids = [s["id"] for s in graders]
    assert reporter["with"]["runners"] == ",".join(ids)
    for sid in ids:
        assert reporter["env"][f"{sid.upper()}_RESULTS"] == f"${{{{steps.{sid}.outputs.result}}}}"


def test_step_ids_are_unique_and_valid():
    ids = [classroom.step_id(ex) for ex in TOC.exercises]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids)


def test_schedule_in_instructors_guide_is_up_to_date():
    assert classroom.instructors_schedule_block() == classroom.schedule_markdown(TOC), (
        "chapters/INSTRUCTORS.md's schedule is out of step with course.toml: "
        "run `python -m course schedule --write` and commit")


def test_schedule_covers_every_chapter_within_the_day():
    rows = classroom.schedule_rows(TOC)
    sessions = [r for r in rows if r[3] not in ("break", "lunch")]
    assert [r[4] for r in sessions] == [ch.minutes for ch in TOC.chapters]
    for day, start, end, what, minutes in rows:
        h1, m1 = map(int, start.split(":"))
        h2, m2 = map(int, end.split(":"))
        assert (h2 * 60 + m2) - (h1 * 60 + m1) == minutes
        assert "09:00" <= start and end <= "17:00", (day, start, end, what)
    for day in {r[0] for r in rows}:
        assert sum(r[3] == "lunch" for r in rows if r[0] == day) <= 1


def test_instructors_guide_covers_the_kit():
    text = classroom.INSTRUCTORS.read_text()
    for needle in ("python -m course doctor", "pip download -r requirements.txt",
                   "--no-index --find-links", "python -m course gradebook",
                   "python -m course report --json", "python -m course handout",
                   "python -m course book", "git-pull?repo=", "classroom.yml"):
        assert needle in text, f"INSTRUCTORS.md should explain `{needle}`"
