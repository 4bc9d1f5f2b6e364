"""Graded tests for exercise 15.6: deploy a new version of the running app, dropping nothing.

Each test runs the whole app -- nginx, your pages app under gunicorn, your live service
under uvicorn (``code/15_capstone_workshop/stack.py``) -- on a database at schema version 2,
then adds a migration 0003 to its migrations folder and calls your ``deploy(stack)``.

1. Without load, a quick look at the result: version 3, a new live process that nginx
   routes to, the old one gone, gunicorn's master the same with all-new workers.
2. The real test: the same deploy while threads keep fetching pages, voting through the
   API and asking ``/live/stats``, and WebSocket clients stay subscribed (reconnecting when
   their connection closes, as ``live.js`` does).  Not one request may fail, every vote
   answered 201 must be counted, and each WebSocket client must get a vote cast after.
3. A new live service that never gets healthy: ``deploy`` gives up after ``timeout``
   seconds with a RuntimeError, and the old one keeps serving.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from course import servers
from course.settings import ROOT

MIGRATIONS = ROOT / "code" / "15_capstone_workshop" / "migrations"
MIGRATION_3 = ("0003_choice_by_poll.sql",
               "-- The poll page reads a poll's choices: index them by poll.\n"
               "CREATE INDEX choice_by_poll ON choice (poll_id, position);\n")
WS_CLIENTS = 3


# -- helpers --------------------------------------------------------------------------------
def wait_for(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout:g} s"
        time.sleep(0.05)


def send(port: int, method: str, path: str, body: object | None = None) -> tuple[int, bytes]:
    """One request on a fresh connection (as urllib does); (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def get_json(url: str) -> dict:
    host_port, _, path = url.removeprefix("http://").partition("/")
    status, body = send(int(host_port.rsplit(":", 1)[1]), "GET", "/" + path)
    assert status == 200, f"GET {url} answered {status}"
    return json.loads(body)


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    """A migrations folder holding 0001 and 0002 (the stack starts at version 2)."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    for path in sorted(MIGRATIONS.glob("*.sql")):
        shutil.copy(path, folder / path.name)
    return folder


def start_at_version_2(start_stack, migrations: Path):
    stack = start_stack(migrations_dir=migrations)
    assert stack.schema_version() == 2, "the stack should start at schema version 2"
    name, sql = MIGRATION_3
    (migrations / name).write_text(sql)          # the new release brings a migration
    return stack


def nginx_routes_live_to(stack, server) -> str | None:
    """Open a WebSocket through nginx; None if ``server``'s /live/stats counts it, else why not."""
    async def check() -> str | None:
        try:
            async with connect(stack.ws_url + "/live/ws/1", open_timeout=5):
                deadline = time.monotonic() + 5
                while True:
                    stats = get_json(stack.live_url(server) + "/live/stats")
                    if stats["clients"] >= 1:
                        return None
                    if time.monotonic() > deadline:
                        return (f"a WebSocket opened through nginx did not reach the live "
                                f"process pid {server.pid} (its /live/stats: {stats})")
                    await asyncio.sleep(0.05)
        except (OSError, TimeoutError, WebSocketException) as exc:   # 502: InvalidStatus
            return f"a WebSocket through nginx to /live/ws/1 failed: {type(exc).__name__}: {exc}"

    return asyncio.run(check())


def total_votes(poll: dict) -> int:
    return sum(choice["votes"] for choice in poll["choices"])


# -- 1. one deploy, nothing else going on -----------------------------------------------------
def test_deploy_migrates_and_replaces_every_process(exercise, start_stack, migrations):
    stack = start_at_version_2(start_stack, migrations)
    blue, master = stack.live, stack.pages
    old_workers = stack.pages_worker_pids()

    result = exercise.deploy(stack)

    assert result is None, f"deploy(stack) should return None, got {result!r}"
    version = stack.schema_version()
    assert version == 3, (f"after deploy the schema is at version {version}, not 3: deploying "
                          "starts with stack.migrate() (the new code may need the new schema)")
    green = stack.live
    assert green is not None and green.pid != blue.pid, (
        "stack.live is still the old live process: start a new one (stack.start_live()), "
        "and set stack.live to it once nginx routes to it (blue-green)")
    assert green.alive, f"stack.live (pid {green.pid}) is not running after the deploy"
    assert not blue.alive, (
        f"the old live process (pid {blue.pid}) still runs after the deploy: stop it "
        "(blue.stop() sends SIGTERM) once nginx routes to the new one")
    assert master.alive and stack.pages is master, (
        "gunicorn's master was replaced or stopped: send it SIGHUP "
        "(stack.pages.send_signal(signal.SIGHUP)), it replaces its workers itself and its "
        "listening socket never closes")
    workers = stack.pages_worker_pids()
    assert workers and not workers & old_workers, (
        f"gunicorn's worker pids after the deploy: {sorted(workers)}, before: "
        f"{sorted(old_workers)}; deploy must return only once every old worker is gone "
        "(they run the old code)")
    assert len(workers) == stack.pages_workers, (
        f"deploy returned with {len(workers)} gunicorn workers running, not "
        f"{stack.pages_workers}: wait until all the new ones run")

    problem = nginx_routes_live_to(stack, green)
    assert problem is None, (
        f"after the deploy, {problem}: route nginx to the new live process with "
        "stack.route_live_to(new) once it answers /live/healthz")
    status, _ = send(stack.nginx.port, "GET", "/healthz")
    assert status == 200, f"GET /healthz through nginx answered {status} after the deploy"


# -- 2. the deploy under load -----------------------------------------------------------------
class Load:
    """Clients of the running app that write down every failure and every accepted vote."""

    def __init__(self, stack, poll: dict) -> None:
        self.stack = stack
        self.poll = poll
        self.port = stack.nginx.port
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.done: Counter[str] = Counter()       # requests answered, per client
        self.failures: list[tuple[float, str]] = []
        self.votes_accepted = 0
        self.deploy_started = self.deploy_ended = time.monotonic()   # set by the test
        self.ws_seen: dict[int, int] = {}         # WebSocket client -> highest total it saw
        self.ws_closes: list[tuple[float, int | None]] = []

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append((time.monotonic(), what))

    # the HTTP clients: one thread each, one fresh connection per request
    def http_client(self, name: str, requests: list[tuple[str, str, object, int]],
                    limit: int = 5000) -> None:
        while not self.stopping.is_set() and self.done[name] < limit:
            for method, path, body, expected in requests:
                try:
                    status, _ = send(self.port, method, path, body)
                except (OSError, http.client.HTTPException) as exc:
                    self.fail(f"{method} {path}: {type(exc).__name__}: {exc}")
                    continue
                if status != expected:
                    self.fail(f"{method} {path}: {status} (expected {expected})")
                elif method == "POST":
                    with self.lock:
                        self.votes_accepted += 1
                with self.lock:
                    self.done[name] += 1

    # the WebSocket clients: reconnect when the connection closes, like live.js
    async def ws_client(self, number: int) -> None:
        url = f"{self.stack.ws_url}/live/ws/{self.poll['id']}"
        self.ws_seen[number] = -1
        while not self.stopping.is_set():
            try:
                async with connect(url, open_timeout=5) as ws:
                    async for message in ws:
                        total = total_votes(json.loads(message))
                        self.ws_seen[number] = max(self.ws_seen[number], total)
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                self.ws_closes.append((time.monotonic(), code))
                if code not in (1001, 1012):   # going away, service restart: clean closes
                    how = (f"code {code}" if code
                           else "1006: no close frame, the TCP connection was cut")
                    self.fail(f"WebSocket {number} closed abnormally ({how})")
            except (OSError, TimeoutError, WebSocketException) as exc:   # 502: InvalidStatus
                self.fail(f"WebSocket {number} connect: {type(exc).__name__}: {exc}")
            if not self.stopping.is_set():
                await asyncio.sleep(0.1)       # live.js waits 250 ms before reconnecting

    def report(self) -> str:
        lines = [f"  {when - self.deploy_started:+.2f} s  {what}"
                 for when, what in self.failures[:12]]
        more = len(self.failures) - 12
        return "\n".join(lines + ([f"  … and {more} more"] if more > 0 else []))


def test_a_deploy_under_load_fails_no_request(exercise, start_stack, migrations):
    stack = start_at_version_2(start_stack, migrations)
    poll = stack.create_poll("Deploy on a Friday?", ["never", "with blue-green"])
    poll_id, choice_id = poll["id"], poll["choices"][1]["id"]
    load = Load(stack, poll)
    clients = {
        "pages": [("GET", "/", None, 200), ("GET", f"/polls/{poll_id}", None, 200)],
        "api": [("GET", f"/api/polls/{poll_id}", None, 200)],
        "voter": [("POST", f"/api/polls/{poll_id}/votes", {"choice_id": choice_id}, 201)],
        "stats": [("GET", "/live/stats", None, 200)],
    }
    threads = [threading.Thread(target=load.http_client, args=(name, requests), daemon=True)
               for name, requests in clients.items()]

    def live_clients(server) -> int:
        stats = get_json(stack.live_url(server) + "/live/stats")
        return stats["polls"].get(str(poll_id), 0)

    async def scenario() -> None:
        ws_tasks = [asyncio.create_task(load.ws_client(n)) for n in range(WS_CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            blue, deadline = stack.live, time.monotonic() + 15
            while live_clients(blue) < WS_CLIENTS or min(load.done[n] for n in clients) < 3:
                assert time.monotonic() < deadline, (
                    f"before the deploy, the load never got going (requests answered: "
                    f"{dict(load.done)}, failures:\n{load.report()})")
                await asyncio.sleep(0.05)
            load.deploy_started = time.monotonic()
            await asyncio.to_thread(exercise.deploy, stack)
            load.deploy_ended = time.monotonic()
            after = dict(load.done)
            deadline = time.monotonic() + 10
            while (min(load.done[n] - after[n] for n in clients) < 3
                   or live_clients(stack.live) < WS_CLIENTS):
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            load.stopping.set()
            for thread in threads:
                await asyncio.to_thread(thread.join, 15)
            final = await asyncio.to_thread(stack.vote, poll_id, choice_id)
            with load.lock:
                load.votes_accepted += 1
            deadline = time.monotonic() + 3
            while (min(load.ws_seen.values()) < total_votes(final)
                   and time.monotonic() < deadline):
                await asyncio.sleep(0.05)
        finally:
            load.stopping.set()
            for task in ws_tasks:
                task.cancel()
            await asyncio.gather(*ws_tasks, return_exceptions=True)

    asyncio.run(scenario())
    took = load.deploy_ended - load.deploy_started
    assert not load.failures, (
        f"{len(load.failures)} failed requests during a deploy that took {took:.2f} s "
        f"(times relative to its start):\n{load.report()}\n"
        "zero-downtime order: start the new live service, wait for /live/healthz, route nginx "
        "to it, then stop the old one; SIGHUP (not restart) gunicorn")
    counted = total_votes(stack.api("GET", f"/api/polls/{poll_id}"))
    assert counted == load.votes_accepted, (
        f"{load.votes_accepted} votes were answered 201 but the poll counts {counted}: "
        "an accepted vote must never be lost")
    missed = [n for n, seen in load.ws_seen.items() if seen < counted]
    assert not missed, (
        f"WebSocket clients {missed} (reconnecting as live.js does) never got the vote cast "
        f"after the deploy (total {counted}; they saw {load.ws_seen}): the new live service "
        "must get the publish calls -- route_live_to() switches nginx's internal listener too")
    print(f"deploy under load: {took:.2f} s, requests {dict(load.done)}, "
          f"WebSocket closes {load.ws_closes}")


# -- 3. a new version that never gets ready -----------------------------------------------------
UNHEALTHY_LIVE = """\
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Unhealthy(BaseHTTPRequestHandler):      # listens, but every answer is 503
    def do_GET(self):
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Unhealthy).serve_forever()
"""


def test_a_new_live_service_that_never_gets_healthy_is_never_routed(exercise, start_stack,
                                                                      monkeypatch):
    stack = start_stack()
    blue = stack.live
    started: list[servers.Server] = []

    def start_unhealthy_live() -> servers.Server:
        server = servers.start([sys.executable, "-c", UNHEALTHY_LIVE, "{port}"],
                               name="unhealthy-live", wait=False)
        started.append(server)
        return server

    monkeypatch.setattr(stack, "start_live", start_unhealthy_live)
    timeout = 1.0
    began = time.monotonic()
    try:
        exercise.deploy(stack, timeout=timeout)
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        error = exc
    else:
        pytest.fail("deploy returned although the new live service answered 503 on "
                    "/live/healthz the whole time: raise RuntimeError when it is not ready "
                    "within `timeout` seconds", pytrace=False)
    finally:
        took = time.monotonic() - began
        left_running = [server.pid for server in started if server.alive]
        for server in started:
            server.stop(grace=2)
    assert started, "deploy never called stack.start_live() for the new live service"
    assert "healthz" in str(error), (
        f"the RuntimeError should say what was waited for (/live/healthz answering 200); "
        f"it says: {error}")
    assert took < timeout + 4, (
        f"deploy(stack, timeout={timeout:g}) took {took:.1f} s to give up: wait at most "
        "`timeout` seconds for the new live service")
    assert not left_running, (
        f"the new live service that never got healthy (pid {left_running}) was left "
        "running: stop it (new.stop()) before raising")
    assert stack.live is blue and blue.alive, (
        "after a failed deploy the old live service must still run and stay stack.live: "
        "stop the old one only after nginx routes to a new one that is ready")
    problem = nginx_routes_live_to(stack, blue)
    assert problem is None, (
        f"after a failed deploy, {problem}: nginx must still route /live/ to the old live "
        "service -- route to the new one only once it answers /live/healthz")
