"""Exercise 4.2 -- the ``start_response`` / ``write`` state machine of a WSGI server.

``ResponseWriter(send)`` is what a server hands the application for one response; ``send``
puts bytes on the wire (``sock.sendall`` in a server, a list's ``append`` in the tests).
The server calls ``app(environ, writer.start_response)``, passes every chunk of the returned
iterable to ``writer.write(chunk)``, and finally calls ``writer.finish()``.

Rules (PEP 3333, "The start_response() Callable"):

* ``start_response(status, headers, exc_info=None)`` only *records* the status and headers
  and returns ``write``; nothing is sent yet.
* The head -- ``"HTTP/1.1 " + status``, one ``"Name: value"`` line per header, each line
  ending in CRLF, then an empty line, encoded as latin-1 -- goes out with the first
  **non-empty** chunk, in the **same** ``send`` call (head + chunk: one call, no tiny
  writes).  Later chunks are sent as they are.  Empty chunks send nothing.
  (Framing -- Content-Length, chunked -- is exercise 4.3; here the app sets its own headers.)
* ``finish()`` sends the head if it has not gone out yet (an empty body).
* Calling ``start_response`` a second time without ``exc_info`` is an error: raise
  ``AssertionError``.  With ``exc_info`` (the app caught an exception and wants an error
  page instead): if the head has not been sent, replace status and headers; if it has,
  re-raise the exception (``raise exc_info[1].with_traceback(exc_info[2])``) -- it is too
  late to change the status.
* ``write()`` or ``finish()`` before ``start_response`` raise ``AssertionError``.
* ``headers_sent`` tells whether the head is on the wire.
"""

from __future__ import annotations

from collections.abc import Callable


class ResponseWriter:
    def __init__(self, send: Callable[[bytes], None]) -> None:
        self.send = send
        self.status: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.headers_sent = False

    def start_response(self, status: str, headers: list[tuple[str, str]],
                       exc_info=None) -> Callable[[bytes], None]:
        raise NotImplementedError("exercise 4.2: record status and headers, return write")

    def write(self, data: bytes) -> None:
        raise NotImplementedError("exercise 4.2: send the head with the first non-empty chunk")

    def finish(self) -> None:
        raise NotImplementedError("exercise 4.2: send the head if it has not gone out")
