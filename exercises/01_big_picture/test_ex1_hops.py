"""Graded tests for exercise 1.1: the protocol at each hop, and ASGI event directions."""

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


@pytest.mark.parametrize("sender, receiver", [("browser", "nginx"), ("nginx", "gunicorn"),
                                              ("nginx", "uvicorn")])
def test_between_processes_it_is_http(exercise, sender, receiver):
    got = exercise.protocol(sender, receiver)
    assert got == "HTTP", (
        f"{sender} → {receiver}: expected 'HTTP', got {got!r}. These are separate processes: "
        "only bytes cross between them, and nginx never speaks WSGI or ASGI")


def test_gunicorn_calls_a_wsgi_app(exercise):
    got = exercise.protocol("gunicorn", "flask_app")
    assert got == "WSGI", (
        f"gunicorn → flask_app: expected 'WSGI' (app(environ, start_response)), got {got!r}")


def test_uvicorn_calls_an_asgi_app(exercise):
    got = exercise.protocol("uvicorn", "fastapi_app")
    assert got == "ASGI", (
        f"uvicorn → fastapi_app: expected 'ASGI' (await app(scope, receive, send)), got {got!r}")


@pytest.mark.parametrize("sender, receiver", [("browser", "flask_app"), ("nginx", "flask_app"),
                                              ("nginx", "fastapi_app")])
def test_no_direct_hop_raises_value_error(exercise, sender, receiver):
    expect_error(ValueError, lambda: exercise.protocol(sender, receiver),
                 f"protocol({sender!r}, {receiver!r}): {sender} never hands a request to "
                 f"{receiver} directly, so expected ValueError (an app is a Python callable; "
                 "only its own server calls it)")


@pytest.mark.parametrize("message, expected", [
    ("http.request", "receive"), ("http.disconnect", "receive"),
    ("http.response.start", "send"), ("http.response.body", "send"),
    ("lifespan.startup", "receive"), ("lifespan.startup.complete", "send"),
])
def test_asgi_receive_gets_events_send_emits_them(exercise, message, expected):
    got = exercise.direction(message)
    assert got == expected, (
        f"{message}: expected {expected!r}, got {got!r}. ASGI spec: the app awaits receive() "
        "to get events from the server (request body, disconnect, lifespan) and calls send() "
        "to emit its own (response start/body, lifespan replies)")


def test_unknown_message_type_raises_value_error(exercise):
    expect_error(ValueError, lambda: exercise.direction("http.response.finish"),
                 "direction('http.response.finish'): not an ASGI message type, so expected "
                 "ValueError (the ASGI spec lists every type; guessing hides typos)")
