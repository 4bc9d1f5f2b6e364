"""Exercise 10.2 -- WebSocket frames by hand: an encoder and a (server-side) decoder.

RFC 6455 §5.2 lays a frame out like this (numbers are bits):

    FIN(1) RSV1 RSV2 RSV3(3) opcode(4) | MASK(1) length(7) | [16- or 64-bit length]
    | [4-byte masking key] | payload

* ``length`` 0-125 is the payload length itself; 126 means "the next 2 bytes hold it";
  127 means "the next 8 bytes hold it" (unsigned big-endian, and its top bit must be 0).
  Always use the *shortest* form that fits.
* With MASK set, the 4-byte key follows the length, and payload byte ``i`` is XOR-ed with
  ``key[i % 4]`` (§5.3).  Every frame a client sends is masked; a server's frames are not.

Write:

* ``encode_frame(opcode, payload, *, fin=True, mask_key=None) -> bytes`` -- a frame with
  RSV bits 0; masked with ``mask_key`` (4 bytes) when one is given.
* ``decode_frame(data) -> (opcode, fin, payload, consumed)`` or ``None`` -- read ONE frame a
  client sent from the start of ``data``: ``payload`` unmasked, ``consumed`` the number of
  bytes the frame took (``data`` may hold more after it).  Return ``None`` when ``data`` is
  only the beginning of a frame (any prefix, even of the header) -- never raise for that.
  Raise ``ProtocolError(code)`` (below) when the frame breaks a rule:

  - 1002 (protocol error): the frame is not masked (§5.1); an RSV bit is set (no extension
    was agreed, §5.2); the opcode is not one of 0, 1, 2, 8, 9, 10; a control frame (opcode
    8, 9, 10) has FIN = 0 or a payload over 125 bytes (§5.5); a 64-bit length has its top
    bit set;
  - 1009 (message too big): the length is over ``MAX_PAYLOAD`` -- raise as soon as the length
    is known, without waiting for (or allocating) the payload.

Check: ``python -m course check 10``.   Hints: ``python -m course hint 10.2``.
"""

from __future__ import annotations

import struct  # noqa: F401  (struct.pack and struct.unpack help)

MAX_PAYLOAD = 1 << 20          # 1 MiB
CONTROL_OPCODES = {0x8, 0x9, 0xA}
KNOWN_OPCODES = {0x0, 0x1, 0x2, *CONTROL_OPCODES}


class ProtocolError(Exception):
    """The peer broke RFC 6455; ``code`` is the close code to send it."""

    def __init__(self, code: int, reason: str = "") -> None:
        super().__init__(f"{code} {reason}")
        self.code = code


def mask(payload: bytes, mask_key: bytes) -> bytes:
    """Byte i XOR key[i % 4]; the same call unmasks (given, it is not the hard part)."""
    return bytes(byte ^ mask_key[i % 4] for i, byte in enumerate(payload))


def encode_frame(opcode: int, payload: bytes, *, fin: bool = True,
                 mask_key: bytes | None = None) -> bytes:
    raise NotImplementedError("exercise 10.2: header byte, length (3 forms), key, payload")


def decode_frame(data: bytes) -> tuple[int, bool, bytes, int] | None:
    raise NotImplementedError("exercise 10.2: parse one client frame, or None if incomplete")
