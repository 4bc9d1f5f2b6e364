"""Mistake: headers go through a dict: a repeated header keeps one value.

The reference solution of exercise 9.1 with this one bug; a graded test must fail on it.
"""

from __future__ import annotations

from urllib.parse import unquote

import h11


def build_scope(request: h11.Request, client: tuple[str, int], server: tuple[str, int],
                state: dict | None = None) -> dict:
    raw_path, _, query_string = request.target.partition(b"?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": request.http_version.decode("ascii"),
        "method": request.method.decode("ascii").upper(),
        "scheme": "http",
        "path": unquote(raw_path.decode("ascii"), encoding="utf-8"),
        "raw_path": raw_path,
        "query_string": query_string,
        "root_path": "",
        "headers": list(dict(request.headers).items()),
        "client": client,
        "server": server,
        "state": dict(state or {}),
    }
