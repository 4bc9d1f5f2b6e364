"""Graded tests of exercise 8.5: lifespan startup/shutdown, state, startup.failed."""

import textwrap

import pytest
import requests

from course import servers
from course.asgi import call_asgi, call_lifespan

BROKEN_STARTUP = '''\
"""Load the learner's exercise 8.5 by path and give it a setup() that raises."""
import importlib.util

spec = importlib.util.spec_from_file_location("lifespan_under_test", {path!r})
learner = importlib.util.module_from_spec(spec)
spec.loader.exec_module(learner)


def broken_setup(state):
    raise RuntimeError("database is down")


learner.setup = broken_setup
app = learner.app
'''


def lifespan(app, case: str, **kwargs):
    """``call_lifespan(app, **kwargs)``; an exception from the app names ``case``."""
    try:
        return call_lifespan(app, timeout=2.0, **kwargs)
    except NotImplementedError:
        raise
    except AssertionError as exc:  # call_lifespan says which message never came
        pytest.fail(f"{case}: {exc}", pytrace=False)
    except Exception as exc:  # noqa: BLE001 - the learner's app may raise anything
        pytest.fail(f"{case}: the app raised {type(exc).__name__}: {exc}", pytrace=False)


def ask(app, case: str, **kwargs):
    """``call_asgi(app, "GET", "/", **kwargs)``; an exception from the app names ``case``."""
    try:
        return call_asgi(app, "GET", "/", **kwargs)
    except NotImplementedError:
        raise
    except AssertionError as exc:  # call_asgi names the ASGI rule that was broken
        pytest.fail(f"{case}: {exc}", pytrace=False)
    except Exception as exc:  # noqa: BLE001 - the learner's app may raise anything
        pytest.fail(f"{case}: the app raised {type(exc).__name__}: {exc}", pytrace=False)


def test_startup_complete_fills_state(exercise):
    sent, state = lifespan(exercise.app, "lifespan.startup", shutdown=False)
    kinds = [m["type"] for m in sent]
    assert kinds == ["lifespan.startup.complete"], (
        f"after lifespan.startup expected lifespan.startup.complete, got {kinds}")
    assert state.get("greeting") == "Hello from lifespan!", (
        f"setup(scope['state']) should have put the greeting in the lifespan scope's state "
        f"(the dict the server copies into every request), got {state} -- ASGI lifespan "
        "spec, 'Lifespan State'")


def test_shutdown_complete(exercise):
    sent, _ = lifespan(exercise.app, "lifespan.startup, then lifespan.shutdown")
    kinds = [m["type"] for m in sent]
    assert kinds == ["lifespan.startup.complete", "lifespan.shutdown.complete"], (
        f"expected startup.complete then shutdown.complete, got {kinds}")


def test_startup_failed_with_message(exercise, monkeypatch):
    def broken_setup(state):
        raise RuntimeError("database is down")

    monkeypatch.setattr(exercise, "setup", broken_setup)
    case = "setup() raised RuntimeError('database is down')"
    try:
        sent, _ = call_lifespan(exercise.app, timeout=2.0)
    except NotImplementedError:
        raise
    except AssertionError as exc:
        pytest.fail(f"{case}: {exc}", pytrace=False)
    except Exception as exc:  # noqa: BLE001 - the error escaped the app
        pytest.fail(f"{case} and the app let it escape ({type(exc).__name__}): uvicorn "
                    "(--lifespan auto) then logs only \"ASGI 'lifespan' protocol appears "
                    "unsupported.\" and serves without state -- send lifespan.startup.failed "
                    "(ASGI lifespan spec)", pytrace=False)
    kinds = [m["type"] for m in sent]
    assert kinds == ["lifespan.startup.failed"], (
        f"{case}: expected lifespan.startup.failed and nothing else, got {kinds}")
    assert "database is down" in sent[0].get("message", ""), (
        f"{case}: lifespan.startup.failed should carry str(the error) in 'message' (the "
        f"server logs it before it exits), got {sent[0]!r}")


def test_request_reads_its_copy_of_the_state(exercise):
    _, state = lifespan(exercise.app, "lifespan.startup, then lifespan.shutdown")
    response = ask(exercise.app, "GET / with the lifespan state", state=state)
    assert (response.status, response.body) == (200, b"Hello from lifespan!"), (
        f"a request gets a copy of the lifespan state in scope['state']; expected 200 "
        f"b'Hello from lifespan!', got {response.status} {response.body!r}")
    case = "GET / with no 'state' in the scope (expected 503 b'not started')"
    cold = ask(exercise.app, case)
    assert (cold.status, cold.body) == (503, b"not started"), (
        f"{case}: got {cold.status} {cold.body!r}")
    case = "GET / with an empty state, lifespan did not run (expected 503 b'not started')"
    empty = ask(exercise.app, case, state={})
    assert (empty.status, empty.body) == (503, b"not started"), (
        f"{case}: got {empty.status} {empty.body!r}")


def test_a_failed_startup_stops_uvicorn(exercise, exercise_file, tmp_path):
    lifespan(exercise.app, "lifespan.startup")  # a stub fails here, before the server starts
    wrapper = tmp_path / "broken_startup.py"
    wrapper.write_text(BROKEN_STARTUP.format(path=str(exercise_file)))
    case = "under uvicorn (default --lifespan auto) with a setup() that raises"
    try:
        with servers.uvicorn("broken_startup:app", app_dir=tmp_path) as server:
            response = requests.get(server.url, timeout=5)
            log = server.output()
    except servers.ServerError as exc:  # uvicorn exited before it served: what we want
        assert "database is down" in str(exc), (
            f"{case}: uvicorn stopped, but its log lacks the error's message 'database is "
            f"down' -- put str(the_exception) in lifespan.startup.failed's 'message':\n{exc}")
        return
    unsupported = "appears unsupported" in log
    pytest.fail(f"{case}: uvicorn started and answered {response.status_code} -- "
                + ("it logged \"ASGI 'lifespan' protocol appears unsupported.\": the exception "
                   "escaped the app, which the ASGI lifespan spec reads as 'no lifespan "
                   "support'. " if unsupported else "")
                + "Send lifespan.startup.failed so the server stops.\n"
                + textwrap.indent(log[-800:], "    "), pytrace=False)
