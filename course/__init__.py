"""The course toolkit: what notebooks, chapter scripts, tests and the learner CLI share.

servers -- start/stop real servers on 127.0.0.1      nginx   -- a real nginx in a temp prefix
load    -- bounded load generation (wrk if present)   grading -- run graded tests, build scores
toc     -- course.toml, the table of contents         testing -- helpers for graded tests
"""

from course.toc import ROOT

__all__ = ["ROOT"]
__version__ = "0.1.0"
