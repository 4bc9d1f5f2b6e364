"""Exercise 5.4 -- believe X-Forwarded-For only from the proxies you trust.

Behind nginx, ``REMOTE_ADDR`` is nginx's address; nginx passes the client's address in
``X-Forwarded-For`` (``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``
*appends* the address it saw to whatever the client sent).  But a client can send that
header itself.  An app that believes it blindly lets anyone pick their own IP address --
and with it dodge a rate limit, an IP ban or an admin allow-list, or forge the audit log.

Write ``TrustedProxyMiddleware(app, trusted)``; ``trusted`` lists IP addresses and/or
networks (``"127.0.0.1"``, ``"10.0.0.0/8"``, ``"::1"``) of *your* proxies.

The rules:

1. The peer is ``environ["REMOTE_ADDR"]`` (who opened the TCP connection).  If the peer
   is NOT trusted, ignore ``X-Forwarded-For`` and ``X-Forwarded-Proto`` completely:
   ``REMOTE_ADDR`` and ``wsgi.url_scheme`` stay as they were.
2. If the peer IS trusted, walk the ``X-Forwarded-For`` list (comma-separated, spaces
   allowed) from the RIGHT: each entry was appended by the hop before.  Skip entries that
   are trusted proxies; the first untrusted entry is the client: set ``REMOTE_ADDR`` to it.
   Everything left of it was written by the client and proves nothing.  If every entry is
   trusted, use the leftmost one.  If you meet an entry that is not a valid IP address
   before finding the client, stop and leave ``REMOTE_ADDR`` alone.  No header: leave it.
3. If the peer IS trusted and ``X-Forwarded-Proto`` is ``http`` or ``https`` (ignore case
   and spaces), set ``wsgi.url_scheme`` to it; any other value is ignored.
4. Then call ``app(environ, start_response)`` and return what it returns.

``app`` at the bottom is what gunicorn serves in the graded integration test:
``whoami`` behind your middleware, trusting only 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class TrustedProxyMiddleware:
    def __init__(self, app: WSGIApp, trusted: Iterable[str]) -> None:
        self.app = app
        self.trusted = [ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted]

    def is_trusted(self, addr: str) -> bool:
        """True if ``addr`` is an IP address inside one of the trusted networks."""
        try:
            ip = ipaddress.ip_address(addr.strip())
        except ValueError:
            return False
        return any(ip.version == net.version and ip in net for net in self.trusted)

    def _client(self, forwarded: str) -> str | None:
        entries = [entry.strip() for entry in forwarded.split(",")]
        for entry in reversed(entries):
            try:
                ipaddress.ip_address(entry)
            except ValueError:
                return None             # garbage before we found the client: believe nothing
            if not self.is_trusted(entry):
                return entry
        return entries[0] if entries and entries[0] else None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self.is_trusted(environ.get("REMOTE_ADDR", "")):
            forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
            client = self._client(forwarded) if forwarded.strip() else None
            if client is not None:
                environ["REMOTE_ADDR"] = client
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        return self.app(environ, start_response)


def whoami(environ: dict, start_response: Callable) -> list[bytes]:
    """Report what the app believes about the client (given; not part of the exercise)."""
    body = json.dumps({"client": environ.get("REMOTE_ADDR"),
                       "scheme": environ.get("wsgi.url_scheme")}).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]


app = TrustedProxyMiddleware(whoami, trusted=["127.0.0.1", "::1"])
