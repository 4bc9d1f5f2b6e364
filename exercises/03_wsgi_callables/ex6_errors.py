"""Exercise 3.6 -- report errors with start_response's exc_info.

``start_response(status, headers, exc_info=None)``: the third argument exists for one job.
When an app fails *after* it called ``start_response`` it may call it again -- only with
``exc_info=sys.exc_info()``.  The server then does one of two things (PEP 3333):

* the headers have **not** been sent yet: the new status and headers replace the old ones;
* the headers **have** been sent (a body item went out): the status can no longer change,
  so ``start_response`` re-raises the original exception; let it propagate -- the server
  logs it and cuts the connection, and the client sees a truncated response.

The task
--------
``app`` renders ``produce(PATH_INFO)`` (given below), streaming each part as it is produced:

* call ``start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])`` first,
  then yield every part of ``produce(...)`` as soon as you get it (no buffering);
* if ``produce`` raises, write the traceback to ``environ["wsgi.errors"]``
  (``traceback.format_exc()``), call ``start_response("500 Internal Server Error",
  [("Content-Type", "text/plain; charset=utf-8")], sys.exc_info())`` and yield
  ``b"Internal Server Error\\n"`` -- never the exception's text (it may hold secrets);
* don't catch what that second ``start_response`` raises;
* pass ``exc_info`` positionally: ``wsgiref.validate`` refuses keyword arguments.

The app is easiest to write as a generator function.  Check it: ``python -m course check 3``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator


# -- given: the page and its failures (use them, don't change them) --------------------------
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


# -- your part -------------------------------------------------------------------------------
def app(environ: dict, start_response: Callable) -> Iterator[bytes]:
    raise NotImplementedError(
        "exercise 3.6: start_response 200, yield the parts; on an exception, log it and call "
        "start_response again with sys.exc_info()")
