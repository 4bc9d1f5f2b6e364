"""Graded tests for exercise 4.4: the keep-alive decision (RFC 9112 §9.3)."""

import pytest

CASES = [
    ("HTTP/1.1", [], "content-length", True, "HTTP/1.1 is persistent by default"),
    ("HTTP/1.1", [("Connection", "close")], "content-length", False, "close closes"),
    ("HTTP/1.1", [("connection", "CLOSE")], "chunked", False, "options are case-insensitive"),
    ("HTTP/1.1", [("Connection", "keep-alive, close")], "content-length", False,
     "Connection is a list: close is one of its options"),
    ("HTTP/1.1", [("Connection", "upgrade"), ("Connection", "close")], "content-length", False,
     "every Connection field counts"),
    ("HTTP/1.1", [("Connection", "closed")], "content-length", True,
     "'closed' is not the option 'close': compare whole options, not substrings"),
    ("HTTP/1.1", [], "close", False, "a close-delimited body ends the connection"),
    ("HTTP/1.0", [], "content-length", False, "HTTP/1.0 closes by default"),
    ("HTTP/1.0", [("Connection", "Keep-Alive")], "content-length", True,
     "HTTP/1.0 with keep-alive stays open"),
    ("HTTP/1.0", [("Connection", "keep-alive")], "close", False,
     "a close-delimited body ends the connection"),
    ("HTTP/1.0", [("Connection", "keep-alive, close")], "content-length", False,
     "close wins over keep-alive"),
    ("HTTP/0.9", [], "content-length", False, "unknown versions close"),
]


@pytest.mark.parametrize("version, headers, framing, expected, rule", CASES,
                         ids=[f"{v}-{h}-{f}" for v, h, f, _, _ in CASES])
def test_keep_alive(exercise, version, headers, framing, expected, rule):
    got = exercise.keep_alive(version, headers, framing)
    assert got is expected, (
        f"{version} with {headers}, body framing {framing!r}: expected {expected}, got {got!r} "
        f"({rule}; RFC 9112 §9.3)")
