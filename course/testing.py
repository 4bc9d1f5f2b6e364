"""Small helpers for graded tests and notebooks: call a WSGI app by hand, talk raw HTTP.

``call_wsgi`` builds a PEP 3333 environ (``wsgiref.util.setup_testing_defaults`` plus what
you pass), wraps the app in ``wsgiref.validate.validator`` so every spec violation becomes
an ``AssertionError`` naming the rule, consumes the body, calls ``close()``, and returns
what a client would have seen.  ``raw_http`` sends bytes to a server on 127.0.0.1 and
returns every byte it answers -- for looking at the wire.
"""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

__all__ = ["WsgiResponse", "call_wsgi", "make_environ", "raw_http"]


@dataclass
class WsgiResponse:
    status: str                                   # "200 OK"
    headers: list[tuple[str, str]]
    body: bytes
    chunks: list[bytes] = field(default_factory=list)  # the body as the app yielded it

    @property
    def status_code(self) -> int:
        return int(self.status.split(" ", 1)[0])

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def make_environ(method: str = "GET", path: str = "/", query: str = "", body: bytes = b"",
                 headers: dict[str, str] | None = None, **extra: object) -> dict:
    """A complete WSGI environ for one request, as a server would build it."""
    environ: dict = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path,
                     "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1",
                     "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(body)}
    if body or method in ("POST", "PUT", "PATCH"):
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            environ[f"HTTP_{key}"] = value
    environ.update(extra)
    setup_testing_defaults(environ)
    return environ


def call_wsgi(app: Callable, environ: dict | None = None, *, validate: bool = True,
              **request: Any) -> WsgiResponse:
    """Call ``app`` like a server would and return the response.

    Pass a ready ``environ`` or the keyword arguments of :func:`make_environ`.  With
    ``validate=True`` the app runs inside ``wsgiref.validate.validator``.
    """
    environ = environ if environ is not None else make_environ(**request)
    captured: dict = {}
    written: list[bytes] = []

    def start_response(status: str, headers: list, exc_info=None) -> Callable[[bytes], None]:
        if exc_info is not None and captured.get("sent"):
            raise exc_info[1].with_traceback(exc_info[2])
        captured["status"], captured["headers"] = status, headers
        return written.append

    wrapped = validator(app) if validate else app
    result: Iterable[bytes] = wrapped(environ, start_response)
    chunks: list[bytes] = []
    try:
        for chunk in result:
            captured["sent"] = True
            chunks.append(chunk)
    finally:
        if hasattr(result, "close"):
            result.close()
    if "status" not in captured:
        raise AssertionError("the app never called start_response (PEP 3333: it must, "
                             "before the first body byte is sent)")
    body_chunks = written + chunks
    return WsgiResponse(captured["status"], list(captured["headers"]), b"".join(body_chunks),
                        body_chunks)


def raw_http(port: int, data: bytes, *, host: str = "127.0.0.1", timeout: float = 5.0,
             until_close: bool = True, pause: float = 0.0, must_close: bool = False) -> bytes:
    """Send ``data`` to ``host:port`` and return the raw reply.

    Reads until the server closes the connection (``until_close``) or until ``timeout``
    passes with no new bytes.  ``pause`` waits before reading (to let pipelined replies arrive).
    With ``must_close`` a reply that ends because ``timeout`` passed, not because the server
    closed the connection, raises ``AssertionError``.
    """
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        if pause:
            time.sleep(pause)
        sock.settimeout(timeout if until_close else 0.5)
        received = bytearray()
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                if must_close:
                    raise AssertionError(f"the server did not close the connection within "
                                         f"{timeout} s; got {bytes(received)!r}") from None
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
        return bytes(received)
