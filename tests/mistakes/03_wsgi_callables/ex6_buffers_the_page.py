"""Mistake: collects every part in a list before yielding (no streaming)"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterator


# -- given: the page and its failures -----------------------------------------------------------
class PageError(Exception):
    """Rendering a page failed."""


def produce(path: str) -> Iterator[bytes]:
    """Yield the parts of a page as they are rendered.

    ``/broken`` fails before the first part; ``/half`` fails after the first part;
    every other path renders three parts.
    """
    if path == "/broken":
        raise PageError("the template is missing")
    yield b"<h1>Report</h1>\n"
    if path == "/half":
        raise PageError("the database went away half-way")
    yield b"<p>all good</p>\n"
    yield b"<p>the end</p>\n"


# -- the solution -------------------------------------------------------------------------------
HTML = [("Content-Type", "text/html; charset=utf-8")]
ERROR_BODY = b"Internal Server Error\n"


def app(environ: dict, start_response: Callable) -> Iterator[bytes]:
    start_response("200 OK", HTML)
    try:
        parts = list(produce(environ.get("PATH_INFO", "/")))
        yield from parts
    except Exception:
        environ["wsgi.errors"].write(traceback.format_exc())
        # Headers not sent yet: this replaces the 200.  Already sent: the server re-raises
        # the original exception here, and it propagates out of the body iterator.
        start_response("500 Internal Server Error",
                       [("Content-Type", "text/plain; charset=utf-8")], sys.exc_info())
        yield ERROR_BODY
