"""Exercise 1.2 -- a WSGI app that knows who is asking, behind nginx.

Behind a reverse proxy, ``REMOTE_ADDR`` is nginx's address, not the visitor's, and the
scheme the app server sees is nginx's (plain http), not the one the visitor used.  nginx
passes the originals on in headers (``X-Forwarded-For``, ``X-Forwarded-Proto``), which
arrive in ``environ`` as ``HTTP_X_FORWARDED_FOR`` and ``HTTP_X_FORWARDED_PROTO``.

Write ``app(environ, start_response)`` that answers every request with ``200 OK``,
``Content-Type: application/json`` and a correct ``Content-Length``, and this JSON body::

    {"interface": "WSGI",
     "client": "<the visitor's address>",
     "scheme": "<http or https, as the visitor used>",
     "host":   "<the Host header>",
     "path":   "<SCRIPT_NAME + PATH_INFO>"}

Rules:
* ``client``: with an ``X-Forwarded-For`` header, its **last** entry (the comma-separated
  list grows by one address per proxy; the last one was appended by *our* nginx, the ones
  before it came from the client and can be made up).  Without the header: ``REMOTE_ADDR``.
* ``scheme``: ``X-Forwarded-Proto`` if present, else ``environ["wsgi.url_scheme"]``.
* ``host``: the ``Host`` header (``HTTP_HOST``).
* The app must pass ``wsgiref.validate`` (the tests wrap it): status and header values
  are native strings, the body is an iterable of bytes.

The graded tests call it directly and then run it under real gunicorn behind real nginx.
"""

from __future__ import annotations

import json


def app(environ: dict, start_response):
    raise NotImplementedError("exercise 1.2: answer with the JSON described above")
