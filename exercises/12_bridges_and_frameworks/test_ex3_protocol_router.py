"""Graded tests of exercise 12.3: a protocol router (http, websocket, lifespan to both)."""

from __future__ import annotations

import asyncio

from course.asgi import call_asgi


def lifespan_app(name: str, events: list, *, fail: str | None = None, delay: float = 0.0):
    """An app that speaks lifespan (and answers http with its name)."""

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await asyncio.sleep(delay)
                    if fail:
                        await send({"type": "lifespan.startup.failed", "message": fail})
                        return
                    scope["state"][name] = "ready"
                    events.append(f"{name} started")
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    events.append(f"{name} stopped")
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        elif scope["type"] == "http":
            events.append(f"{name} http")
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": name.encode()})
        else:
            events.append(f"{name} {scope['type']}")
            await receive()
            await send({"type": "websocket.close", "code": 1000})
    return app


async def _lifespan(router, events: list, state: dict) -> list:
    """Play the server: startup, then shutdown if startup completed.  Log what came back."""
    inbox: asyncio.Queue = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
             "state": state}

    async def send(message):
        events.append(f"server got {message['type']}")
        if message["type"] == "lifespan.startup.complete":
            await inbox.put({"type": "lifespan.shutdown"})

    await asyncio.wait_for(router(scope, inbox.get, send), timeout=5)
    return events


def run_lifespan(router, events: list) -> tuple[list, dict]:
    """Run startup and shutdown; the apps and the server log into the same ``events``."""
    state: dict = {}
    asyncio.run(_lifespan(router, events, state))
    return events, state


def test_http_goes_to_the_http_app_only(exercise):
    events: list = []
    router = exercise.ProtocolRouter(lifespan_app("web", events), lifespan_app("ws", events))
    response = call_asgi(router, "GET", "/")
    assert response.body == b"web" and events == ["web http"], (
        f"an http request must reach http_app only; body {response.body!r}, calls {events}")


def test_websocket_goes_to_the_websocket_app_only(exercise):
    events: list = []
    router = exercise.ProtocolRouter(lifespan_app("web", events), lifespan_app("ws", events))
    sent = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "websocket", "path": "/ws", "headers": [], "query_string": b""}
    asyncio.run(asyncio.wait_for(router(scope, receive, send), timeout=5))
    assert events == ["ws websocket"], (
        f"a websocket scope must reach websocket_app only; the apps saw {events}")


def test_startup_reaches_both_apps_and_they_share_state(exercise):
    events: list = []
    router = exercise.ProtocolRouter(lifespan_app("web", events), lifespan_app("ws", events))
    events, state = run_lifespan(router, events)
    assert "web started" in events and "ws started" in events, (
        f"lifespan.startup must reach both apps; what happened: {events}")
    assert state == {"web": "ready", "ws": "ready"}, (
        "both apps must get the server's lifespan scope (the same state dict) so what they "
        f"store reaches requests; the server's state is {state}")


def test_complete_only_after_every_app_completed(exercise):
    events: list = []
    router = exercise.ProtocolRouter(lifespan_app("web", events),
                                     lifespan_app("ws", events, delay=0.2))
    events, _ = run_lifespan(router, events)
    assert "ws started" in events and "server got lifespan.startup.complete" in events, (
        f"expected both startups and a complete; got {events}")
    assert events.index("ws started") < events.index("server got lifespan.startup.complete"), (
        "the websocket app took 0.2 s to start, but the server heard startup.complete before "
        f"it finished: {events} -- wait for every app's answer first")


def test_a_failed_startup_is_reported_with_its_message(exercise):
    events: list = []
    router = exercise.ProtocolRouter(lifespan_app("web", events),
                                     lifespan_app("ws", events, fail="no broker"))
    events, _ = run_lifespan(router, events)
    got = [e for e in events if e.startswith("server got")]
    assert got == ["server got lifespan.startup.failed"], (
        f"one app failed to start: the server must get lifespan.startup.failed (only), got {got}")

    sent = []

    async def drive():
        inbox: asyncio.Queue = asyncio.Queue()
        await inbox.put({"type": "lifespan.startup"})

        async def send(message):
            sent.append(message)

        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        await asyncio.wait_for(router(scope, inbox.get, send), timeout=5)

    asyncio.run(drive())
    assert sent and sent[-1].get("message") == "no broker", (
        f"pass the failing app's message on: expected 'no broker', got {sent}")


def test_an_app_without_lifespan_is_skipped(exercise):
    events: list = []

    async def raises_on_lifespan(scope, receive, send):
        if scope["type"] != "http":
            raise ValueError("WSGI wrapper received a non-HTTP scope")

    async def returns_at_once(scope, receive, send):
        return None

    for silent in (raises_on_lifespan, returns_at_once):
        events.clear()
        router = exercise.ProtocolRouter(silent, lifespan_app("ws", events))
        try:
            got, state = run_lifespan(router, events)
        except TimeoutError:
            raise AssertionError(
                f"http_app {silent.__name__} does not speak lifespan and has already ended; "
                "the router was still waiting for its answer after 5 s -- wait for the answer "
                "*or* the app's task to finish (asyncio.wait, FIRST_COMPLETED)") from None
        except Exception as exc:  # the learner's router crashed: say how
            raise AssertionError(
                f"http_app {silent.__name__} does not speak lifespan; skip it instead of "
                f"failing: the router raised {type(exc).__name__}: {exc}") from None
        assert "ws started" in got and "server got lifespan.startup.complete" in got, (
            f"http_app {silent.__name__} does not speak lifespan; the other app must still "
            f"start and the server get startup.complete; got {got}")
        assert "ws stopped" in got and got[-1] == "server got lifespan.shutdown.complete", (
            f"and shutdown must still reach the other app, then complete; got {got}")


def test_shutdown_reaches_both_before_complete(exercise):
    events: list = []
    router = exercise.ProtocolRouter(lifespan_app("web", events), lifespan_app("ws", events))
    events, _ = run_lifespan(router, events)
    assert "web stopped" in events and "ws stopped" in events, (
        f"lifespan.shutdown must reach both apps; what happened: {events}")
    assert events[-1] == "server got lifespan.shutdown.complete", (
        f"send lifespan.shutdown.complete last, after both apps stopped; got {events}")
