"""Graded tests for exercise 9.4: the lifespan driver."""

import asyncio

import pytest


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 5))


def make_app(log: list, *, fail_startup: bool = False):
    async def app(scope, receive, send):
        assert scope["type"] == "lifespan"
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
                await send({"type": "lifespan.shutdown.complete"})
                return
    return app


def test_startup_then_shutdown(exercise):
    log: list = []

    async def scenario():
        driver = exercise.LifespanDriver(make_app(log))
        await driver.startup()
        after_startup = (list(log), dict(driver.state), driver.supported)
        await driver.shutdown()
        return after_startup
    (seen, state, supported) = run(scenario())
    assert seen == ["lifespan.startup"], (
        f"the app should have received lifespan.startup, got {seen}")
    assert state == {"db": "connected"}, (
        f"the app's startup fills scope['state']; driver.state should be that dict, got {state!r}")
    assert supported is True
    assert log == ["lifespan.startup", "lifespan.shutdown"], (
        f"shutdown() should deliver lifespan.shutdown; the app received {log}")


def test_startup_failed_raises_with_the_message(exercise):
    async def scenario():
        driver = exercise.LifespanDriver(make_app([], fail_startup=True))
        await driver.startup()
    try:
        run(scenario())
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        assert "no database" in str(exc), f"the error should carry the app's message, got {exc}"
        return
    pytest.fail("lifespan.startup.failed: startup() should raise RuntimeError "
                "(the server must not serve)")


@pytest.mark.parametrize("kind", ["raises", "returns"])
def test_an_app_without_lifespan_is_tolerated(exercise, kind):
    async def plain_http_app(scope, receive, send):
        if scope["type"] != "http":
            if kind == "raises":
                raise ValueError(f"unsupported scope {scope['type']}")
            return

    async def scenario():
        driver = exercise.LifespanDriver(plain_http_app)
        await driver.startup()
        await driver.shutdown()
        return driver.supported
    supported = run(scenario())
    assert supported is False, (
        f"an app that {kind} on the lifespan scope does not support lifespan: startup() should "
        "return quietly and set supported = False")
