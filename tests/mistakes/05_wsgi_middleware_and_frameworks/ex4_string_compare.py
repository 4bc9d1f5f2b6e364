"""Mistake: compares addresses as strings, so networks like 10.0.0.0/8 never match.

The task and its rules are in the stub:
exercises/05_wsgi_middleware_and_frameworks/ex4_trusted_proxy.py.
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
        return str(ip) in {str(net.network_address) for net in self.trusted}

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
