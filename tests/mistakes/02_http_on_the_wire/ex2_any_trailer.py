"""Mistake: accepts any trailer field, so Content-Length or Host can arrive after the body.

Exercise 2.2 -- body framing: Content-Length or chunked, and nothing ambiguous (solution).

See the stub in exercises/02_http_on_the_wire/ex2_body.py for the task and the rules.
"""

from __future__ import annotations

__all__ = ["BadRequest", "BodyTooLarge", "ChunkedDecoder", "HttpError", "body_framing"]


# -- the error hierarchy (given; the same as in exercise 2.1) ----------------------------------
class HttpError(Exception):
    """A request the server must refuse; ``status`` is the response code to send."""

    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(f"{self.status}: {reason}")
        self.reason = reason


class BadRequest(HttpError):
    status = 400


class BodyTooLarge(HttpError):
    status = 413


class HeadTooLarge(HttpError):
    status = 431


# -- the solution ------------------------------------------------------------------------------
HEXDIGITS = frozenset(b"0123456789abcdefABCDEF")
MAX_SIZE_DIGITS = 16   # a chunk-size line longer than this is an attack, not a chunk
# RFC 9110 §6.5.1: fields that must not be sent as trailers (framing, routing, ...)
FORBIDDEN_TRAILERS = frozenset({
    b"content-length", b"transfer-encoding", b"host", b"trailer", b"te", b"connection",
    b"keep-alive", b"upgrade", b"expect", b"max-forwards", b"cache-control", b"pragma",
    b"range", b"authorization", b"cookie", b"content-type", b"content-encoding",
    b"content-range"})


def body_framing(version: str, headers: list[tuple[str, str]],
                 max_body: int = 1_000_000) -> int | str:
    lengths = [v for k, v in headers if k.lower() == "content-length"]
    codings = [v for k, v in headers if k.lower() == "transfer-encoding"]
    if codings:
        if lengths:
            raise BadRequest("both Content-Length and Transfer-Encoding (a smuggling attempt?)")
        if version == "HTTP/1.0":
            raise BadRequest("Transfer-Encoding in an HTTP/1.0 request")
        if len(codings) != 1 or codings[0].strip().lower() != "chunked":
            raise BadRequest(f"unsupported Transfer-Encoding {codings!r}; only 'chunked'")
        return "chunked"
    if not lengths:
        return 0
    if len(lengths) > 1:
        raise BadRequest("more than one Content-Length")
    value = lengths[0]
    if not value or not all("0" <= c <= "9" for c in value):
        raise BadRequest(f"Content-Length must be decimal digits only, got {value!r}")
    if len(value) > len(str(max_body)) or int(value) > max_body:
        raise BodyTooLarge(f"Content-Length {value} is over the limit of {max_body}")
    return int(value)


class ChunkedDecoder:
    """Decode a chunked body fed in arbitrary pieces (RFC 9112 §7.1)."""

    def __init__(self, max_body: int = 1_000_000) -> None:
        self.max_body = max_body
        self.done = False
        self.rest = b""
        self.received = 0
        self._buffer = bytearray()
        self._state = "size"        # size -> data -> data-crlf -> size ... -> trailer -> done
        self._remaining = 0

    def feed(self, data: bytes) -> bytes:
        if self.done:
            self.rest += data
            return b""
        self._buffer += data
        out = bytearray()
        while not self.done:
            if self._state == "size":
                line = self._line()
                if line is None:
                    break
                size_text = line.split(b";", 1)[0].rstrip(b" \t")
                if not size_text or not all(b in HEXDIGITS for b in size_text):
                    raise BadRequest(f"invalid chunk size {line[:20]!r}")
                if len(size_text) > MAX_SIZE_DIGITS:
                    raise BodyTooLarge("a chunk size with too many digits")
                size = int(size_text, 16)
                if self.received + size > self.max_body:
                    raise BodyTooLarge(f"the body would exceed {self.max_body} bytes")
                self._remaining = size
                self._state = "data" if size else "trailer"
            elif self._state == "data":
                if not self._buffer:
                    break
                piece = self._buffer[:self._remaining]
                del self._buffer[:len(piece)]
                out += piece
                self.received += len(piece)
                self._remaining -= len(piece)
                if self._remaining == 0:
                    self._state = "data-crlf"
            elif self._state == "data-crlf":
                if len(self._buffer) < 2:
                    if self._buffer[:1] not in (b"", b"\r"):
                        raise BadRequest("chunk data not followed by CRLF")
                    break
                if self._buffer[:2] != b"\r\n":
                    raise BadRequest("chunk data longer than its size, or not followed by CRLF")
                del self._buffer[:2]
                self._state = "size"
            else:  # trailer: zero or more field lines, then an empty line
                line = self._line()
                if line is None:
                    break
                if line == b"":
                    self.done = True
                    self.rest = bytes(self._buffer)
                    self._buffer.clear()
                elif b":" not in line:
                    raise BadRequest(f"invalid trailer line {line[:40]!r}")
        return bytes(out)

    def _line(self) -> bytes | None:
        """Take one CRLF-terminated line from the buffer, or None if it is not complete."""
        end = self._buffer.find(b"\n")
        if end < 0:
            if len(self._buffer) > 4096:
                raise BadRequest("a chunk-size or trailer line longer than 4096 bytes")
            return None
        if end == 0 or self._buffer[end - 1] != 0x0D:
            raise BadRequest("a bare LF in chunked framing; lines end with CRLF")
        line = bytes(self._buffer[:end - 1])
        del self._buffer[:end + 1]
        if b"\r" in line:
            raise BadRequest("a bare CR in chunked framing")
        return line
