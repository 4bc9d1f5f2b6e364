"""Mistake: checks only that the key is 24 characters long, not that it is base64 of 16 bytes.

See the stub in exercises/10_websockets/ex1_accept_key.py for the task.
"""

from __future__ import annotations

import base64
import hashlib

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_key(key: str) -> str:
    digest = hashlib.sha1((key + GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def check_key(key: str) -> None:
    if len(key) != 24:
        raise ValueError(f"Sec-WebSocket-Key must be 24 characters, {key!r} is {len(key)}")
