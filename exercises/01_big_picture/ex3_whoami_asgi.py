"""Exercise 1.3 -- the same "who is asking" app, as an ASGI app.

Write ``async def app(scope, receive, send)`` that answers every HTTP request with status
200, a ``content-type: application/json`` header and this JSON body::

    {"interface": "ASGI",
     "client": "<the visitor's address>",
     "scheme": "<http or https, as the visitor used>",
     "host":   "<the Host header>",
     "path":   "<root_path + path>"}

The rules are those of exercise 1.2 -- when the peer (``scope["client"][0]``) is one of
``TRUSTED_PROXIES``: the last ``X-Forwarded-For`` entry, else the peer's address, and
``X-Forwarded-Proto``, else the scheme; from any other peer (or with no ``client``) ignore
both headers -- but everything comes from ``scope``:

* ``scope["headers"]`` is a list of ``(name, value)`` pairs of **bytes**, names in lower
  case, in the order they arrived (``b"x-forwarded-for"``).
* ``scope["client"]`` is ``(host, port)`` (or None), ``scope["scheme"]`` is ``"http"``...
* The app *receives* events with ``await receive()`` and *emits* the response with
  ``await send(...)``: first ``{"type": "http.response.start", "status": 200, "headers":
  [(b"content-type", b"application/json")]}``, then ``{"type": "http.response.body",
  "body": b"..."}``.  Header names and values you send are bytes.
* Only answer ``scope["type"] == "http"``; ignore other scope types by returning (uvicorn
  then carries on without lifespan support).

The graded tests drive it message by message, then run it under real uvicorn behind nginx.
"""

from __future__ import annotations

import json

TRUSTED_PROXIES = {"127.0.0.1", "::1"}    # where our nginx connects from


async def app(scope, receive, send) -> None:
    raise NotImplementedError("exercise 1.3: send http.response.start, then http.response.body")
