"""Mistake: answers HTTP for parts that never talk directly (should raise ValueError)"""

from __future__ import annotations

PARTS = ("browser", "nginx", "gunicorn", "uvicorn", "flask_app", "fastapi_app")

# Every hop between two processes is HTTP bytes on a socket.  WSGI and ASGI are calling
# conventions: the app server calls the app, in the same process.
_HOPS = {
    ("browser", "nginx"): "HTTP",
    ("nginx", "gunicorn"): "HTTP",
    ("nginx", "uvicorn"): "HTTP",
    ("browser", "gunicorn"): "HTTP",   # without nginx in front, the app server speaks to you
    ("browser", "uvicorn"): "HTTP",
    ("gunicorn", "flask_app"): "WSGI",
    ("uvicorn", "fastapi_app"): "ASGI",
}

# What the server delivers *to* the app (receive) and what the app emits (send).
_RECEIVED = {"http.request", "http.disconnect", "lifespan.startup", "lifespan.shutdown",
             "websocket.connect", "websocket.receive", "websocket.disconnect"}
_SENT = {"http.response.start", "http.response.body", "lifespan.startup.complete",
         "lifespan.startup.failed", "lifespan.shutdown.complete", "lifespan.shutdown.failed",
         "websocket.accept", "websocket.send", "websocket.close"}


def protocol(sender: str, receiver: str) -> str:
    for part in (sender, receiver):
        if part not in PARTS:
            raise ValueError(f"unknown part {part!r}; known: {PARTS}")
    try:
        return _HOPS[(sender, receiver)]
    except KeyError:
        return "HTTP"


def direction(message_type: str) -> str:
    if message_type in _RECEIVED:
        return "receive"
    if message_type in _SENT:
        return "send"
    raise ValueError(f"not an ASGI message type: {message_type!r}")
