"""Mistake: answers 404 when the path exists but not for the method (RFC 9110 §15.5.6: 405 with
Allow).

The task and its rules are in the stub:
exercises/05_wsgi_middleware_and_frameworks/ex3_router.py.
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
                continue
            params = {k: int(v) if k in ints else v for k, v in match.groupdict().items()}
            environ["wsgiorg.routing_args"] = ((), params)
            return app(environ, start_response)
        if allowed:
            return _plain(start_response, "405 Method Not Allowed",
                          f"405 Method Not Allowed: {path} allows {', '.join(sorted(allowed))}\n",
                          [("Allow", ", ".join(sorted(allowed)))])
        return _plain(start_response, "404 Not Found", f"404 Not Found: {path}\n")
