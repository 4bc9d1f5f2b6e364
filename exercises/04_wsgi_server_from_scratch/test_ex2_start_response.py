"""Graded tests for exercise 4.2: start_response records, the head goes out with the first
non-empty chunk, and a second call needs exc_info."""

import sys

import pytest

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
HEADERS = [("Content-Type", "text/plain"), ("Content-Length", "5")]


def writer(exercise):
    sent = []
    return exercise.ResponseWriter(sent.append), sent


def test_nothing_is_sent_until_the_first_non_empty_chunk(exercise):
    w, sent = writer(exercise)
    write = w.start_response("200 OK", HEADERS)
    assert callable(write), "start_response must return the write callable"
    assert sent == [], f"start_response only records; nothing may be sent yet, got {sent}"
    w.write(b"")
    assert sent == [] and not w.headers_sent, (
        "PEP 3333: the head goes out with the first NON-EMPTY chunk; an empty one sends nothing")
    w.write(b"hel")
    assert sent == [HEAD + b"hel"], (
        f"expected one send of head + first chunk, {HEAD + b'hel'!r}; got {sent}")
    assert w.headers_sent
    w.write(b"lo")
    w.finish()
    assert sent == [HEAD + b"hel", b"lo"], f"later chunks go out as they are; got {sent}"


def test_finish_sends_the_head_of_an_empty_body(exercise):
    w, sent = writer(exercise)
    w.start_response("204 No Content", [])
    w.finish()
    assert sent == [b"HTTP/1.1 204 No Content\r\n\r\n"], f"got {sent}"


def test_a_second_call_without_exc_info_is_an_error(exercise):
    w, _ = writer(exercise)
    w.start_response("200 OK", HEADERS)
    with pytest.raises(AssertionError):
        w.start_response("404 Not Found", [])
        pytest.fail("PEP 3333: calling start_response twice without exc_info must raise "
                    "AssertionError")


def test_exc_info_before_the_head_replaces_the_status(exercise):
    w, sent = writer(exercise)
    w.start_response("200 OK", HEADERS)
    try:
        raise ValueError("boom")
    except ValueError:
        w.start_response("500 Internal Server Error", [("Content-Type", "text/plain")],
                         sys.exc_info())
    w.write(b"oops")
    expected = b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\noops"
    assert sent == [expected], (
        f"with exc_info and no head sent yet, the new status and headers win; got {sent}")


def test_exc_info_after_the_head_reraises(exercise):
    w, _ = writer(exercise)
    w.start_response("200 OK", HEADERS)
    w.write(b"hel")
    try:
        raise ValueError("too late")
    except ValueError:
        info = sys.exc_info()
    with pytest.raises(ValueError, match="too late"):
        w.start_response("500 Internal Server Error", [], info)
        pytest.fail("PEP 3333: with exc_info after the head was sent, start_response must "
                    "re-raise the app's exception")


def test_write_or_finish_before_start_response_is_an_error(exercise):
    w, sent = writer(exercise)
    with pytest.raises(AssertionError):
        w.write(b"body")
        pytest.fail("write() before start_response() must raise AssertionError")
    with pytest.raises(AssertionError):
        w.finish()
        pytest.fail("finish() without start_response() must raise AssertionError")
    assert sent == []
