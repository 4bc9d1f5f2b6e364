"""Mistake: reports only HTTP_* keys: CONTENT_TYPE and CONTENT_LENGTH are missing"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable


def _wire_to_text(native: str) -> str:
    """PEP 3333 native strings carry the raw bytes as latin-1; the URL bytes are UTF-8."""
    return native.encode("latin-1").decode("utf-8", errors="replace")


def describe(environ: dict) -> dict:
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = value
    return {
        "method": environ["REQUEST_METHOD"],
        "path": _wire_to_text(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")),
        "query": environ.get("QUERY_STRING", ""),
        "scheme": environ["wsgi.url_scheme"],
        "server": f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}",
        "remote_addr": environ.get("REMOTE_ADDR"),
        "wsgi_version": list(environ["wsgi.version"]),
        "headers": headers,
    }


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    body = json.dumps(describe(environ), ensure_ascii=False).encode("utf-8")
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]
