"""Graded tests of exercise 2.2: Content-Length vs chunked, and a chunked decoder.

Run: python -m course check 2   (or: python -m pytest exercises/02_http_on_the_wire)
"""

from __future__ import annotations

import random

import pytest

H11 = "HTTP/1.1"


def expect_refusal(exercise, run, name: str, rule: str, error: str = "BadRequest") -> Exception:
    """Run ``run()``; it must raise ``exercise.<error>``.  A failure names the case and rule."""
    try:
        run()
    except getattr(exercise, error) as exc:
        return exc
    pytest.fail(f"{name}: accepted -- expected {error} ({rule})", pytrace=False)


def test_content_length_gives_the_length(exercise):
    got = exercise.body_framing(H11, [("Host", "h"), ("Content-Length", "42")])
    assert got == 42 and isinstance(got, int), (
        f"Content-Length: 42 means a 42-byte body; expected the int 42, got {got!r}")


def test_content_length_name_in_any_case(exercise):
    got = exercise.body_framing(H11, [("Host", "h"), ("content-LENGTH", "42")])
    assert got == 42, (
        "field names are case-insensitive (RFC 9110 §5.1): content-LENGTH: 42 is a "
        f"Content-Length; expected 42, got {got!r}")


def test_no_framing_header_means_no_body(exercise):
    got = exercise.body_framing(H11, [("Host", "h")])
    assert got == 0, f"a request with neither header has no body (RFC 9112 §6.3): got {got!r}"


@pytest.mark.parametrize("name, value", [("Transfer-Encoding", "chunked"),
                                         ("transfer-encoding", "Chunked"),
                                         ("TRANSFER-ENCODING", "CHUNKED")])
def test_chunked_is_recognised_in_any_case(exercise, name, value):
    got = exercise.body_framing(H11, [("Host", "h"), (name, value)])
    assert got == "chunked", f"{name}: {value} means a chunked body; got {got!r}"


BAD_FRAMING = [
    ("cl-and-te", [("Content-Length", "5"), ("Transfer-Encoding", "chunked")],
     "Content-Length together with Transfer-Encoding is the classic smuggling request"),
    ("te-and-cl", [("Transfer-Encoding", "chunked"), ("Content-Length", "0")],
     "both headers, in the other order"),
    ("duplicate-cl-equal", [("Content-Length", "5"), ("Content-Length", "5")],
     "a duplicated Content-Length, even with equal values"),
    ("duplicate-cl-different", [("Content-Length", "5"), ("Content-Length", "6")],
     "two different Content-Lengths: which one is the body?"),
    ("cl-list", [("Content-Length", "5, 5")], "a list is not a decimal number"),
    ("cl-plus", [("Content-Length", "+5")], "int('+5') == 5, but '+' is not a digit"),
    ("cl-underscore", [("Content-Length", "5_0")], "int('5_0') == 50, but '_' is not a digit"),
    ("cl-negative", [("Content-Length", "-1")], "a negative length"),
    ("cl-hex", [("Content-Length", "0x10")], "Content-Length is decimal"),
    ("cl-empty", [("Content-Length", "")], "an empty Content-Length"),
    ("cl-inner-space", [("Content-Length", "1 0")], "digits only"),
    ("cl-superscript", [("Content-Length", "\u00b2")], "'²' is a latin-1 digit-like "
     "character, not ASCII 0-9"),
    ("te-gzip", [("Transfer-Encoding", "gzip")], "only chunked is supported here"),
    ("te-gzip-chunked", [("Transfer-Encoding", "gzip, chunked")],
     "only plain chunked is supported here"),
    ("te-twice", [("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")],
     "Transfer-Encoding more than once"),
    ("cl-and-te-lower-case", [("content-length", "5"), ("transfer-encoding", "chunked")],
     "names are case-insensitive (RFC 9110 §5.1): both framing headers, in lower case"),
    ("duplicate-cl-mixed-case", [("Content-Length", "5"), ("CONTENT-LENGTH", "6")],
     "names are case-insensitive: Content-Length and CONTENT-LENGTH are two Content-Lengths"),
]


@pytest.mark.parametrize("headers, rule", [pytest.param(h, r, id=i) for i, h, r in BAD_FRAMING])
def test_ambiguous_or_malformed_framing_is_a_400(exercise, headers, rule):
    error = expect_refusal(exercise, lambda: exercise.body_framing(H11, [("Host", "h"), *headers]),
                           f"headers {headers}", rule)
    assert error.status == 400


def test_transfer_encoding_in_http10_is_a_400(exercise):
    expect_refusal(exercise,
                   lambda: exercise.body_framing("HTTP/1.0", [("Transfer-Encoding", "chunked")]),
                   "Transfer-Encoding: chunked in HTTP/1.0",
                   "HTTP/1.0 has no chunked coding (RFC 9112 §6.1)")


@pytest.mark.parametrize("value", ["1000001", "9" * 40])
def test_too_long_content_length_is_a_413(exercise, value):
    error = expect_refusal(
        exercise, lambda: exercise.body_framing(H11, [("Host", "h"), ("Content-Length", value)]),
        f"Content-Length: {value[:20]}", "more than max_body=1000000", "BodyTooLarge")
    assert error.status == 413, "BodyTooLarge must carry status 413"
    assert exercise.body_framing(H11, [("Content-Length", "1000000")]) == 1_000_000, (
        "a body of exactly max_body bytes is allowed")


# ------------------------------------------------------------------------------ chunked
CHUNKED = b"5\r\nhello\r\n7;lang=en\r\n, world\r\n0\r\n\r\n"


def decode_all(exercise, pieces, **kwargs):
    decoder = exercise.ChunkedDecoder(**kwargs)
    out = b"".join(decoder.feed(p) for p in pieces)
    return decoder, out


def test_decodes_a_chunked_body_in_one_piece(exercise):
    decoder, out = decode_all(exercise, [CHUNKED])
    assert out == b"hello, world", f"expected b'hello, world', got {out!r}"
    assert decoder.done, "after the 0-size chunk and the final CRLF, done must be True"


def test_not_done_before_the_final_crlf(exercise):
    decoder, out = decode_all(exercise, [CHUNKED[:-2]])
    assert out == b"hello, world"
    assert not decoder.done, "the body ends only with the empty line after the last chunk"


def test_decodes_byte_by_byte_and_in_random_pieces(exercise):
    decoder, out = decode_all(exercise, [CHUNKED[i:i + 1] for i in range(len(CHUNKED))])
    assert out == b"hello, world" and decoder.done, (
        f"fed one byte at a time: expected b'hello, world' and done, got {out!r}, "
        f"done={decoder.done}")
    rng = random.Random(7)
    for _ in range(30):
        cuts = sorted(rng.sample(range(1, len(CHUNKED)), rng.randint(1, 6)))
        pieces = [CHUNKED[a:b] for a, b in zip([0, *cuts], [*cuts, len(CHUNKED)], strict=True)]
        decoder, out = decode_all(exercise, pieces)
        assert out == b"hello, world" and decoder.done, f"fed as {pieces!r}: got {out!r}"


def test_uppercase_hex_trailers_and_rest(exercise):
    body = b"A" * 26
    data = b"1A\r\n" + body + b"\r\n0\r\nX-Checksum: abc\r\n\r\nGET /next HTTP/1.1\r\n"
    decoder, out = decode_all(exercise, [data])
    assert out == body, "chunk size 1A (hex) is 26 bytes"
    assert decoder.done, "trailer lines come after the 0 chunk, then an empty line ends the body"
    assert decoder.rest == b"GET /next HTTP/1.1\r\n", (
        f"bytes after the body belong to the next request: expected them in rest, "
        f"got {decoder.rest!r}")


BAD_CHUNKED = [
    ("not-hex", b"zz\r\nhello\r\n0\r\n\r\n", "a chunk size is hex digits"),
    ("0x-prefix", b"0x5\r\nhello\r\n0\r\n\r\n", "no 0x prefix"),
    ("negative", b"-1\r\nhello\r\n0\r\n\r\n", "a negative size"),
    ("plus", b"+5\r\nhello\r\n0\r\n\r\n", "int('+5', 16) works; the wire format does not"),
    ("empty-size", b"\r\nhello\r\n0\r\n\r\n", "an empty size line"),
    ("underscore", b"5_0\r\n" + b"x" * 80 + b"\r\n0\r\n\r\n", "int('5_0', 16) works too"),
    ("data-too-long", b"3\r\nhello\r\n0\r\n\r\n",
     "3 bytes of data must be followed by CRLF, not more data"),
    ("bare-lf-after-size", b"5\nhello\r\n0\r\n\r\n", "the size line ends with CRLF"),
    ("bare-lf-after-data", b"5\r\nhello\n0\r\n\r\n", "chunk data ends with CRLF"),
    ("bad-trailer", b"5\r\nhello\r\n0\r\nnot a field\r\n\r\n", "a trailer line needs a colon"),
    ("content-length-trailer", b"5\r\nhello\r\n0\r\nContent-Length: 5\r\n\r\n",
     "Content-Length may not be a trailer (RFC 9110 §6.5.1)"),
    ("transfer-encoding-trailer", b"5\r\nhello\r\n0\r\ntransfer-encoding: chunked\r\n\r\n",
     "Transfer-Encoding may not be a trailer, in any case (RFC 9110 §6.5.1)"),
    ("host-trailer", b"5\r\nhello\r\n0\r\nHOST: evil.example\r\n\r\n",
     "Host may not be a trailer: routing is decided by the head (RFC 9110 §6.5.1)"),
]


@pytest.mark.parametrize("data, rule", [pytest.param(d, r, id=i) for i, d, r in BAD_CHUNKED])
def test_bad_chunked_framing_is_a_400(exercise, data, rule):
    error = expect_refusal(exercise, lambda: decode_all(exercise, [data]), repr(data), rule)
    assert error.status == 400


@pytest.mark.parametrize("data, rule", [pytest.param(d, r, id=i) for i, d, r in BAD_CHUNKED])
def test_bad_chunked_framing_is_a_400_byte_by_byte(exercise, data, rule):
    pieces = [data[i:i + 1] for i in range(len(data))]
    expect_refusal(exercise, lambda: decode_all(exercise, pieces),
                   f"{data!r} fed one byte at a time", rule)


@pytest.mark.parametrize("start", [b"5;ext=", b"5\r\nhello\r\n0\r\nX-Trailer: "],
                         ids=["chunk-size-line", "trailer-line"])
def test_an_endless_line_is_refused_before_it_grows_without_limit(exercise, start):
    decoder = exercise.ChunkedDecoder()

    def feed_forever():
        decoder.feed(start)
        for _ in range(100):                    # 100 * 1000 bytes, never a line end
            decoder.feed(b"a" * 1000)

    expect_refusal(exercise, feed_forever, f"{start!r} then 100 kB without CRLF",
                   "refuse once more than 4096 bytes of one line arrived")


def test_giant_chunk_size_is_a_413(exercise):
    expect_refusal(exercise, lambda: decode_all(exercise, [b"ffffffffffffffffffffffff\r\n"]),
                   "a 24-digit chunk size", "more than 16 hex digits", "BodyTooLarge")
    expect_refusal(exercise, lambda: decode_all(exercise, [b"100\r\n"], max_body=100),
                   "a chunk of 0x100 bytes with max_body=100", "over max_body", "BodyTooLarge")


def test_many_small_chunks_over_the_limit_are_a_413(exercise):
    error = expect_refusal(
        exercise,
        lambda: decode_all(exercise, [b"10\r\n" + b"x" * 16 + b"\r\n"] * 10, max_body=100),
        "10 chunks of 16 bytes with max_body=100", "the limit is on the whole body",
        "BodyTooLarge")
    assert error.status == 413, (
        "the limit is on the whole decoded body, not on one chunk: 10 chunks of 16 bytes "
        "exceed max_body=100")
