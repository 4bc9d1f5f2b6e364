"""The WebSocket wire format (RFC 6455), written by hand: the handshake key and the frames.

Run it to see one frame taken apart and the codec refuse broken ones:

    python code/10_websockets/frames.py

It prints the accept key of the RFC's own example, a masked text frame bit by bit, and the
close code each malformed frame earns.  Then read the code from the top: it is meant to be read.

Theory of operation (RFC 6455 §5.2).  A frame is

    byte 0     FIN (1 bit) | RSV1 RSV2 RSV3 (3 bits) | opcode (4 bits)
    byte 1     MASK (1 bit) | payload length (7 bits): 0-125, or 126 / 127
    then       a 16-bit length (if 126) or a 64-bit length (if 127), big-endian
    then       the 4-byte masking key (if MASK)
    then       the payload, each byte XOR-ed with key[i % 4] when masked

:class:`FrameReader` turns bytes into :class:`Frame` objects, one state per part of that
layout.  :class:`MessageAssembler` turns frames into messages: it joins fragments, lets
control frames (ping, pong, close) arrive between them, checks text is UTF-8, and limits the
size.  Every broken rule raises :class:`ProtocolError` carrying the close code the peer
should get: 1002 (protocol error), 1007 (invalid payload data), 1009 (message too big).

What it is not: no extensions (permessage-deflate), so any RSV bit is an error.
"""

from __future__ import annotations

import base64
import codecs
import enum
import hashlib
import os
import struct
from dataclasses import dataclass

__all__ = [
    "GOING_AWAY",
    "GUID",
    "INVALID_DATA",
    "MESSAGE_TOO_BIG",
    "NORMAL_CLOSURE",
    "PROTOCOL_ERROR",
    "Frame",
    "FrameReader",
    "MessageAssembler",
    "Opcode",
    "ProtocolError",
    "accept_key",
    "close_payload",
    "encode_frame",
    "mask_payload",
    "parse_close_payload",
]

# RFC 6455 §1.3: every server appends this fixed string to the client's key.
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

# Close codes (RFC 6455 §7.4.1) the codec and the server use.
NORMAL_CLOSURE = 1000
GOING_AWAY = 1001
PROTOCOL_ERROR = 1002
UNSUPPORTED_DATA = 1003
INVALID_DATA = 1007
MESSAGE_TOO_BIG = 1009
INTERNAL_ERROR = 1011

# 1005, 1006 and 1015 describe a closing *locally*; they must never travel in a close frame.
# 1004 is reserved.  1012-1014 were registered with IANA after the RFC.
CODES_ALLOWED_ON_THE_WIRE = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
                             1014}


class Opcode(enum.IntEnum):
    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    CLOSE = 0x8
    PING = 0x9
    PONG = 0xA

    @property
    def is_control(self) -> bool:
        return self >= 0x8


class ProtocolError(Exception):
    """A rule of RFC 6455 was broken; ``code`` is the close code to answer with."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason


@dataclass
class Frame:
    opcode: Opcode
    payload: bytes
    fin: bool = True
    masked: bool = False


# -- the handshake key (RFC 6455 §4.2.2, step 5.4) ---------------------------------------------
def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a client's ``Sec-WebSocket-Key``: base64(SHA-1(key + GUID))."""
    digest = hashlib.sha1((key + GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def valid_client_key(key: str) -> bool:
    """A client key is 16 random bytes, base64-encoded (RFC 6455 §4.1): 24 characters."""
    try:
        raw = base64.b64decode(key.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return False
    return len(raw) == 16


# -- encoding ----------------------------------------------------------------------------------
def mask_payload(payload: bytes, mask_key: bytes) -> bytes:
    """XOR each byte with the key's byte at the same position modulo 4 (RFC 6455 §5.3).

    The same function masks and unmasks: XOR-ing twice with the same key gives the input back.
    """
    # bytes.translate cannot help here; int.from_bytes XORs the whole payload in one go.
    repeated_key = (mask_key * (len(payload) // 4 + 1))[:len(payload)]
    as_number = int.from_bytes(payload, "big") ^ int.from_bytes(repeated_key, "big")
    return as_number.to_bytes(len(payload), "big")


def encode_frame(opcode: int, payload: bytes, *, fin: bool = True,
                 mask_key: bytes | None = None) -> bytes:
    """One frame.  Servers send unmasked frames; clients pass a 4-byte ``mask_key``."""
    first = (0x80 if fin else 0) | int(opcode)
    mask_bit = 0x80 if mask_key is not None else 0
    length = len(payload)
    if length <= 125:
        head = struct.pack("!BB", first, mask_bit | length)
    elif length <= 0xFFFF:
        head = struct.pack("!BBH", first, mask_bit | 126, length)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, length)
    if mask_key is None:
        return head + payload
    return head + mask_key + mask_payload(payload, mask_key)


def client_frame(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    """A frame as a client must send it: masked with a fresh random key."""
    return encode_frame(opcode, payload, fin=fin, mask_key=os.urandom(4))


def close_payload(code: int, reason: str = "") -> bytes:
    """The body of a close frame: a 2-byte code, then a UTF-8 reason of at most 123 bytes
    (125 in all, the limit of a control frame's payload)."""
    encoded_reason = reason.encode("utf-8")[:123]
    # a cut can split a multi-byte character: drop the broken tail, or the peer sees
    # invalid UTF-8 and must answer 1007
    encoded_reason = encoded_reason.decode("utf-8", "ignore").encode("utf-8")
    return struct.pack("!H", code) + encoded_reason


def parse_close_payload(payload: bytes) -> tuple[int, str]:
    """(code, reason) from a close frame's body; 1005 'no status' when the body is empty."""
    if len(payload) == 0:
        return 1005, ""
    if len(payload) == 1:
        raise ProtocolError(PROTOCOL_ERROR, "a close frame body of one byte")
    (code,) = struct.unpack("!H", payload[:2])
    if code not in CODES_ALLOWED_ON_THE_WIRE and not 3000 <= code <= 4999:
        raise ProtocolError(PROTOCOL_ERROR, f"close code {code} may not be sent")
    try:
        reason = payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(INVALID_DATA, "close reason is not UTF-8") from None
    return code, reason


# -- decoding: bytes -> frames -----------------------------------------------------------------
class ReadState(enum.Enum):
    HEADER = "two header bytes"
    EXTENDED_LENGTH = "a 16- or 64-bit length"
    MASK_KEY = "the 4-byte masking key"
    PAYLOAD = "the payload"


class FrameReader:
    """Feed it bytes as they arrive; ``next_frame()`` returns a Frame, or None for 'need more'.

    ``require_mask=True`` is the server's side: every client frame must be masked (§5.1).
    """

    def __init__(self, *, require_mask: bool = True, max_frame: int = 1 << 20) -> None:
        self.require_mask = require_mask
        self.max_frame = max_frame
        self.buffer = bytearray()
        self.state = ReadState.HEADER
        self._reset_frame()

    def _reset_frame(self) -> None:
        self.fin = True
        self.opcode = Opcode.CONTINUATION
        self.masked = False
        self.length = 0
        self.length_bytes = 0
        self.mask_key = b""

    def feed(self, data: bytes) -> None:
        self.buffer += data

    def _take(self, count: int) -> bytes | None:
        if len(self.buffer) < count:
            return None
        taken = bytes(self.buffer[:count])
        del self.buffer[:count]
        return taken

    def next_frame(self) -> Frame | None:
        while True:
            if self.state is ReadState.HEADER:
                header = self._take(2)
                if header is None:
                    return None
                self._read_header(header[0], header[1])
            elif self.state is ReadState.EXTENDED_LENGTH:
                raw_length = self._take(self.length_bytes)
                if raw_length is None:
                    return None
                self._read_extended_length(raw_length)
            elif self.state is ReadState.MASK_KEY:
                mask_key = self._take(4)
                if mask_key is None:
                    return None
                self.mask_key = mask_key
                self.state = ReadState.PAYLOAD
            else:
                payload = self._take(self.length)
                if payload is None:
                    return None
                if self.masked:
                    payload = mask_payload(payload, self.mask_key)
                frame = Frame(self.opcode, payload, self.fin, self.masked)
                self.state = ReadState.HEADER
                self._reset_frame()
                return frame

    def _read_header(self, first: int, second: int) -> None:
        self.fin = bool(first & 0x80)
        if first & 0x70:
            raise ProtocolError(PROTOCOL_ERROR, "an RSV bit is set but no extension was agreed")
        try:
            self.opcode = Opcode(first & 0x0F)
        except ValueError:
            raise ProtocolError(PROTOCOL_ERROR, f"unknown opcode {first & 0x0F:#x}") from None
        self.masked = bool(second & 0x80)
        if self.require_mask and not self.masked:
            raise ProtocolError(PROTOCOL_ERROR, "a client frame must be masked")
        short_length = second & 0x7F
        if self.opcode.is_control and short_length > 125:
            raise ProtocolError(PROTOCOL_ERROR, "a control frame's payload is at most 125 bytes")
        if self.opcode.is_control and not self.fin:
            raise ProtocolError(PROTOCOL_ERROR, "a control frame cannot be fragmented")
        if short_length == 126:
            self.length_bytes = 2
            self.state = ReadState.EXTENDED_LENGTH
        elif short_length == 127:
            self.length_bytes = 8
            self.state = ReadState.EXTENDED_LENGTH
        else:
            self._set_length(short_length)

    def _read_extended_length(self, raw_length: bytes) -> None:
        length = int.from_bytes(raw_length, "big")
        if self.length_bytes == 8 and length >> 63:
            raise ProtocolError(PROTOCOL_ERROR, "the 64-bit length has its top bit set")
        self._set_length(length)

    def _set_length(self, length: int) -> None:
        if length > self.max_frame:
            raise ProtocolError(MESSAGE_TOO_BIG, f"a frame of {length} bytes is over the limit")
        self.length = length
        self.state = ReadState.MASK_KEY if self.masked else ReadState.PAYLOAD


# -- frames -> messages ------------------------------------------------------------------------
class MessageAssembler:
    """Join fragmented data frames into messages; control frames pass straight through.

    ``add(frame)`` returns ``None`` while a message is incomplete, else ``(opcode, payload)``
    where payload is ``str`` for TEXT and ``bytes`` for BINARY; a CLOSE comes back as
    ``(CLOSE, (code, reason))``, PING and PONG as ``(opcode, payload bytes)``.
    """

    def __init__(self, *, max_message: int = 1 << 20) -> None:
        self.max_message = max_message
        self.opcode: Opcode | None = None     # the data opcode of the message in progress
        self.parts: list[bytes] = []
        self.size = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def add(self, frame: Frame):
        if frame.opcode is Opcode.CLOSE:
            return Opcode.CLOSE, parse_close_payload(frame.payload)
        if frame.opcode.is_control:
            return frame.opcode, frame.payload
        if frame.opcode is Opcode.CONTINUATION:
            if self.opcode is None:
                raise ProtocolError(PROTOCOL_ERROR, "a continuation frame with nothing to continue")
        else:
            if self.opcode is not None:
                raise ProtocolError(PROTOCOL_ERROR, "a new message began inside a fragmented one")
            self.opcode = frame.opcode
        self.size += len(frame.payload)
        if self.size > self.max_message:
            raise ProtocolError(MESSAGE_TOO_BIG, f"a message over {self.max_message} bytes")
        if self.opcode is Opcode.TEXT:
            self._check_utf8(frame.payload, final=frame.fin)
        self.parts.append(frame.payload)
        if not frame.fin:
            return None
        return self._finish()

    def _check_utf8(self, data: bytes, *, final: bool) -> None:
        # Incremental: a character may be split across two fragments (fail fast, §8.1).
        try:
            self.decoder.decode(data, final)
        except UnicodeDecodeError:
            raise ProtocolError(INVALID_DATA, "a text message that is not UTF-8") from None

    def _finish(self):
        opcode = self.opcode
        payload = b"".join(self.parts)
        self.opcode = None
        self.parts = []
        self.size = 0
        self.decoder.reset()
        if opcode is Opcode.TEXT:
            return opcode, payload.decode("utf-8")
        return opcode, payload


def _bits(byte: int) -> str:
    return format(byte, "08b")


def demo() -> None:
    key = "dGhlIHNhbXBsZSBub25jZQ=="          # the example key of RFC 6455 §1.3
    print(f"Sec-WebSocket-Key {key} -> Sec-WebSocket-Accept {accept_key(key)}")
    frame = encode_frame(Opcode.TEXT, b"Hello", mask_key=b"\x37\xfa\x21\x3d")
    print(f"a masked text frame 'Hello' (RFC 6455 §5.7): {frame.hex(' ')}")
    print(f"  byte 0 {_bits(frame[0])}: FIN=1 RSV=000 opcode=0001 (text)")
    print(f"  byte 1 {_bits(frame[1])}: MASK=1 length=5")
    print(f"  mask key {frame[2:6].hex(' ')}, masked payload {frame[6:].hex(' ')}")
    reader = FrameReader()
    reader.feed(frame)
    print(f"  decoded: {reader.next_frame()}")
    broken = {
        "unmasked client frame": encode_frame(Opcode.TEXT, b"hi"),
        "RSV1 set": bytes([0xC1]) + client_frame(Opcode.TEXT, b"hi")[1:],
        "opcode 0x3": client_frame(0x3, b""),
        "invalid UTF-8 text": client_frame(Opcode.TEXT, b"\xff\xfe"),
        "continuation first": client_frame(Opcode.CONTINUATION, b"x"),
        "ping of 126 bytes": client_frame(Opcode.PING, b"x" * 126),
        "message over 1 MiB": client_frame(Opcode.BINARY, b"x" * ((1 << 20) + 1)),
    }
    for name, data in broken.items():
        reader = FrameReader()
        assembler = MessageAssembler()
        reader.feed(data)
        try:
            assembler.add(reader.next_frame())
        except ProtocolError as exc:
            print(f"{name:24} -> close {exc.code}: {exc.reason}")


if __name__ == "__main__":
    demo()
