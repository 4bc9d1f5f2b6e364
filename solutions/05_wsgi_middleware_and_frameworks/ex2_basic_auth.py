"""Exercise 5.2 -- HTTP Basic authentication as a WSGI middleware.

Write ``basic_auth(app, users, realm="course")``: it returns a WSGI app that lets a request
through to ``app`` only if it carries a valid ``Authorization: Basic …`` header for one of
``users`` (a dict username -> password), and answers everything else itself.

How Basic auth works (RFC 7617): the client sends
``Authorization: Basic <base64 of "username:password">``.  The server answers a request
without valid credentials with ``401 Unauthorized`` and a challenge header,
``WWW-Authenticate: Basic realm="course"``, which makes a browser ask for a password.

The rules:

1. Valid credentials: call ``app`` with ``environ["REMOTE_USER"]`` set to the username
   (the CGI/WSGI convention for "who authenticated") and return what it returns, unchanged.
2. Anything else -- no header, another scheme (``Bearer …``), base64 that does not decode,
   no ``:``, unknown user, wrong password -- is ``401 Unauthorized`` with
   ``WWW-Authenticate: Basic realm="<realm>"``, ``Content-Type: text/plain`` and a short
   body.  Never a 500: a malformed header is the client's mistake, not a crash.
   ``app`` must not be called at all.
3. The scheme name is case-insensitive (``basic`` works); the password may contain ``:``
   (only the first ``:`` separates user from password).  Decode the bytes as UTF-8.
4. Compare passwords with ``hmac.compare_digest``, not ``==``: ``==`` stops at the first
   different character, and that timing difference leaks the password byte by byte.

Basic auth sends the password on every request, merely encoded: only ever use it over
HTTPS (terminated at nginx, chapter 07).
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
