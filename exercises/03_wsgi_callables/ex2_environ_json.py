"""Exercise 3.2 -- an environ inspector that answers with JSON.

Everything a WSGI app knows about the request is in ``environ``: CGI-style keys from the
request line and headers, plus the ``wsgi.*`` keys the server adds.  This app reports a few
of them as JSON -- a tool you would really use behind a proxy to see what arrives.

The task
--------
Answer every request with ``200 OK``, ``Content-Type: application/json``, a correct
``Content-Length``, and a UTF-8 JSON object with exactly these keys:

* ``"method"``: ``REQUEST_METHOD``;
* ``"path"``: ``SCRIPT_NAME + PATH_INFO`` as *text*: see the rule on native strings below;
* ``"query"``: ``QUERY_STRING`` (``""`` when absent);
* ``"scheme"``: ``wsgi.url_scheme``;
* ``"server"``: ``"SERVER_NAME:SERVER_PORT"``, e.g. ``"127.0.0.1:8000"``;
* ``"remote_addr"``: ``REMOTE_ADDR``, or ``null`` when the server did not set it;
* ``"wsgi_version"``: ``wsgi.version`` as a list, e.g. ``[1, 0]``;
* ``"headers"``: an object with every request header, names lower-case with dashes
  (``HTTP_X_FORWARDED_FOR`` -> ``"x-forwarded-for"``).  Careful: ``Content-Type`` and
  ``Content-Length`` arrive as ``CONTENT_TYPE`` and ``CONTENT_LENGTH`` -- *without* the
  ``HTTP_`` prefix -- include them (as ``"content-type"``, ``"content-length"``) when they
  are non-empty.

Native strings (PEP 3333, "Unicode issues"): environ values are ``str``, but they hold the
raw bytes from the wire decoded as **latin-1**.  A request for ``/café`` (UTF-8 on the wire:
``/caf\\xc3\\xa9``) arrives as ``PATH_INFO == "/cafÃ©"``.  Get the bytes back with
``.encode("latin-1")`` and decode them as UTF-8 (``errors="replace"``) for ``"path"``.

Check it: ``python -m course check 3``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    raise NotImplementedError(
        "exercise 3.2: build the dict from environ, json.dumps it, encode, start_response")
