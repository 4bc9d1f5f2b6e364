"""Exercise 1.2 -- reference solution.  See exercises/01_big_picture/ex2_whoami_wsgi.py."""

from __future__ import annotations

import json


def client_address(environ: dict) -> str:
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-1] if hops else environ.get("REMOTE_ADDR", "")


def app(environ: dict, start_response):
    answer = {
        "interface": "WSGI",
        "client": client_address(environ),
        "scheme": environ.get("HTTP_X_FORWARDED_PROTO") or environ["wsgi.url_scheme"],
        "host": environ.get("HTTP_HOST", ""),
        "path": environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
    }
    body = json.dumps(answer).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]
