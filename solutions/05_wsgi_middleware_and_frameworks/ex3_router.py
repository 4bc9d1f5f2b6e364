"""Exercise 5.3 -- a WSGI router with path parameters and correct 404 and 405 answers.

Write the class ``Router``:

    router = Router()
    router.add("GET", "/users", list_users)            # each handler is a WSGI app
    router.add("GET", "/users/<int:user_id>", show_user)
    router.add("DELETE", "/users/<int:user_id>", delete_user)
    router.add("GET", "/files/<name>", show_file)
    app = router                                       # the router is itself a WSGI app

The rules:

1. A pattern is a path; a segment written ``<name>`` matches one non-empty path segment
   (anything but ``/``) and ``<int:name>`` matches one segment of digits only.  The whole
   ``PATH_INFO`` must match (``/users/7/extra`` does not match ``/users/<int:user_id>``).
2. The handler of the first route (in the order they were added) whose pattern AND method
   match is called with the same ``environ`` and ``start_response``, after setting
   ``environ["wsgiorg.routing_args"] = ((), {"user_id": 7})`` -- the wsgiorg convention for
   URL parameters; ``<int:…>`` values are ``int``, others ``str``.  Return what it returns.
3. No pattern matches the path: ``404 Not Found`` (``Content-Type: text/plain``, a body).
4. Some pattern matches the path but none for this method: ``405 Method Not Allowed`` with
   an ``Allow`` header listing every method registered for the matching patterns, sorted
   and joined by ``", "`` -- e.g. ``Allow: DELETE, GET``.  RFC 9110 §15.5.6: a 405
   response MUST carry ``Allow``.  (A 404 here would tell a client "no such thing" when
   the thing exists.)
5. Methods are compared exactly (``"GET"``); no automatic ``HEAD`` is needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]

_PARAM = re.compile(r"<(?:(int):)?(\w+)>")


def _compile(pattern: str) -> re.Pattern:
    regex, pos = "", 0
    for m in _PARAM.finditer(pattern):
        regex += re.escape(pattern[pos:m.start()])
        kind, name = m.groups()
        regex += f"(?P<{name}>[0-9]+)" if kind == "int" else f"(?P<{name}>[^/]+)"
        pos = m.end()
    return re.compile(regex + re.escape(pattern[pos:]))


def _plain(start_response: Callable, status: str, text: str,
           extra: list[tuple[str, str]] = ()) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body))), *extra])
    return [body]


class Router:
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern, set[str], WSGIApp]] = []

    def add(self, method: str, pattern: str, app: WSGIApp) -> None:
        ints = {name for kind, name in _PARAM.findall(pattern) if kind == "int"}
        self.routes.append((method.upper(), _compile(pattern), ints, app))

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        allowed: set[str] = set()
        for route_method, regex, ints, app in self.routes:
            match = regex.fullmatch(path)
            if match is None:
                continue
            if route_method != method:
                allowed.add(route_method)
                continue
            params = {k: int(v) if k in ints else v for k, v in match.groupdict().items()}
            environ["wsgiorg.routing_args"] = ((), params)
            return app(environ, start_response)
        if allowed:
            return _plain(start_response, "405 Method Not Allowed",
                          f"405 Method Not Allowed: {path} allows {', '.join(sorted(allowed))}\n",
                          [("Allow", ", ".join(sorted(allowed)))])
        return _plain(start_response, "404 Not Found", f"404 Not Found: {path}\n")
