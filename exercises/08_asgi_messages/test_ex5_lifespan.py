"""Graded tests of exercise 8.5: lifespan startup/shutdown, state, startup.failed."""

from course.asgi import call_asgi, call_lifespan


def test_startup_complete_fills_state(exercise):
    sent, state = call_lifespan(exercise.app, shutdown=False)
    kinds = [m["type"] for m in sent]
    assert kinds == ["lifespan.startup.complete"], (
        f"after lifespan.startup expected lifespan.startup.complete, got {kinds}")
    assert state.get("greeting") == "Hello from lifespan!", (
        f"setup(scope['state']) should have put the greeting in the state, got {state}")


def test_shutdown_complete(exercise):
    sent, _ = call_lifespan(exercise.app)
    kinds = [m["type"] for m in sent]
    assert kinds == ["lifespan.startup.complete", "lifespan.shutdown.complete"], (
        f"expected startup.complete then shutdown.complete, got {kinds}")


def test_startup_failed_with_message(exercise, monkeypatch):
    def broken_setup(state):
        raise RuntimeError("database is down")

    monkeypatch.setattr(exercise, "setup", broken_setup)
    sent, _ = call_lifespan(exercise.app)
    kinds = [m["type"] for m in sent]
    assert kinds == ["lifespan.startup.failed"], (
        f"when setup raises, send lifespan.startup.failed (and nothing else), got {kinds}")
    assert "database is down" in sent[0].get("message", ""), (
        f"lifespan.startup.failed should carry the error in 'message', got {sent[0]!r}")


def test_request_reads_its_copy_of_the_state(exercise):
    _, state = call_lifespan(exercise.app)
    response = call_asgi(exercise.app, "GET", "/", state=state)
    assert (response.status, response.body) == (200, b"Hello from lifespan!"), (
        f"a request gets a copy of the lifespan state in scope['state']; expected 200 "
        f"b'Hello from lifespan!', got {response.status} {response.body!r}")
    cold = call_asgi(exercise.app, "GET", "/")
    assert (cold.status, cold.body) == (503, b"not started"), (
        f"without state in the scope expected 503 b'not started', got {cold.status} {cold.body!r}")
