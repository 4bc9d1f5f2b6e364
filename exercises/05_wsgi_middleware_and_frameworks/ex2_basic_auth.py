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

from collections.abc import Callable, Iterable

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def basic_auth(app: WSGIApp, users: dict[str, str], realm: str = "course") -> WSGIApp:
    """Return a WSGI app that lets only requests with valid Basic credentials reach ``app``."""
    raise NotImplementedError("exercise 5.2: check the Authorization header; answer 401 with "
                              "WWW-Authenticate, or call app with REMOTE_USER set")
