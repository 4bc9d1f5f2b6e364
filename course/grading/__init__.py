"""Grading: the table of contents, the pytest plugin, the grader and the learner's progress.

toc            -- ``course.toml``: chapters and exercises (the one source of truth)
pytest_plugin  -- what a graded test gets: the ``exercise`` fixture (the learner's module,
                  loaded by path), per-exercise timeouts, one-line "not done yet" messages
runner         -- run an exercise's graded tests in a child pytest and build the scores;
                  its names are re-exported here: ``grading.grade(...)``
progress       -- what ``python -m course check`` remembers between runs
"""

from course.grading.runner import (
    ExerciseResult,
    TestOutcome,
    grade,
    grade_file,
    grade_files,
    report_dict,
)

__all__ = ["ExerciseResult", "TestOutcome", "grade", "grade_file", "grade_files", "report_dict"]
