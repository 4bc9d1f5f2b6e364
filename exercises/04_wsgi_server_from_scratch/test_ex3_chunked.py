"""Graded tests for exercise 4.3: chunked encoding (checked by the h11 parser) and the
framing decision."""

import h11
import pytest


def test_encode_chunk(exercise):
    assert exercise.encode_chunk(b"hello") == b"5\r\nhello\r\n", (
        "RFC 9112 §7.1: size in hex, CRLF, data, CRLF")
    data = b"x" * 300
    got = exercise.encode_chunk(data)
    assert got.upper() == b"12C\r\n" + data.upper() + b"\r\n", (
        f"300 bytes: the size is hexadecimal, 12C; got {got[:8]!r}…")
    assert exercise.encode_chunk(b"") == b"", (
        "an empty chunk must encode to b'': a zero size is the last-chunk and ends the body")


def parse_with_h11(body: bytes) -> tuple[bytes, bool]:
    client = h11.Connection(h11.CLIENT)
    client.send(h11.Request(method="GET", target="/", headers=[("Host", "x")]))
    client.send(h11.EndOfMessage())
    client.receive_data(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    data, ended = b"", False
    while True:
        event = client.next_event()
        if isinstance(event, h11.Data):
            data += event.data
        elif isinstance(event, h11.EndOfMessage):
            ended = True
            break
        elif event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
            break
    return data, ended


def test_chunked_body_is_understood_by_a_real_parser(exercise):
    parts = list(exercise.chunked_body([b"one ", b"", b"two ", b"x" * 1000]))
    assert parts and parts[-1] == b"0\r\n\r\n", "the body ends with the last-chunk 0 CRLF CRLF"
    try:
        data, ended = parse_with_h11(b"".join(parts))
    except h11.RemoteProtocolError as exc:
        pytest.fail(f"h11 could not parse your chunked body: {exc}")
    assert ended, "h11 did not see the end of the body: is the last-chunk there?"
    assert data == b"one two " + b"x" * 1000, f"h11 decoded {data[:40]!r}…"
    assert list(exercise.chunked_body([])) == [b"0\r\n\r\n"], "an empty body is just the last-chunk"


@pytest.mark.parametrize("status, method, version, headers, known, expected", [
    (200, "HEAD", "HTTP/1.1", [], None, "none"),
    (204, "GET", "HTTP/1.1", [], None, "none"),
    (304, "GET", "HTTP/1.1", [], 10, "none"),
    (101, "GET", "HTTP/1.1", [], None, "none"),
    (200, "GET", "HTTP/1.1", [("content-LENGTH", "5")], None, "content-length"),
    (200, "GET", "HTTP/1.0", [("Content-Length", "5")], None, "content-length"),
    (200, "GET", "HTTP/1.1", [], 42, "content-length"),
    (200, "GET", "HTTP/1.1", [("Content-Type", "text/plain")], None, "chunked"),
    (500, "POST", "HTTP/1.1", [], None, "chunked"),
    (200, "GET", "HTTP/1.0", [], None, "close"),
])
def test_choose_framing(exercise, status, method, version, headers, known, expected):
    got = exercise.choose_framing(status, method, version, headers, known)
    assert got == expected, (
        f"{method} {version} -> {status} with headers {headers}, known_length={known}: "
        f"expected {expected!r}, got {got!r} (RFC 9112 §6.3)")
