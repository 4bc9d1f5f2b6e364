"""Mistake: matches prefixes with startswith alone, so /apix is mounted under /api.

The task and its rules are in the stub:
exercises/05_wsgi_middleware_and_frameworks/ex5_mount.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class PathPrefixMount:
    def __init__(self, apps: dict[str, WSGIApp], default: WSGIApp | None = None) -> None:
        mounts = [(prefix.rstrip("/"), app) for prefix, app in apps.items()]
        self.mounts = sorted(mounts, key=lambda item: len(item[0]), reverse=True)
        self.default = default

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        for prefix, app in self.mounts:
            if path.startswith(prefix):
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                environ["PATH_INFO"] = path[len(prefix):]
                return app(environ, start_response)
        if self.default is not None:
            return self.default(environ, start_response)
        body = f"404 Not Found: nothing is mounted at {path}\n".encode()
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                         ("Content-Length", str(len(body)))])
        return [body]
