"""Exercise 1.1 -- name the protocol at each hop, and the direction of each ASGI event.

A request for a Flask page travels browser → nginx → gunicorn → the Flask app; for a
FastAPI page, browser → nginx → uvicorn → the FastAPI app.  Some hops are bytes on a
socket; others are a Python function call inside one process.

1. ``protocol(sender, receiver)`` returns ``"HTTP"``, ``"WSGI"`` or ``"ASGI"``: what
   ``sender`` uses to hand the request to ``receiver``.  The parts are named
   ``"browser"``, ``"nginx"``, ``"gunicorn"``, ``"uvicorn"``, ``"flask_app"`` (a WSGI
   callable) and ``"fastapi_app"`` (an ASGI app).  For two parts that never talk to each
   other directly (the browser and an app, nginx and an app) raise ``ValueError``.

2. ``direction(message_type)`` says how an ASGI app meets a message of that type:
   ``"receive"`` if the app gets it by awaiting ``receive()``, ``"send"`` if the app emits
   it with ``await send(...)``.  E.g. ``"http.request"``, ``"http.response.start"``,
   ``"http.response.body"``, ``"http.disconnect"``, ``"lifespan.startup"``,
   ``"lifespan.startup.complete"``.  Unknown types raise ``ValueError``.

Rules: plain Python, no imports needed.  The notebook (01_big_picture) shows each fact live.
"""

from __future__ import annotations

PARTS = ("browser", "nginx", "gunicorn", "uvicorn", "flask_app", "fastapi_app")


def protocol(sender: str, receiver: str) -> str:
    raise NotImplementedError("exercise 1.1: return 'HTTP', 'WSGI' or 'ASGI' for this hop")


def direction(message_type: str) -> str:
    raise NotImplementedError("exercise 1.1: return 'receive' or 'send' for this ASGI message")
