"""Three WSGI middleware from the chapter 05 notebook: request id + timing, trusted proxy, mount.

A library module, not a server: ``app.py`` stacks these around a micro-framework app and
serves it.  Each middleware is a callable that takes an app and *is* an app::

    app = RequestId(TrustedProxy(Mount({"/api": api}), trusted={"127.0.0.1"}))

The rules every one of them follows (PEP 3333, "Middleware: Components that Play Both
Sides" and "Middleware Handling of Block Boundaries"):

* return an iterable as soon as the wrapped app returns one -- never read the whole body
  first (that would turn a streaming response into a buffered one);
* yield at least one value (possibly ``b""``) for every value the app yields;
* if the app's iterable has ``close()``, call it when the server calls ours, even if the
  client went away half-way: that is where apps release database connections and files.

What it is not: hardened.  ``TrustedProxy`` here handles exactly one proxy hop; exercise 5.4
writes the general version.
"""

from __future__ import annotations

import ipaddress
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator

__all__ = ["ClosingIterator", "Mount", "RequestId", "TrustedProxy"]

_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class ClosingIterator:
    """Pass ``iterable`` through chunk by chunk; on ``close()`` close it, then call ``on_close``."""

    def __init__(self, iterable: Iterable[bytes], on_close: Callable[[], None]) -> None:
        self._iterable = iterable
        self._iterator = iter(iterable)
        self._on_close = on_close

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        return next(self._iterator)      # one value out per value in: never buffer

    def close(self) -> None:
        try:
            if hasattr(self._iterable, "close"):
                self._iterable.close()
        finally:
            self._on_close()


class RequestId:
    """Give every request an id (``X-Request-ID``) and log how long it took.

    The id is taken from the incoming header when it looks safe (a proxy may have set it),
    else made fresh; the app sees it as ``environ["request_id"]``.  The log line is written
    at ``close()`` -- the end of the *body*, not of the call -- to ``log`` (default:
    ``wsgi.errors``).
    """

    def __init__(self, app: Callable, log: Callable[[str], object] | None = None) -> None:
        self.app = app
        self.log = log

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
        environ["request_id"] = rid
        seen: dict[str, object] = {}

        def start_with_id(status: str, headers: list, exc_info=None):
            seen["status"] = status
            seen["headers_ms"] = (time.perf_counter() - started) * 1000
            return start_response(status, [*headers, ("X-Request-ID", rid)], exc_info)

        def done() -> None:
            total_ms = (time.perf_counter() - started) * 1000
            line = (f"{rid} {environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')} "
                    f"{seen.get('status', '-')} headers={seen.get('headers_ms', 0):.2f}ms "
                    f"total={total_ms:.2f}ms")
            if self.log is not None:
                self.log(line)
            else:
                environ["wsgi.errors"].write(line + "\n")

        return ClosingIterator(self.app(environ, start_with_id), done)


class TrustedProxy:
    """Believe ``X-Forwarded-For``/``-Proto`` only when the peer is one of our proxies.

    ``REMOTE_ADDR`` is whoever opened the TCP connection.  Behind nginx that is nginx, and
    the client's address is the last entry nginx appended to ``X-Forwarded-For``.  But any
    client can *send* an ``X-Forwarded-For`` header: if the peer is not a proxy we
    configured, the header is the client's own claim and is ignored.  One hop only.
    """

    def __init__(self, app: Callable, trusted: Iterable[str]) -> None:
        self.app = app
        self.trusted = [ipaddress.ip_network(t) for t in trusted]

    def _is_trusted(self, addr: str) -> bool:
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        peer = environ.get("REMOTE_ADDR", "")
        environ["proxy.peer"] = peer
        if self._is_trusted(peer):
            forwarded = [a.strip() for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            if forwarded[-1]:
                environ["REMOTE_ADDR"] = forwarded[-1]   # the entry our proxy appended
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        return self.app(environ, start_response)


class Mount:
    """Send ``/prefix/...`` to the app mounted at ``/prefix``, moving the prefix to SCRIPT_NAME.

    The mounted app sees ``PATH_INFO`` relative to its mount point and can rebuild its own
    URLs from ``SCRIPT_NAME``; it does not need to know where it was mounted.
    """

    def __init__(self, apps: dict[str, Callable], default: Callable | None = None) -> None:
        self.apps = apps
        self.default = default

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        for prefix, app in self.apps.items():
            if path == prefix or path.startswith(prefix + "/"):
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                environ["PATH_INFO"] = path[len(prefix):]
                return app(environ, start_response)
        if self.default is not None:
            return self.default(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                         ("Content-Length", "10")])
        return [b"Not Found\n"]
