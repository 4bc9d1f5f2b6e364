"""Exercise 3.3 -- a query-string calculator that answers 400 to bad input.

The task
--------
``GET /add?a=2&b=3`` answers ``200 OK`` with ``{"result": 5.0}``; ``/sub``, ``/mul`` and
``/div`` work the same way.  Every answer is JSON (``Content-Type: application/json``, a
correct ``Content-Length``); errors are ``{"error": "<a message for a human>"}``.

The rules:

* ``a`` and ``b`` are numbers as ``float()`` reads them (``2``, ``-1.5``, ``1e3``) but must
  be finite: ``nan`` and ``inf`` are bad input;
* bad input is ``400 Bad Request``: a missing ``a`` or ``b``, a value that is not a number,
  a parameter given twice (``a=1&a=2``), division by zero, a result that overflows to inf;
* an unknown path is ``404 Not Found``;
* a known path with a method other than GET is ``405 Method Not Allowed`` with an
  ``Allow: GET`` header (RFC 9110 §15.5.6 requires it);
* never let an exception escape: a crashed app is a 500 for the user and a traceback
  in someone's log.

``urllib.parse.parse_qs(environ["QUERY_STRING"], keep_blank_values=True)`` gives you
``{"a": ["2"], "b": ["3"]}``.  Check it: ``python -m course check 3``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    raise NotImplementedError(
        "exercise 3.3: route on PATH_INFO, parse QUERY_STRING, answer JSON with 200/400/404/405")
