"""Exercise 4.1 -- build the PEP 3333 ``environ`` for one parsed request.

The server has parsed a request into its method, request target, version, header fields
(names lower-case, values as ``str`` decoded from latin-1) and body bytes.  Build the dict
the application receives.

Rules (PEP 3333 "environ Variables", and CGI, RFC 3875 §4.1):

* ``REQUEST_METHOD``, ``SERVER_PROTOCOL`` (the version, e.g. ``"HTTP/1.1"``),
  ``SERVER_NAME`` / ``SERVER_PORT`` from ``server``, ``REMOTE_ADDR`` / ``REMOTE_PORT`` from
  ``client`` -- every value a native ``str`` (ports too).
* ``SCRIPT_NAME`` is ``""`` (the app is mounted at the root); ``PATH_INFO`` is the path of the
  target **percent-decoded** and then taken byte-for-byte as latin-1 (PEP 3333's
  "bytes as str": ``/caf%C3%A9`` becomes ``"/caf\\xc3\\xa9"``); ``QUERY_STRING`` is what
  follows ``?`` (not decoded; ``""`` when there is none).  An absolute-form target
  (``http://host/path?q``) contributes only its path and query.
* Each header ``x-name`` becomes ``HTTP_X_NAME``; repeated headers are joined with ``", "``.
  ``Content-Type`` and ``Content-Length`` become ``CONTENT_TYPE`` and ``CONTENT_LENGTH``
  (without ``HTTP_``).  A header whose name contains ``_`` is dropped: ``X_User`` would
  otherwise collide with ``X-User`` and let a client forge it.
* When there is a body, or the request had a Content-Length, ``CONTENT_LENGTH`` is
  ``str(len(body))``.
* The ``wsgi.*`` keys: ``wsgi.version`` ``(1, 0)``, ``wsgi.url_scheme`` ``"http"``,
  ``wsgi.input`` a binary file holding the body, ``wsgi.errors`` a text stream
  (``sys.stderr``), ``wsgi.multithread`` True, ``wsgi.multiprocess`` and ``wsgi.run_once``
  False.

The tests pass your environ to an app wrapped in ``wsgiref.validate.validator``.
"""

from __future__ import annotations


def build_environ(method: str, target: str, version: str, headers: list[tuple[str, str]],
                  body: bytes, server: tuple[str, int], client: tuple[str, int]) -> dict:
    raise NotImplementedError("exercise 4.1: build and return the environ dict")
