"""Graded tests for exercise 14.4: a blue-green switch under load, readiness, a clean give-up."""

from __future__ import annotations

import signal
import sys
import threading
import time

import pytest

from course import load, servers
from course.nginx import Nginx

SITE = """
upstream app {
    server %s;
    keepalive 8;
}
server {
    listen 127.0.0.1:{{port}};
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
"""

# listens at once but is never ready: /ready answers 503 "starting", forever
NEVER_READY = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Starting(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"starting\\n"
        self.send_response(503)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Starting).serve_forever()
"""


def site_for(address: str) -> str:
    return SITE % address


@pytest.fixture
def blue(start_app):
    return start_app(color="blue")


@pytest.fixture
def web(blue, stack):
    nginx = Nginx(site_for(f"{blue.host}:{blue.port}"), ready_timeout=5)
    stack.enter_context(nginx)
    return nginx


def body_of(web) -> str:
    import urllib.request
    with urllib.request.urlopen(web.url + "/", timeout=5) as response:
        return response.read().decode()


def switch_in_thread(exercise, web, blue, green, timeout: float):
    outcome: dict[str, BaseException | None] = {"error": None}

    def run() -> None:
        try:
            exercise.blue_green_switch(web, site_for, blue, green, timeout=timeout)
        except BaseException as exc:          # reported by the test, not lost in the thread
            outcome["error"] = exc
    thread = threading.Thread(target=run)
    return thread, outcome


def test_green_never_ready_raises_and_blue_keeps_serving(exercise, web, blue, stack):
    port = servers.free_port()
    green = servers.start([sys.executable, "-c", NEVER_READY, str(port)], port=port,
                          name="never-ready")
    stack.callback(green.stop, 3)
    started = time.monotonic()
    try:
        exercise.blue_green_switch(web, site_for, blue, green, timeout=1.5)
    except NotImplementedError:      # a RuntimeError too: the untouched stub
        raise
    except RuntimeError:
        pass
    except Exception as exc:
        pytest.fail(f"a green that answers /ready with 503 should make blue_green_switch "
                    f"raise RuntimeError; it raised {type(exc).__name__}: {exc}", pytrace=False)
    else:
        pytest.fail("green answered /ready with 503 for 1.5 s (timeout=1.5) and "
                    "blue_green_switch returned: it must raise RuntimeError -- a port that "
                    "accepts connections is not an app that is ready", pytrace=False)
    waited = time.monotonic() - started
    assert waited < 10, f"it gave up after {waited:.1f} s; timeout was 1.5 s"
    assert blue.alive, "blue was stopped although green never became ready"
    assert body_of(web) == "hello from blue (asgi)\n", (
        f"nginx answers {body_of(web)!r}: when green is not ready, leave nginx on blue")



def test_green_that_never_listens_raises(exercise, web, blue, start_app, stack):
    green = start_app(color="green", wait=False, startup_seconds=60)   # port never opens
    # in its 60 s startup uvicorn sits through SIGTERM (3 s of grace): kill it at the end
    stack.callback(green.stop, 3, signal.SIGKILL)
    try:
        exercise.blue_green_switch(web, site_for, blue, green, timeout=1.0)
    except NotImplementedError:      # a RuntimeError too: the untouched stub
        raise
    except RuntimeError:
        pass
    except Exception as exc:
        pytest.fail(f"a refused connection means 'not ready yet': blue_green_switch should "
                    f"keep asking and then raise RuntimeError; it raised "
                    f"{type(exc).__name__}: {exc}", pytrace=False)
    else:
        pytest.fail("green never listened within timeout=1.0 and blue_green_switch returned; "
                    "it must raise RuntimeError", pytrace=False)
    assert blue.alive and body_of(web) == "hello from blue (asgi)\n", (
        "when green is not ready, leave nginx on blue and blue running")



def test_blue_is_stopped_gracefully_and_green_keeps_running(exercise, web, blue, start_app):
    green = start_app(color="green", wait=False, startup_seconds=0.2)
    exercise.blue_green_switch(web, site_for, blue, green, timeout=20)
    assert green.alive, "green must keep running: it is now the app in service"
    blue.proc.wait(timeout=10)
    assert "Application shutdown complete" in blue.output(), (
        f"blue exited (status {blue.proc.returncode}) without its graceful shutdown: stop it "
        "with blue.stop() (SIGTERM: uvicorn finishes its requests and runs the lifespan "
        "shutdown) -- status -9 means SIGKILL, which lets nothing finish")



def test_switch_under_load_loses_no_request(exercise, web, blue, start_app):
    green = start_app(color="green", wait=False, startup_seconds=1.5)   # still starting
    thread, outcome = switch_in_thread(exercise, web, blue, green, timeout=20)
    timer = threading.Timer(0.3, thread.start)
    timer.start()
    # a new connection per request: a reloading nginx closes its idle kept-alive client
    # connections, and a request racing that close is the client's to retry, not the deploy's
    result = load.run(web.url + "/", concurrency=4, duration=3.5, timeout=5, keep_alive=False)
    timer.join()
    thread.join(30)
    if outcome["error"] is not None:
        raise outcome["error"]
    statuses = {code: n for code, n in result.statuses.items() if code != 200}
    assert result.failed == 0, (
        f"{result.failed} of {result.requests + result.errors} requests failed during the "
        f"switch (statuses {statuses}, errors {result.error_samples[:2]}): green took 1.5 s "
        "to become ready -- wait for 200 on /ready before reloading nginx, and stop blue only "
        "after reload() has returned")
    assert body_of(web) == "hello from green (asgi)\n", (
        f"after the switch nginx still answers {body_of(web)!r}: reload it with "
        "site_for(green's host:port)")
