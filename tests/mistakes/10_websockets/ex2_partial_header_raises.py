"""Mistake: reads the extended length before it has arrived (struct.error on a short prefix).

See the stub in exercises/10_websockets/ex2_frames.py for the task.
"""

from __future__ import annotations

import struct

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
    first = (0x80 if fin else 0x00) | opcode
    mask_bit = 0x80 if mask_key is not None else 0x00
    length = len(payload)
    if length <= 125:
        header = struct.pack("!BB", first, mask_bit | length)
    elif length <= 0xFFFF:
        header = struct.pack("!BBH", first, mask_bit | 126, length)
    else:
        header = struct.pack("!BBQ", first, mask_bit | 127, length)
    if mask_key is None:
        return header + payload
    return header + mask_key + mask(payload, mask_key)


def decode_frame(data: bytes) -> tuple[int, bool, bytes, int] | None:
    if len(data) < 2:
        return None
    first, second = data[0], data[1]
    fin = bool(first & 0x80)
    opcode = first & 0x0F
    masked = bool(second & 0x80)
    length = second & 0x7F
    if first & 0x70:
        raise ProtocolError(1002, "RSV bit set without an extension")
    if opcode not in KNOWN_OPCODES:
        raise ProtocolError(1002, f"unknown opcode {opcode:#x}")
    if not masked:
        raise ProtocolError(1002, "client frames must be masked")
    if opcode in CONTROL_OPCODES and (not fin or length > 125):
        raise ProtocolError(1002, "control frames are unfragmented and at most 125 bytes")
    position = 2
    if length == 126:
        (length,) = struct.unpack("!H", data[position:position + 2])
        position += 2
    elif length == 127:
        if len(data) < position + 8:
            return None
        (length,) = struct.unpack("!Q", data[position:position + 8])
        position += 8
        if length >> 63:
            raise ProtocolError(1002, "the 64-bit length has its top bit set")
    if length > MAX_PAYLOAD:
        raise ProtocolError(1009, f"a {length}-byte frame is over the limit")
    if len(data) < position + 4 + length:
        return None
    mask_key = data[position:position + 4]
    position += 4
    payload = mask(data[position:position + length], mask_key)
    return opcode, fin, payload, position + length
