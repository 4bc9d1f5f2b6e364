"""Graded tests of exercise 11.1: SSE events and comments, byte for byte.

``parse`` below follows the browser's algorithm (WHATWG HTML §9.2.6, "interpreting an event
stream"), so the tests check both the exact bytes and what a browser would make of them.
"""

from __future__ import annotations

import re

import pytest


def parse(stream: bytes) -> list[dict]:
    """Dispatched events as a browser sees them: [{'type', 'data', 'id', 'retry'}]."""
    events = []
    data: list[str] = []
    kind = ""
    last_id = ""
    retry = None
    for line in re.split(r"\r\n|\r|\n", stream.decode("utf-8")):
        if line == "":
            if data:
                events.append({"type": kind or "message", "data": "\n".join(data),
                               "id": last_id, "retry": retry})
            data, kind = [], ""
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            data.append(value)
        elif name == "event":
            kind = value
        elif name == "id" and "\0" not in value:
            last_id = value
        elif name == "retry" and value.isdigit():
            retry = int(value)
    return events


def expect_bytes(got: object, expected: bytes, call: str) -> None:
    assert isinstance(got, bytes), f"{call} should return bytes, got {type(got).__name__}"
    assert got == expected, f"{call}\n  expected {expected!r}\n  got      {got!r}"


def test_one_line_of_data(exercise):
    expect_bytes(exercise.encode_event("hello"), b"data: hello\n\n", 'encode_event("hello")')


def test_fields_in_order_id_event_retry_data(exercise):
    got = exercise.encode_event("x", id="7", event="tick", retry=1500)
    expect_bytes(got, b"id: 7\nevent: tick\nretry: 1500\ndata: x\n\n",
                 'encode_event("x", id="7", event="tick", retry=1500) -- order id, event, retry, '
                 "data, one space after each colon")
    assert parse(got) == [{"type": "tick", "data": "x", "id": "7", "retry": 1500}], (
        f"a browser would read {parse(got)} from {got!r}")


def test_multi_line_data_is_one_field_per_line(exercise):
    for data, lines in [("a\nb", ["a", "b"]), ("one\r\ntwo\rthree", ["one", "two", "three"]),
                        ("end\n", ["end", ""])]:
        expected = "".join(f"data: {line}\n" for line in lines).encode() + b"\n"
        got = exercise.encode_event(data)
        expect_bytes(got, expected, f"encode_event({data!r}) -- every line break "
                                    "(\\r\\n, \\r, \\n) starts a new data: field")
        assert parse(got)[0]["data"] == "\n".join(lines), (
            f"the browser would see {parse(got)[0]['data']!r} (WHATWG HTML §9.2.6 joins data "
            "fields with \\n)")


def test_empty_data_is_one_empty_field(exercise):
    expect_bytes(exercise.encode_event(""), b"data: \n\n",
                 'encode_event("") -- without a data field the browser dispatches nothing')


def test_result_is_utf8(exercise):
    expected = "id: é\ndata: café ☕\n\n".encode()
    expect_bytes(exercise.encode_event("café ☕", id="é"), expected,
                 'encode_event("café ☕", id="é") -- an event stream is always UTF-8')


@pytest.mark.parametrize("retry", [-1, True, 1.5, "100"])
def test_retry_must_be_a_non_negative_int(exercise, retry):
    try:
        got = exercise.encode_event("x", retry=retry)
    except ValueError:
        return
    pytest.fail(f"encode_event('x', retry={retry!r}) returned {got!r}; it should raise "
                "ValueError: retry is a non-negative int of milliseconds (WHATWG HTML §9.2.6 "
                "ignores anything but ASCII digits)", pytrace=False)


def test_retry_zero_is_allowed(exercise):
    expect_bytes(exercise.encode_event("x", retry=0), b"retry: 0\ndata: x\n\n",
                 "encode_event('x', retry=0)")


@pytest.mark.parametrize("field, value", [("id", "1\ndata: forged"), ("id", "1\r2"),
                                          ("event", "tick\n"), ("event", "a\rb"),
                                          ("id", "bad\0id")])
def test_id_and_event_are_single_safe_lines(exercise, field, value):
    try:
        got = exercise.encode_event("x", **{field: value})
    except ValueError:
        return
    pytest.fail(f"encode_event('x', {field}={value!r}) returned {got!r}; it should raise "
                "ValueError: a line break in id/event would end the field and start a forged "
                "one, and an id with NUL is ignored by browsers", pytrace=False)


def test_comment(exercise):
    got = exercise.encode_comment("heartbeat")
    expect_bytes(got, b": heartbeat\n\n", 'encode_comment("heartbeat")')
    assert parse(got) == [], "a comment must not dispatch an event"
    expect_bytes(exercise.encode_comment(), b": \n\n", "encode_comment()")


def test_comment_is_a_single_line(exercise):
    try:
        got = exercise.encode_comment("ping\ndata: forged")
    except ValueError:
        return
    pytest.fail(f"encode_comment('ping\\ndata: forged') returned {got!r}; it should raise "
                "ValueError -- a second line would be read as a field", pytrace=False)
