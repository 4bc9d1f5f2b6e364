"""Graded tests of exercise 2.1: an incremental, strict request-head parser.

Run: python -m course check 2   (or: python -m pytest exercises/02_http_on_the_wire)
"""

from __future__ import annotations

import random

import pytest

SIMPLE = (b"GET /search?q=wsgi HTTP/1.1\r\n"
          b"Host: example.test\r\n"
          b"Accept: text/html\r\n"
          b"Accept: application/json\r\n"
          b"X-Padded:   spaced out \t\r\n"
          b"\r\n")


def feed_all(parser, pieces):
    """Feed pieces one by one; return the head (the first non-None result) and its index."""
    for i, piece in enumerate(pieces):
        head = parser.feed(piece)
        if head is not None:
            return head, i
    return None, len(pieces)


def parse(exercise, data: bytes, **kwargs):
    return exercise.HeadParser(**kwargs).feed(data)


def test_parses_a_simple_head_in_one_piece(exercise):
    head = parse(exercise, SIMPLE)
    assert head is not None, "feed() returned None although the head ended with CRLF CRLF"
    got = (head.method, head.target, head.version)
    assert got == ("GET", "/search?q=wsgi", "HTTP/1.1"), (
        f"request line: expected ('GET', '/search?q=wsgi', 'HTTP/1.1'), got {got}")
    expected = [("Host", "example.test"), ("Accept", "text/html"),
                ("Accept", "application/json"), ("X-Padded", "spaced out")]
    assert head.headers == expected, (
        "headers must be (name, value) pairs in the order received, duplicates kept, names as "
        f"sent, values stripped of surrounding spaces/tabs.\n expected {expected}\n got      "
        f"{head.headers}")


def test_returns_none_until_the_head_is_complete(exercise):
    parser = exercise.HeadParser()
    for cut in (10, 30, len(SIMPLE) - 1):
        parser = exercise.HeadParser()
        result = parser.feed(SIMPLE[:cut])
        assert result is None, (
            f"after {cut} of {len(SIMPLE)} bytes the head is not complete: feed() must return "
            f"None, got {result!r}")


def test_one_byte_at_a_time(exercise):
    parser = exercise.HeadParser()
    head, index = feed_all(parser, [SIMPLE[i:i + 1] for i in range(len(SIMPLE))])
    assert head is not None and index == len(SIMPLE) - 1, (
        "fed one byte at a time, the head must come back exactly when its last byte arrives "
        f"(byte {len(SIMPLE) - 1}); got it at {index}")
    assert head.headers[0] == ("Host", "example.test")
    assert parser.rest == b""


def test_random_pieces_give_the_same_head(exercise):
    whole = exercise.HeadParser().feed(SIMPLE)
    rng = random.Random(2)
    for _ in range(30):
        cuts = sorted(rng.sample(range(1, len(SIMPLE)), rng.randint(1, 8)))
        pieces = [SIMPLE[a:b] for a, b in zip([0, *cuts], [*cuts, len(SIMPLE)], strict=True)]
        head, _ = feed_all(exercise.HeadParser(), pieces)
        assert head == whole, (
            f"TCP may split the bytes anywhere; fed as {pieces!r} the result differed:\n"
            f" {head!r}\n vs {whole!r}")


def test_end_marker_split_across_pieces(exercise):
    parser = exercise.HeadParser()
    pieces = [SIMPLE[:-3], b"\n\r", b"\n"]
    head, index = feed_all(parser, pieces)
    assert head is not None and index == 2, (
        "the final CRLF CRLF arrived split as ...\\r | \\n\\r | \\n; the head is complete "
        "only after the last piece")


def test_leftover_bytes_stay_in_rest(exercise):
    body = b"hello"
    data = (b"POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n" + body
            + b"GET /next HTTP/1.1\r\n")
    parser = exercise.HeadParser()
    head = parser.feed(data)
    assert head is not None and head.method == "POST"
    assert parser.rest == body + b"GET /next HTTP/1.1\r\n", (
        "bytes after the head (the body, a pipelined request) must be kept in parser.rest; "
        f"got {parser.rest!r}")


def test_http10_without_host_and_latin1_values(exercise):
    head = parse(exercise, b"GET / HTTP/1.0\r\nX-Name: caf\xe9\r\n\r\n")
    assert head is not None and head.version == "HTTP/1.0", "HTTP/1.0 needs no Host header"
    assert head.headers == [("X-Name", "caf\u00e9")], (
        "header values are decoded as latin-1 (bytes 0x80-0xff are allowed obs-text): "
        f"expected [('X-Name', 'café')], got {head.headers}")


def test_empty_value_is_allowed(exercise):
    head = parse(exercise, b"GET / HTTP/1.1\r\nHost: h\r\nX-Empty:\r\n\r\n")
    assert head is not None and head.headers[1] == ("X-Empty", ""), (
        f"an empty field value is legal; expected ('X-Empty', ''), got {head and head.headers}")


# ---------------------------------------------------------------------------- malformed heads
BAD = [
    ("obs-fold", b"GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n two\r\n\r\n",
     "a header line starting with a space is obsolete line folding (RFC 9112 §5.2)"),
    ("fold-after-request-line", b"GET / HTTP/1.1\r\n Host: h\r\n\r\n",
     "whitespace before the first header line (RFC 9112 §2.2)"),
    ("tab-fold", b"GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n\ttwo\r\n\r\n",
     "a header line starting with a tab is obsolete line folding"),
    ("nul-in-value", b"GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x00b\r\n\r\n",
     "NUL is a control character, not allowed in a field value (RFC 9110 §5.5)"),
    ("del-in-value", b"GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x7fb\r\n\r\n",
     "DEL (0x7f) is a control character"),
    ("esc-in-value", b"GET / HTTP/1.1\r\nHost: h\r\nX-A: \x1b[31mred\r\n\r\n",
     "ESC is a control character"),
    ("bare-cr-in-value", b"GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n",
     "a bare CR inside a line (RFC 9112 §2.2)"),
    ("bare-lf-line-end", b"GET / HTTP/1.1\r\nHost: h\nX-A: b\r\n\r\n",
     "a line ending in a bare LF: lines end with CRLF"),
    ("space-before-colon", b"GET / HTTP/1.1\r\nHost : h\r\n\r\n",
     "whitespace between field name and colon must be rejected (RFC 9112 §5.1)"),
    ("empty-name", b"GET / HTTP/1.1\r\nHost: h\r\n: nameless\r\n\r\n",
     "a field name must be a non-empty token"),
    ("no-colon", b"GET / HTTP/1.1\r\nHost: h\r\nJustAName\r\n\r\n",
     "a header line without a colon"),
    ("bad-name-char", b"GET / HTTP/1.1\r\nHost: h\r\nX(A): b\r\n\r\n",
     "'(' is not a token character"),
    ("non-ascii-name", b"GET / HTTP/1.1\r\nHost: h\r\nX-\xe9: b\r\n\r\n",
     "field names are ASCII tokens"),
    ("double-space-request-line", b"GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
     "the request line uses exactly one space between its parts"),
    ("no-version", b"GET /\r\nHost: h\r\n\r\n",
     "the request line needs method, target and version"),
    ("lowercase-version", b"GET / http/1.1\r\nHost: h\r\n\r\n",
     "the version is case-sensitive: HTTP/1.1"),
    ("unknown-version", b"GET / HTTP/1.10\r\nHost: h\r\n\r\n",
     "only HTTP/1.1 and HTTP/1.0 are accepted here"),
    ("bad-method", b"G@T / HTTP/1.1\r\nHost: h\r\n\r\n",
     "the method must be a token"),
    ("ctl-in-target", b"GET /a\x01b HTTP/1.1\r\nHost: h\r\n\r\n",
     "a control character in the request target"),
    ("tab-in-request-line", b"GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",
     "the request line separator is SP, not tab"),
    ("no-host", b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
     "an HTTP/1.1 request without Host gets 400 (RFC 9112 §3.2)"),
    ("two-hosts", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
     "more than one Host header gets 400 (RFC 9112 §3.2)"),
    ("two-hosts-in-different-case", b"GET / HTTP/1.1\r\nHost: a\r\nhOST: b\r\n\r\n",
     "field names are case-insensitive (RFC 9110 §5.1): Host and hOST are two Hosts"),
    ("two-content-types", b"POST / HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
     b"content-type: text/html\r\n\r\n",
     "Content-Type holds one value; a second one is ambiguous (RFC 9110 §5.3)"),
    ("asterisk-with-get", b"GET * HTTP/1.1\r\nHost: h\r\n\r\n",
     "the target * is for OPTIONS only (RFC 9112 §3.2.4)"),
    ("authority-with-get", b"GET example.test:80 HTTP/1.1\r\nHost: h\r\n\r\n",
     "host:port (authority-form) is for CONNECT only (RFC 9112 §3.2.3)"),
    ("no-leading-slash", b"GET index.html HTTP/1.1\r\nHost: h\r\n\r\n",
     "an origin-form target starts with / (RFC 9112 §3.2.1)"),
    ("connect-with-a-path", b"CONNECT / HTTP/1.1\r\nHost: h\r\n\r\n",
     "CONNECT needs host:port (RFC 9112 §3.2.3)"),
]


def expect_refusal(exercise, feed, name: str, rule: str, error: str = "BadRequest") -> Exception:
    """Run ``feed()``; it must raise ``exercise.<error>``.  A failure names the case and rule."""
    try:
        feed()
    except getattr(exercise, error) as exc:
        return exc
    pytest.fail(f"{name}: accepted -- expected {error} ({rule})", pytrace=False)


@pytest.mark.parametrize("data, rule", [pytest.param(d, r, id=i) for i, d, r in BAD])
def test_malformed_head_is_a_400(exercise, data, rule):
    error = expect_refusal(exercise, lambda: exercise.HeadParser().feed(data), repr(data), rule)
    assert error.status == 400, f"expected status 400, got {error.status}"


@pytest.mark.parametrize("data, rule", [pytest.param(d, r, id=i) for i, d, r in BAD[:6]])
def test_malformed_head_is_caught_when_fed_byte_by_byte(exercise, data, rule):
    parser = exercise.HeadParser()

    def feed_byte_by_byte():
        for i in range(len(data)):
            parser.feed(data[i:i + 1])

    expect_refusal(exercise, feed_byte_by_byte, f"{data!r} fed one byte at a time", rule)


def test_malformed_messages_say_why(exercise):
    failures = []
    for name, data, rule in BAD:
        try:
            exercise.HeadParser().feed(data)
        except exercise.BadRequest:
            continue
        except Exception as exc:
            failures.append(f"{name}: raised {type(exc).__name__}: {exc} -- expected BadRequest "
                            f"({rule})")
        else:
            failures.append(f"{name}: accepted {data!r} -- expected BadRequest ({rule})")
    assert not failures, "\n".join(failures)


def test_endless_head_is_a_431_before_it_grows_without_limit(exercise):
    parser = exercise.HeadParser(max_head=1024)
    start = b"GET / HTTP/1.1\r\nHost: h\r\n"

    def feed_forever():
        parser.feed(start)
        for _ in range(200):                     # 200 * 100 bytes, never an empty line
            parser.feed(b"X-Junk: " + b"a" * 90 + b"\r\n")

    error = expect_refusal(exercise, feed_forever, "20 kB of header lines, no end, max_head=1024",
                           "raise as soon as more than max_head bytes arrived", "HeadTooLarge")
    assert error.status == 431, "HeadTooLarge must carry status 431"


def test_complete_but_oversized_head_is_a_431(exercise):
    data = b"GET / HTTP/1.1\r\nHost: h\r\nCookie: " + b"c" * 2000 + b"\r\n\r\n"
    expect_refusal(exercise, lambda: exercise.HeadParser(max_head=1024).feed(data),
                   f"a complete head of {len(data)} bytes with max_head=1024",
                   "a complete head longer than max_head is refused too", "HeadTooLarge")
    head = exercise.HeadParser(max_head=len(data)).feed(data)
    assert head is not None, (
        f"a head of exactly max_head={len(data)} bytes (CRLF CRLF included) is allowed")


VALID_TARGETS = [
    (b"OPTIONS * HTTP/1.1", "*"),
    (b"GET http://example.test/a?b=c HTTP/1.1", "http://example.test/a?b=c"),
    (b"CONNECT example.test:443 HTTP/1.1", "example.test:443"),
]


@pytest.mark.parametrize("line, target", VALID_TARGETS, ids=["asterisk", "absolute", "authority"])
def test_every_valid_target_form_is_accepted(exercise, line, target):
    head = parse(exercise, line + b"\r\nHost: h\r\n\r\n")
    assert head is not None and head.target == target, (
        f"{line.decode()}: a valid request (RFC 9112 §3.2: this form fits this method) must be "
        f"accepted with its target kept as sent ({target!r}); got {head!r}")


def test_header_names_are_case_insensitive_for_the_host_rule(exercise):
    head = parse(exercise, b"GET / HTTP/1.1\r\nhost: h\r\n\r\n")
    assert head is not None and head.headers == [("host", "h")], (
        "field names are case-insensitive (RFC 9110 §5.1): 'host: h' is the Host field, so "
        f"this HTTP/1.1 request is valid; got {head!r}")
