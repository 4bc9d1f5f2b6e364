"""A WSGI micro-framework in about 100 lines: Request, Response, a route decorator, 404/405.

This is a library module, not a server: ``app.py`` next to it builds an application with it
and serves it.  To play with it in a Python shell::

    import sys; sys.path.insert(0, "code/05_wsgi_middleware_and_frameworks")
    from microframework import App, Response
    from course.testing import call_wsgi
    app = App()

    @app.route("/hello/<name>")
    def hello(request, name):
        return f"hello {name}"

    call_wsgi(app, path="/hello/ada").text        # 'hello ada'
    call_wsgi(app, path="/nope").status           # '404 Not Found'
    call_wsgi(app, method="POST", path="/hello/ada").header("Allow")   # 'GET, HEAD'

What it is: the smallest thing that deserves the name "framework" -- it turns the WSGI
calling convention into "a function per URL that takes a request and returns a response".
What it is not: safe or complete (no cookies, no forms, no templates, no streaming).
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from urllib.parse import parse_qs

__all__ = ["App", "Request", "Response"]


class Request:
    """What a view needs to know about the request, read from the WSGI environ."""

    def __init__(self, environ: dict) -> None:
        self.environ = environ
        self.method: str = environ["REQUEST_METHOD"]
        self.path: str = environ.get("PATH_INFO") or "/"
        self.script_name: str = environ.get("SCRIPT_NAME", "")   # where we are mounted
        self.query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.headers = {k[5:].replace("_", "-").title(): v
                        for k, v in environ.items() if k.startswith("HTTP_")}
        self._body: bytes | None = None

    @property
    def body(self) -> bytes:
        if self._body is None:   # read exactly CONTENT_LENGTH bytes, never "until EOF"
            length = int(self.environ.get("CONTENT_LENGTH") or 0)
            self._body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        return self._body

    def json(self) -> object:
        return json.loads(self.body or b"null")

    def url_for(self, path: str) -> str:
        """An absolute path inside this app, correct wherever the app is mounted."""
        return self.script_name + path


class Response:
    """A status, headers and a body; itself a WSGI app, so middleware can wrap it too."""

    def __init__(self, body: bytes | str | dict | list = b"", status: int = 200,
                 headers: Iterable[tuple[str, str]] = (),
                 content_type: str = "text/plain; charset=utf-8") -> None:
        if isinstance(body, (dict, list)):
            body, content_type = json.dumps(body).encode(), "application/json"
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.status = status
        self.headers = [("Content-Type", content_type), *headers]

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        status = f"{self.status} {HTTPStatus(self.status).phrase}"
        if self.status in (204, 304):    # no content, so no Content-Type/-Length (RFC 9110)
            start_response(status, [h for h in self.headers if h[0] != "Content-Type"])
            return []
        start_response(status, [*self.headers, ("Content-Length", str(len(self.body)))])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [self.body]


class App:
    """A list of (pattern, methods, view); ``app(environ, start_response)`` is the WSGI entry."""

    def __init__(self) -> None:
        self.routes: list[tuple[re.Pattern, frozenset[str], Callable]] = []

    def route(self, pattern: str, methods: Iterable[str] = ("GET",)) -> Callable:
        """``@app.route("/users/<name>", methods=["GET", "POST"])``: one path segment per <name>."""
        regex = re.compile(re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", pattern))
        allowed = frozenset(m.upper() for m in methods)
        if "GET" in allowed:
            allowed |= {"HEAD"}          # HEAD is GET without the body (RFC 9110 §9.3.2)

        def register(view: Callable) -> Callable:
            self.routes.append((regex, allowed, view))
            return view
        return register

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        request = Request(environ)
        return self.dispatch(request)(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        allowed: set[str] = set()
        for regex, methods, view in self.routes:
            match = regex.fullmatch(request.path)
            if match is None:
                continue
            if request.method not in methods:
                allowed |= methods       # the path exists, but not for this method
                continue
            try:
                result = view(request, **match.groupdict())
            except Exception:            # a bug in a view is a 500, not a dead worker
                traceback.print_exc(file=request.environ.get("wsgi.errors", sys.stderr))
                return Response("Internal Server Error\n", 500)
            return result if isinstance(result, Response) else Response(result)
        if allowed:                      # RFC 9110 §15.5.6: a 405 MUST carry Allow
            return Response("Method Not Allowed\n", 405, [("Allow", ", ".join(sorted(allowed)))])
        return Response("Not Found\n", 404)
