"""Exercise 5.2 -- HTTP Basic authentication as a WSGI middleware (reference solution).

The task and its rules are in the stub:
exercises/05_wsgi_middleware_and_frameworks/ex2_basic_auth.py.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable, Iterable

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def _credentials(header: str) -> tuple[str, str] | None:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, colon, password = decoded.partition(":")
    return (user, password) if colon else None


def basic_auth(app: WSGIApp, users: dict[str, str], realm: str = "course") -> WSGIApp:
    def middleware(environ: dict, start_response: Callable) -> Iterable[bytes]:
        creds = _credentials(environ.get("HTTP_AUTHORIZATION", ""))
        if creds is not None:
            user, password = creds
            expected = users.get(user)
            if expected is not None and hmac.compare_digest(password.encode(), expected.encode()):
                environ["REMOTE_USER"] = user
                return app(environ, start_response)
        body = b"401 Unauthorized: send a valid username and password\n"
        start_response("401 Unauthorized", [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("WWW-Authenticate", f'Basic realm="{realm}"'),
        ])
        return [body]

    return middleware
