"""Graded tests of exercise 8.2: the body arrives in several http.request messages."""

import asyncio

import pytest

from course.asgi import call_asgi, http_scope


def test_echoes_a_single_chunk(exercise):
    response = call_asgi(exercise.app, "POST", "/", body_chunks=[b"hello"],
                         headers={"Content-Type": "text/plain"})
    assert response.status == 200, f"expected status 200, got {response.status!r}"
    assert response.body == b"hello", f"expected b'hello' back, got {response.body!r}"
    assert response.header("content-type") == "text/plain", (
        f"the response's content-type should be the request's ('text/plain'), "
        f"got {response.header('content-type')!r}")
    assert response.header("content-length") == "5", (
        f"expected content-length '5', got {response.header('content-length')!r}")


def test_reads_every_more_body_chunk(exercise):
    chunks = [b"one,", b"two,", b"", b"three,", b"four"]
    response = call_asgi(exercise.app, "POST", "/", body_chunks=chunks)
    assert response.body == b"".join(chunks), (
        f"the body came in {len(chunks)} http.request messages (more_body=True until the last); "
        f"expected {b''.join(chunks)!r}, got {response.body!r} -- keep calling receive()")
    assert response.header("content-length") == str(len(b"".join(chunks))), (
        f"content-length should count every chunk, got {response.header('content-length')!r}")


def test_empty_body_and_default_content_type(exercise):
    response = call_asgi(exercise.app, "POST", "/", body_chunks=[b""])
    assert response.status == 200 and response.body == b"", (
        f"an empty request body is echoed as an empty 200 response, got "
        f"{response.status!r} {response.body!r}")
    assert response.header("content-type") == "application/octet-stream", (
        f"with no request content-type answer application/octet-stream, "
        f"got {response.header('content-type')!r}")


def test_large_body_in_many_chunks(exercise):
    chunks = [bytes([n]) * 1000 for n in range(200)]
    response = call_asgi(exercise.app, "POST", "/", body_chunks=chunks)
    assert len(response.body) == 200_000 and response.body == b"".join(chunks), (
        f"expected the 200000 bytes sent in 200 messages, got {len(response.body)} bytes")


def run_with(app, events: list[dict], case: str, rule: str) -> list[dict]:
    """Call ``app`` with a receive() that yields ``events`` (the last one repeats forever).

    Returns what the app sent.  An app that hangs or raises fails naming ``case`` and ``rule``.
    """
    sent: list[dict] = []
    pending = list(events)

    async def receive() -> dict:
        await asyncio.sleep(0)
        return pending.pop(0) if len(pending) > 1 else pending[0]

    async def send(message: dict) -> None:
        sent.append(message)

    scope = http_scope("POST", "/", headers={"content-type": "text/plain"})
    try:
        asyncio.run(asyncio.wait_for(app(scope, receive, send), 2))
    except NotImplementedError:
        raise
    except TimeoutError:
        pytest.fail(f"{case}: the app did not return within 2 s (it sent {sent}) -- a loop "
                    f"that never stops calling receive()? {rule}", pytrace=False)
    except Exception as exc:  # noqa: BLE001 - the learner's app may raise anything
        pytest.fail(f"{case}: the app raised {type(exc).__name__}: {exc} -- {rule}",
                    pytrace=False)
    return sent


def test_disconnect_while_reading_the_body_sends_nothing(exercise):
    events = [{"type": "http.request", "body": b"the first half", "more_body": True},
              {"type": "http.disconnect"}]
    case = "the client disconnected after the first body chunk"
    rule = ("http.disconnect means the client is gone: return without sending "
            "(ASGI spec, HTTP 'Disconnect - receive event')")
    sent = run_with(exercise.app, events, case, rule)
    assert sent == [], (
        f"{case}: expected the app to return without sending anything, it sent "
        f"{[m.get('type') for m in sent]} -- {rule}")


def test_missing_more_body_means_false(exercise):
    events = [{"type": "http.request", "body": b"all of it"}]
    case = "one http.request without a 'more_body' key"
    rule = ("ASGI spec, HTTP 'Request': more_body is optional and missing means False "
            "(the body is complete)")
    sent = run_with(exercise.app, events, case, rule)
    bodies = b"".join(m.get("body", b"") for m in sent if m.get("type") == "http.response.body")
    assert bodies == b"all of it", f"{case}: expected b'all of it' echoed, got {bodies!r} -- {rule}"
