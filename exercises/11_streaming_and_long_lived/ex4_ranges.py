"""Exercise 11.4 -- range requests: 206 Partial Content, 416, If-Range (RFC 9110 §14).

A video player seeking to minute 40, or ``curl -C -`` resuming a broken download, asks for
part of a file with a ``Range`` header.  nginx's static module does this for files on disk;
here you write it for a WSGI app that serves bytes it holds.

Write ``make_app(content, *, etag, last_modified)`` returning a WSGI app that serves
``content`` (bytes) at every path.  ``etag`` is a strong entity tag such as ``'"v1"'`` and
``last_modified`` an HTTP date; both are sent back as they are.

1. Methods: ``GET`` and ``HEAD``.  Anything else: ``405 Method Not Allowed`` with
   ``Allow: GET, HEAD``.
2. Every 200 and 206 carries ``Accept-Ranges: bytes``, ``ETag``, ``Last-Modified``,
   ``Content-Type: application/octet-stream`` and a ``Content-Length`` equal to the length
   of the body it sends.
3. No ``Range`` header: ``200 OK`` with the whole content.
4. One byte range (RFC 9110 §14.1.2), positions counted from 0, both ends included:
   ``bytes=FIRST-LAST``, ``bytes=FIRST-`` (to the end) or ``bytes=-N`` (the last N bytes).
   Answer ``206 Partial Content`` with those bytes and
   ``Content-Range: bytes FIRST-LAST/LENGTH`` (§14.4).  A LAST beyond the end is cut to the
   last byte; a suffix N longer than the content means the whole content.
5. Unsatisfiable (§14.1.1): FIRST at or past the end, or the suffix ``-0`` ->
   ``416 Range Not Satisfiable`` with ``Content-Range: bytes */LENGTH`` (§15.5.17).
6. A Range this app does not honour is **ignored** -- answer 200 with the whole content, as
   §14.2 allows: another unit (``items=0-1``), a syntax error (``bytes=abc``, ``bytes=-``,
   ``bytes=5-2`` where LAST < FIRST) and several ranges (``bytes=0-1,4-5``: a server may
   answer those with ``multipart/byteranges``; nginx does, this app does not).
7. ``If-Range`` (§13.1.5): when present, honour ``Range`` only if its value is exactly the
   ETag (a weak tag ``W/"v1"`` never matches) or exactly the Last-Modified date; otherwise
   the file has changed since the client's first part: send 200 with the whole content.
8. ``HEAD`` gets the same status and headers as ``GET`` would, and an empty body.

Try it: ``python -c "import wsgiref.simple_server as s, ex4_ranges as e;
s.make_server('127.0.0.1', 8000, e.make_app(b'0123456789', etag='\\"v1\\"',
last_modified='Tue, 01 Dec 2026 10:00:00 GMT')).serve_forever()"`` from the exercise
folder, then ``curl -i -r 2-5 http://127.0.0.1:8000/``.

Check: ``python -m course check 11``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def make_app(content: bytes, *, etag: str, last_modified: str) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        raise NotImplementedError("exercise 11.4: methods, Range, If-Range, 206 and 416")
    return app
