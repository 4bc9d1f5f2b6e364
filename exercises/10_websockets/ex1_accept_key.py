"""Exercise 10.1 -- the handshake's proof: ``Sec-WebSocket-Accept`` from ``Sec-WebSocket-Key``.

A browser opening a WebSocket sends ``Sec-WebSocket-Key``: 16 random bytes, base64-encoded
(24 characters).  The server proves it understood the handshake by answering
``Sec-WebSocket-Accept`` (RFC 6455 §4.2.2, step 5.4):

    base64( SHA-1( key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" ) )

Write two functions:

* ``accept_key(key)`` returns that value as a ``str``.  Use the key *exactly as received*
  (the 24 characters, not the bytes they encode); take the SHA-1 *digest* (20 bytes), not its
  hex string; standard base64 (``+`` and ``/``), not the URL-safe alphabet.
  The RFC's own example: ``"dGhlIHNhbXBsZSBub25jZQ=="`` -> ``"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="``.
* ``check_key(key)`` returns ``None`` for a valid key and raises ``ValueError`` otherwise.
  Valid means: strict base64 (only the base64 alphabet and padding -- no spaces, no other
  characters) that decodes to exactly 16 bytes (RFC 6455 §4.1).  A server answers an invalid
  key with ``400 Bad Request``.

Check: ``python -m course check 10``.   Hints: ``python -m course hint 10.1``.
"""

from __future__ import annotations

import base64  # noqa: F401  (you will need these two)
import hashlib  # noqa: F401

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_key(key: str) -> str:
    raise NotImplementedError("exercise 10.1: base64(SHA-1(key + GUID))")


def check_key(key: str) -> None:
    raise NotImplementedError("exercise 10.1: strict base64 of exactly 16 bytes")
