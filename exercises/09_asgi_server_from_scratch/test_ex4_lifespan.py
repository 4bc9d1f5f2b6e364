"""Graded tests for exercise 9.4: the lifespan driver."""

import asyncio

import pytest


def run(coro, case: str):
    """Run ``coro`` (at most 5 s); a hang fails naming ``case``."""
    try:
        return asyncio.run(asyncio.wait_for(coro, 5))
    except TimeoutError:
        pytest.fail(f"{case}: the driver did not return within 5 s -- never wait on the "
                    "app's queue alone: wait for its message OR its task ending "
                    "(asyncio.wait with FIRST_COMPLETED)", pytrace=False)


def make_app(log: list, *, fail_startup: bool = False, fail_shutdown: bool = False,
             scopes: list | None = None):
    async def app(scope, receive, send):
        if scopes is not None:
            scopes.append(scope)
        if scope["type"] != "lifespan":
            raise ValueError(f"this app only does lifespan, got {scope['type']!r}")
        while True:
            message = await receive()
            log.append(message["type"])
            if message["type"] == "lifespan.startup":
                if fail_startup:
                    await send({"type": "lifespan.startup.failed", "message": "no database"})
                    return
                scope["state"]["db"] = "connected"
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if fail_shutdown:
                    await send({"type": "lifespan.shutdown.failed", "message": "pool stuck"})
                    return
                await send({"type": "lifespan.shutdown.complete"})
                await asyncio.sleep(0.05)  # cleanup after the answer: the driver must wait
                log.append("cleaned up")
                return
    return app


def test_startup_then_shutdown(exercise):
    log: list = []
    scopes: list = []

    async def scenario():
        driver = exercise.LifespanDriver(make_app(log, scopes=scopes))
        await driver.startup()
        after_startup = (list(log), dict(driver.state), driver.supported)
        await driver.shutdown()
        return after_startup, driver.state
    (seen, state, supported), driver_state = run(scenario(), "startup() then shutdown()")
    assert seen == ["lifespan.startup"], (
        f"startup(): the app should have received lifespan.startup, got {seen}")
    scope = scopes[0] if scopes else {}
    assert scope.get("type") == "lifespan" and scope.get("asgi", {}).get("version") == "3.0", (
        f"the app should be called with {{'type': 'lifespan', 'asgi': {{'version': '3.0', ...}},"
        f" 'state': ...}} (ASGI lifespan spec, 'Scope'), got {scope!r}")
    assert scope.get("state") is driver_state, (
        "the scope's 'state' must be driver.state itself (the dict the server copies into "
        "every request), not another dict")
    assert state == {"db": "connected"}, (
        f"the app's startup fills scope['state']; driver.state should be that dict, got {state!r}")
    assert supported is True, f"an app that answers lifespan supports it, got {supported!r}"
    assert log[:2] == ["lifespan.startup", "lifespan.shutdown"], (
        f"shutdown() should deliver lifespan.shutdown; the app received {log}")
    assert log[-1:] == ["cleaned up"], (
        f"shutdown() returned before the app finished (its log: {log}) -- after "
        "lifespan.shutdown.complete, await the app's task")


def expect_runtime_error(scenario, case: str, message: str) -> None:
    try:
        run(scenario(), case)
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        assert message in str(exc), (
            f"{case}: the RuntimeError should carry the app's message {message!r}, got {exc}")
        return
    except Exception as exc:  # noqa: BLE001 - the wrong kind of error
        pytest.fail(f"{case}: expected RuntimeError, got {type(exc).__name__}: {exc}",
                    pytrace=False)
    pytest.fail(f"{case}: the driver should raise RuntimeError with the app's message "
                "(ASGI lifespan spec: the server logs it and stops); it returned quietly",
                pytrace=False)


def test_startup_failed_raises_with_the_message(exercise):
    async def scenario():
        driver = exercise.LifespanDriver(make_app([], fail_startup=True))
        await driver.startup()
    expect_runtime_error(scenario, "the app answered lifespan.startup.failed", "no database")


def test_shutdown_failed_raises_with_the_message(exercise):
    async def scenario():
        driver = exercise.LifespanDriver(make_app([], fail_shutdown=True))
        await driver.startup()
        await driver.shutdown()
    expect_runtime_error(scenario, "the app answered lifespan.shutdown.failed", "pool stuck")


@pytest.mark.parametrize("kind", ["raises", "returns"])
def test_an_app_without_lifespan_is_tolerated(exercise, kind):
    async def plain_http_app(scope, receive, send):
        if scope["type"] != "http":
            if kind == "raises":
                raise ValueError(f"unsupported scope {scope['type']}")
            return

    case = f"an app that {kind} on the lifespan scope"

    async def scenario():
        driver = exercise.LifespanDriver(plain_http_app)
        await driver.startup()
        await driver.shutdown()
        return driver.supported
    try:
        supported = run(scenario(), case)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the driver let something escape
        pytest.fail(f"{case}: the driver raised {type(exc).__name__}: {exc} -- such an app "
                    "does not do lifespan, and the server must carry on without it (ASGI "
                    "lifespan spec, 'Scope')", pytrace=False)
    assert supported is False, (
        f"{case}: it does not support lifespan: startup() should return quietly and set "
        f"supported = False, got supported = {supported!r}")
