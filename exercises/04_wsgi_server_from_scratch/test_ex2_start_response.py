"""Graded tests for exercise 4.2: start_response records, the head goes out with the first
non-empty chunk, and a second call needs exc_info."""

import sys

import pytest


def expect_error(kind: type[BaseException], action, case: str) -> BaseException:
    """Run ``action``; fail with ``case`` (what was expected, and why) unless it raises ``kind``."""
    try:
        action()
    except kind as exc:
        return exc
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 -- name the wrong exception to the learner
        pytest.fail(f"{case}; it raised {type(exc).__name__}: {exc}", pytrace=False)
    pytest.fail(f"{case}; nothing was raised", pytrace=False)

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


def test_the_head_is_encoded_as_latin1(exercise):
    w, sent = writer(exercise)
    w.start_response("200 OK", [("Content-Disposition", "attachment; filename=caf\u00e9.txt")])
    w.write(b"x")
    expected = (b"HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=caf\xe9.txt"
                b"\r\n\r\nx")
    assert sent == [expected], (
        "PEP 3333: status and header values are native strings holding latin-1, so "
        "'caf\u00e9' goes on the wire as the one byte 0xE9 (encode the head as latin-1, not "
        f"UTF-8); expected {expected!r}, got {sent}")


def test_a_second_call_without_exc_info_is_an_error(exercise):
    w, _ = writer(exercise)
    w.start_response("200 OK", HEADERS)
    expect_error(AssertionError, lambda: w.start_response("404 Not Found", []),
                 "start_response('200 OK', …) then start_response('404 Not Found', []) without "
                 "exc_info: expected AssertionError (PEP 3333: a second call is allowed only "
                 "with exc_info, from an app handling an error)")


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
    raised = expect_error(
        ValueError, lambda: w.start_response("500 Internal Server Error", [], info),
        "start_response('500 …', [], exc_info) after the head went out: expected the app's own "
        "ValueError('too late') re-raised (PEP 3333: the status can no longer change)")
    assert raised is info[1], (
        f"re-raise the app's exception itself (exc_info[1]), got a new {raised!r}")


def test_write_or_finish_before_start_response_is_an_error(exercise):
    w, sent = writer(exercise)
    expect_error(AssertionError, lambda: w.write(b"body"),
                 "write(b'body') before start_response(): expected AssertionError (PEP 3333: "
                 "there is no status to send yet)")
    expect_error(AssertionError, w.finish,
                 "finish() without start_response(): expected AssertionError (the app "
                 "returned without a status; PEP 3333 makes that an error)")
    assert sent == []
