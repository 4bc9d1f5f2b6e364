"""Graded tests of exercise 8.3: one http.response.body per line, more_body until the last."""

import pytest

from course.asgi import call_asgi


def countdown(app, query: str, case: str):
    """The app's answer to ``GET /?<query>``; an exception from the app names ``case``."""
    try:
        return call_asgi(app, "GET", "/", query)
    except NotImplementedError:
        raise
    except AssertionError as exc:  # call_asgi names the ASGI rule that was broken
        pytest.fail(f"{case}: {exc}", pytrace=False)
    except Exception as exc:  # noqa: BLE001 - the learner's app may raise anything
        pytest.fail(f"{case}: the app raised {type(exc).__name__}: {exc}", pytrace=False)


def test_countdown_from_5_streams_one_message_per_line(exercise):
    response = countdown(exercise.app, "from=5", "GET /?from=5")
    expected = [b"5\n", b"4\n", b"3\n", b"2\n", b"1\n", b"liftoff!\n"]
    from_3 = response.chunks[:1] == [b"3\n"]
    hint = " -- scope['query_string'] is bytes: decode it before parse_qs" if from_3 else ""
    assert response.chunks == expected, (
        f"GET /?from=5: expected one body message per line {expected}, "
        f"got {response.chunks}{hint}")


def test_more_body_flags(exercise):
    response = countdown(exercise.app, "from=2", "GET /?from=2")
    flags = [m.get("more_body", False) for m in response.messages
             if m["type"] == "http.response.body"]
    assert flags == [True, True, False], (
        f"GET /?from=2: every body message but the last needs more_body=True, the last "
        f"False; got {flags} (ASGI spec, HTTP 'Response Body')")


def test_default_and_zero(exercise):
    default = countdown(exercise.app, "", "GET / (no ?from=)")
    assert default.body == b"3\n2\n1\nliftoff!\n", (
        f"GET / without ?from=: count down from 3, got {default.body!r}")
    zero = countdown(exercise.app, "from=0", "GET /?from=0")
    assert zero.chunks == [b"liftoff!\n"], (
        f"GET /?from=0: expected only [b'liftoff!\\n'], got {zero.chunks}")


def test_no_content_length_and_text_type(exercise):
    response = countdown(exercise.app, "from=1", "GET /?from=1")
    assert response.status == 200, f"expected status 200, got {response.status!r}"
    assert response.header("content-length") is None, (
        f"a streamed response sends no content-length (the server frames it with "
        f"Transfer-Encoding: chunked), got content-length {response.header('content-length')!r}")
    assert response.header("content-type") == "text/plain; charset=utf-8", (
        f"expected content-type 'text/plain; charset=utf-8', "
        f"got {response.header('content-type')!r}")
