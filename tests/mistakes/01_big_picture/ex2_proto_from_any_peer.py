"""Mistake: checks the peer for X-Forwarded-For but trusts X-Forwarded-Proto from anyone"""

from __future__ import annotations

import json

TRUSTED_PROXIES = {"127.0.0.1", "::1"}    # where our nginx connects from


def from_trusted_proxy(environ: dict) -> bool:
    return environ.get("REMOTE_ADDR", "") in TRUSTED_PROXIES


def client_address(environ: dict) -> str:
    peer = environ.get("REMOTE_ADDR", "")
    if not from_trusted_proxy(environ):
        return peer
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-1] if hops else peer


def url_scheme(environ: dict) -> str:
    if environ.get("HTTP_X_FORWARDED_PROTO"):
        return environ["HTTP_X_FORWARDED_PROTO"]
    return environ["wsgi.url_scheme"]


def app(environ: dict, start_response):
    answer = {
        "interface": "WSGI",
        "client": client_address(environ),
        "scheme": url_scheme(environ),
        "host": environ.get("HTTP_HOST", ""),
        "path": environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
    }
    body = json.dumps(answer).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]
