"""Mistake: sends header values as str (ASGI: names and values are bytes)"""

from __future__ import annotations

import json

TRUSTED_PROXIES = {"127.0.0.1", "::1"}    # where our nginx connects from


def header(scope: dict, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


async def app(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    peer = scope["client"][0] if scope.get("client") else ""
    client, scheme = peer, scope["scheme"]
    if peer in TRUSTED_PROXIES:
        forwarded = [hop.strip() for hop in (header(scope, b"x-forwarded-for") or "").split(",")
                     if hop.strip()]
        client = forwarded[-1] if forwarded else peer
        scheme = header(scope, b"x-forwarded-proto") or scheme
    answer = {
        "interface": "ASGI",
        "client": client,
        "scheme": scheme,
        "host": header(scope, b"host") or "",
        "path": scope.get("root_path", "") + scope["path"],
    }
    body = json.dumps(answer).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", "application/json"),
                            (b"content-length", str(len(body)))]})
    await send({"type": "http.response.body", "body": body})
