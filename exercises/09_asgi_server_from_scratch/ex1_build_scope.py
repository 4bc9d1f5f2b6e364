"""Exercise 9.1 -- build the ASGI ``scope`` from a request h11 parsed.

h11 turns the bytes of a request head into an ``h11.Request`` event: ``method``,
``target`` (the request-target exactly as sent, e.g. ``b"/caf%C3%A9?a=1"``),
``http_version`` (``b"1.1"``) and ``headers`` (pairs of bytes, names already lower-cased).
A server turns that into the ``http`` connection scope the app receives (asgiref:
specs/www.rst).

Write ``build_scope(request, client, server, state=None)`` returning a dict with:

* ``type`` ``"http"``; ``asgi`` ``{"version": "3.0", "spec_version": "2.4"}``;
* ``http_version`` as a str (``"1.1"``); ``method`` as an upper-case str (``"GET"``);
* ``scheme`` ``"http"`` (no TLS here); ``root_path`` ``""``;
* ``raw_path``: the target's path part as bytes, *still percent-encoded*, without the query;
* ``path``: the same path percent-decoded as UTF-8 into a str (``"/café"``);
* ``query_string``: the bytes after the first ``?`` (``b""`` when there is none), undecoded;
* ``headers``: a list of ``(name, value)`` byte pairs, names lower-case, in request order;
* ``client`` and ``server``: the ``(host, port)`` tuples you were given;
* ``state``: a *shallow copy* of ``state`` (``{}`` when None) -- each request gets its own
  dict, so one request cannot add keys that the next one sees.

Rules: don't decode the query string; don't touch header values.
Check: ``python -m course check 9``.
"""

from __future__ import annotations

import h11


def build_scope(request: h11.Request, client: tuple[str, int], server: tuple[str, int],
                state: dict | None = None) -> dict:
    raise NotImplementedError("exercise 9.1: build the http scope from the h11.Request")
