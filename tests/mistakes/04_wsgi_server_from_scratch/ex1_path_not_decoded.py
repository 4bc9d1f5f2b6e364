"""Mistake: leaves PATH_INFO percent-encoded (PEP 3333: it is decoded)"""

from __future__ import annotations

import io
import sys
from urllib.parse import urlsplit


def build_environ(method: str, target: str, version: str, headers: list[tuple[str, str]],
                  body: bytes, server: tuple[str, int], client: tuple[str, int]) -> dict:
    if target.startswith(("http://", "https://")):          # absolute-form
        parts = urlsplit(target)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    path, _, query = target.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,       # bytes-as-latin-1 (PEP 3333)
        "QUERY_STRING": query,
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": version,
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers:
        if "_" in name:                                       # would collide with "-"
            continue
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
    if body or "CONTENT_LENGTH" in environ:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ
