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

import json
from collections.abc import Callable, Iterable

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class TrustedProxyMiddleware:
    def __init__(self, app: WSGIApp, trusted: Iterable[str]) -> None:
        self.app = app
        self.trusted = list(trusted)    # hint: the ipaddress module parses addresses and networks

    def is_trusted(self, addr: str) -> bool:
        """True if ``addr`` is an IP address inside one of the trusted networks."""
        raise NotImplementedError("exercise 5.4: is addr one of our proxies?")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        raise NotImplementedError("exercise 5.4: if the peer is trusted, take the client from "
                                  "X-Forwarded-For (walk from the right); then call the app")


def whoami(environ: dict, start_response: Callable) -> list[bytes]:
    """Report what the app believes about the client (given; not part of the exercise)."""
    body = json.dumps({"client": environ.get("REMOTE_ADDR"),
                       "scheme": environ.get("wsgi.url_scheme")}).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]


app = TrustedProxyMiddleware(whoami, trusted=["127.0.0.1", "::1"])
