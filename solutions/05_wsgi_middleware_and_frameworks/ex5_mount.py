"""Exercise 5.5 -- mount WSGI apps under path prefixes (SCRIPT_NAME and PATH_INFO).

PEP 3333 splits the request path in two: ``SCRIPT_NAME`` is where the app is mounted,
``PATH_INFO`` is the rest, the part the app routes on.  A mounting middleware moves a
prefix from one to the other, so the mounted app needs no idea where it lives:

    site = PathPrefixMount({"/api": api_app, "/admin": admin_app}, default=home_app)
    # GET /api/users/7  ->  api_app sees SCRIPT_NAME="/api", PATH_INFO="/users/7"

Write the class ``PathPrefixMount(apps, default=None)``.

The rules:

1. A prefix matches a path only at a segment boundary: ``/api`` matches ``/api`` and
   ``/api/users`` but NOT ``/apix``.  Prefixes may be given with a trailing slash
   (``"/api/"`` means ``"/api"``).
2. When several prefixes match, the LONGEST wins (``/api/v2`` beats ``/api``), whatever
   the order of the dict.
3. The chosen app is called with ``SCRIPT_NAME`` = the old ``SCRIPT_NAME`` + the prefix
   (we may ourselves be mounted somewhere) and ``PATH_INFO`` = the rest of the path, which
   is ``""`` for a request to exactly the prefix.  Return what it returns.
4. No prefix matches: call ``default`` with the environ unchanged, or, without a default,
   answer ``404 Not Found`` with ``Content-Type: text/plain`` and a short body.
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
            if path == prefix or path.startswith(prefix + "/"):
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                environ["PATH_INFO"] = path[len(prefix):]
                return app(environ, start_response)
        if self.default is not None:
            return self.default(environ, start_response)
        body = f"404 Not Found: nothing is mounted at {path}\n".encode()
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                         ("Content-Length", str(len(body)))])
        return [body]
