"""Graded tests of exercise 2.3: build a correct HTTP/1.1 response.

Run: python -m course check 2   (or: python -m pytest exercises/02_http_on_the_wire)
"""

from __future__ import annotations

import h11
import pytest


def expect_value_error(run, case: str, rule: str) -> None:
    """``run()`` must raise ValueError; a failure names the case and the rule."""
    try:
        run()
    except ValueError:
        return
    pytest.fail(f"{case}: returned a response -- expected ValueError ({rule})", pytrace=False)


def test_exact_bytes_of_a_simple_response(exercise):
    got = exercise.build_response(200, [("Content-Type", "text/plain")], b"hi\n")
    expected = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nhi\n"
    assert got == expected, f"\nexpected {expected!r}\ngot      {got!r}"


def test_headers_keep_their_order_and_duplicates(exercise):
    headers = [("Set-Cookie", "a=1"), ("X-Zebra", "z"), ("Set-Cookie", "b=2")]
    got = exercise.build_response(404, headers, b"")
    expected = (b"HTTP/1.1 404 Not Found\r\nSet-Cookie: a=1\r\nX-Zebra: z\r\n"
                b"Set-Cookie: b=2\r\nContent-Length: 0\r\n\r\n")
    assert got == expected, (
        "headers go out in the order given, duplicates kept (Set-Cookie can't be merged), "
        f"then Content-Length (0 for an empty body).\nexpected {expected!r}\ngot      {got!r}")


def test_reason_phrase_and_latin1(exercise):
    got = exercise.build_response(201, [("X-Name", "caf\u00e9")], b"ok")
    assert got.startswith(b"HTTP/1.1 201 Created\r\n"), f"status line: got {got[:30]!r}"
    assert b"X-Name: caf\xe9\r\n" in got, "header values are encoded as latin-1"


def test_head_has_the_length_but_not_the_body(exercise):
    got = exercise.build_response(200, [("Content-Type", "text/plain")], b"hello", method="HEAD")
    expected = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
    assert got == expected, (
        "a HEAD response has GET's headers (Content-Length: 5) but no body bytes: the client "
        f"will not read any (RFC 9110 §9.3.2).\nexpected {expected!r}\ngot      {got!r}")


@pytest.mark.parametrize("status", [204, 304, 100])
def test_no_body_statuses_have_no_content_length(exercise, status):
    got = exercise.build_response(status, [("X-A", "1")])
    assert got.endswith(b"\r\nX-A: 1\r\n\r\n"), (
        f"a {status} response ends right after its headers, with no Content-Length "
        f"(RFC 9110 §8.6): got {got!r}")
    expect_value_error(lambda: exercise.build_response(status, [], b"oops"),
                       f"a {status} response with a body",
                       "1xx, 204 and 304 responses have no body (RFC 9110 §15)")


@pytest.mark.parametrize("header", [("X-Echo", "a\r\nSet-Cookie: admin=1"), ("X-Echo", "a\nb"),
                                    ("X-Echo", "a\x00b"), ("X-Bad\r\nName", "v"),
                                    ("X:Colon", "v"), ("", "v")])
def test_header_injection_is_refused(exercise, header):
    expect_value_error(lambda: exercise.build_response(200, [header], b""), f"header {header!r}",
                       "CR, LF, NUL, or a bad name would let the value write its own lines")


@pytest.mark.parametrize("header", [("Content-Length", "99"), ("Transfer-Encoding", "chunked"),
                                    ("content-length", "99"), ("TRANSFER-ENCODING", "chunked")])
def test_framing_headers_are_yours_to_compute(exercise, header):
    expect_value_error(lambda: exercise.build_response(200, [header], b"abc"),
                       f"header {header!r}",
                       "framing is computed by build_response; names are case-insensitive, "
                       "RFC 9110 §5.1")


def test_unknown_status_is_refused(exercise):
    expect_value_error(lambda: exercise.build_response(299, [], b""), "status 299",
                       "an unknown status code has no reason phrase")


def test_a_real_client_parser_reads_three_responses_on_one_connection(exercise):
    """h11 (the parser inside uvicorn's h11 mode) acts as the client."""
    client = h11.Connection(h11.CLIENT)
    wire = b""
    answers = [("GET", 200, b"first"), ("HEAD", 200, b"not sent"), ("GET", 204, b"")]
    bodies = []
    for method, status, body in answers:
        client.send(h11.Request(method=method, target="/", headers=[("Host", "h")]))
        client.send(h11.EndOfMessage())
        wire = exercise.build_response(status, [("Server", "ex2.3")], body, method=method)
        client.receive_data(wire)
        got = b""
        while True:
            event = client.next_event()
            if isinstance(event, h11.Data):
                got += event.data
            if isinstance(event, h11.EndOfMessage) or event is h11.NEED_DATA:
                break
        assert isinstance(event, h11.EndOfMessage), (
            f"h11 could not find the end of the {method} {status} response {wire!r}")
        bodies.append(got)
        client.start_next_cycle()
    assert bodies == [b"first", b"", b""], f"h11 read the bodies {bodies}"
