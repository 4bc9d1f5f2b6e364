"""Mistake: decodes the key from base64 first and hashes the 16 bytes, not the 24 characters.

See the stub in exercises/10_websockets/ex1_accept_key.py for the task.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_key(key: str) -> str:
    digest = hashlib.sha1(base64.b64decode(key) + GUID.encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def check_key(key: str) -> None:
    try:
        raw = base64.b64decode(key.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError(f"Sec-WebSocket-Key {key!r} is not base64") from None
    if len(raw) != 16:
        raise ValueError(f"Sec-WebSocket-Key must encode 16 bytes, {key!r} encodes {len(raw)}")
