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

Anyone can send those headers, though: they mean something only when the connection
comes from *our* nginx.  ``REMOTE_ADDR`` says who opened the connection; trust the
forwarded headers only when it is one of ``TRUSTED_PROXIES`` (chapter 05 builds the full
version of this rule as a middleware, exercise 5.4).

Rules:
* ``client``: when ``REMOTE_ADDR`` is in ``TRUSTED_PROXIES`` and an ``X-Forwarded-For``
  header is present, its **last** entry (the comma-separated list grows by one address per
  proxy; the last one was appended by *our* nginx, the ones before it came from the client
  and can be made up).  Otherwise: ``REMOTE_ADDR``.
* ``scheme``: when ``REMOTE_ADDR`` is in ``TRUSTED_PROXIES``, ``X-Forwarded-Proto`` if
  present; otherwise ``environ["wsgi.url_scheme"]``.
* From any other peer, ignore ``X-Forwarded-For`` and ``X-Forwarded-Proto`` completely:
  a visitor who connects straight to the app server could otherwise pick their own address.
* ``host``: the ``Host`` header (``HTTP_HOST``).
* The app must pass ``wsgiref.validate`` (the tests wrap it): status and header values
  are native strings, the body is an iterable of bytes.

The graded tests call it directly and then run it under real gunicorn behind real nginx.
"""

from __future__ import annotations

import json

TRUSTED_PROXIES = {"127.0.0.1", "::1"}    # where our nginx connects from


def app(environ: dict, start_response):
    raise NotImplementedError("exercise 1.2: answer with the JSON described above")
