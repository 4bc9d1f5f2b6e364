"""Bring the live-polls app up from its stage files: nginx, the pages app, the live service.

    import sys; sys.path.insert(0, "code/15_capstone_workshop")
    from stack import PollsStack
    with PollsStack() as stack:                       # the reference build (solutions/)
        poll = stack.create_poll("Tabs or spaces?", ["Tabs", "Spaces"])
        stack.vote(poll["id"], poll["choices"][0]["id"])

``PollsStack(root="exercises")`` runs *your* stages instead, and ``stages={4: path}`` swaps
one file (the graded tests run a stage this way).  What starts, in this order:

1. a temporary SQLite database, migrated by stage 2's ``migrate()`` (deploying migrates;
   the app never does it on its own: two workers would race to do it);
2. the live service, stage 4's ``app``, under uvicorn: ONE process, because its hub (who
   listens to which poll) lives in that process's memory;
3. the pages app, stage 3's ``create_app()`` with stage 2's store and stage 5's notifier,
   under gunicorn's gthread workers (``wsgi_entry.py``);
4. nginx with stage 1's config: the public port, and an internal listener that the pages
   app posts each vote's poll to (``/live/publish``), so it never needs the live
   service's own port -- which changes on every deploy.

Everything runs on 127.0.0.1 and free ports, and is stopped by pid on ``with`` exit.  This
is a module the chapter's script, notebook and graded tests import, not a script.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

import psutil

from course import servers
from course.modules import load_path
from course.nginx import Nginx
from course.settings import ROOT

HERE = Path(__file__).resolve().parent
STATIC_ROOT = HERE / "static"
MIGRATIONS_DIR = HERE / "migrations"
CHAPTER = "15_capstone_workshop"

STAGE_FILES = {
    1: "ex1_routes.conf",
    2: "ex2_store.py",
    3: "ex3_pages.py",
    4: "ex4_live.py",
    5: "ex5_notify.py",
}


def stage_files(root: str = "solutions") -> dict[int, Path]:
    """The stage files of one build: ``root`` is "solutions" or "exercises"."""
    return {number: ROOT / root / CHAPTER / name for number, name in STAGE_FILES.items()}


def address(server: servers.Server) -> str:
    """host:port, the way an nginx upstream names a server."""
    return f"{server.host}:{server.port}"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Ask ``condition()`` every 50 ms until it is true; TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        time.sleep(0.05)


def answers_200(url: str) -> bool:
    """True when GET ``url`` answers 200; a refused connection or any other status: False."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def _listening(process: psutil.Process) -> bool:
    """True while ``process`` holds a listening TCP socket (an nginx worker that accepts)."""
    try:
        return any(conn.status == psutil.CONN_LISTEN
                   for conn in process.net_connections(kind="tcp"))
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False


class PollsStack:
    """nginx + gunicorn (pages, WSGI) + uvicorn (live, ASGI) over one SQLite database."""

    def __init__(self, stages: Mapping[int, Path] | None = None, *, root: str = "solutions",
                 pages_workers: int = 2, pages_threads: int = 8,
                 migrations_dir: Path = MIGRATIONS_DIR, port: int | None = None) -> None:
        self.stages = {**stage_files(root), **{n: Path(p) for n, p in (stages or {}).items()}}
        self.pages_workers = pages_workers
        self.pages_threads = pages_threads
        self.migrations_dir = Path(migrations_dir)
        self.workdir = Path(tempfile.mkdtemp(prefix="course-polls-"))
        self.db_path = self.workdir / "polls.db"
        self.port = port                      # nginx's public port (None: a free one)
        self.internal_port = servers.free_port()
        self.live: servers.Server | None = None
        self.pages: servers.Server | None = None
        self.nginx: Nginx | None = None

    # -- bring up, take down ------------------------------------------------------
    def start(self) -> PollsStack:
        try:
            self.migrate()
            self.live = self.start_live()
            wait_until(lambda: answers_200(self.live_url(self.live) + "/live/healthz"),
                       "the live service answering /live/healthz")
            self.pages = self.start_pages()
            self.nginx = Nginx(self.stages[1].read_text(), port=self.port,
                               **self._nginx_values()).start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """nginx first (no new requests), then the app servers; then the files."""
        if self.nginx is not None:
            self.nginx.stop()
        for server in (self.pages, self.live):
            if server is not None:
                server.stop(grace=5)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> PollsStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the parts ----------------------------------------------------------------
    def store(self):
        """Stage 2's module."""
        return load_path(self.stages[2], f"polls_store_{abs(hash(self.stages[2]))}")

    def migrate(self) -> int:
        """Bring the database to the newest migration in ``migrations_dir``; its version."""
        store = self.store()
        connection = store.connect(self.db_path)
        try:
            return store.migrate(connection, self.migrations_dir)
        finally:
            connection.close()

    def schema_version(self) -> int:
        connection = self.store().connect(self.db_path)
        try:
            return connection.execute("PRAGMA user_version").fetchone()[0]
        finally:
            connection.close()

    def start_live(self) -> servers.Server:
        """A new live service (stage 4) on a free port.  It returns at once: not yet ready.

        uvicorn starts listening only after the app has been imported and its lifespan has
        started, but "accepts connections" is still not "ready": ask ``/live/healthz``.
        """
        live_file = self.stages[4]
        argv = [sys.executable, "-m", "uvicorn", f"{live_file.stem}:app",
                "--app-dir", str(live_file.parent), "--host", "{host}", "--port", "{port}",
                "--no-access-log", "--timeout-graceful-shutdown", "3"]
        return servers.start(argv, name="uvicorn-live", wait=False)

    @staticmethod
    def live_url(server: servers.Server) -> str:
        return f"http://{address(server)}"

    def start_pages(self) -> servers.Server:
        """gunicorn with gthread workers serving stage 3, ready when every worker booted."""
        argv = [sys.executable, "-m", "gunicorn", "wsgi_entry:app", "--chdir", str(HERE),
                "--bind", "{host}:{port}", "--worker-class", "gthread",
                "--workers", str(self.pages_workers), "--threads", str(self.pages_threads),
                "--graceful-timeout", "10"]
        env = {
            "POLLS_STORE_FILE": str(self.stages[2]),
            "POLLS_PAGES_FILE": str(self.stages[3]),
            "POLLS_NOTIFY_FILE": str(self.stages[5]),
            "POLLS_PUBLISH_URL": self.publish_url,
            "POLLS_DB": str(self.db_path),
        }
        server = servers.start(argv, name="gunicorn-pages", env=env)
        wait_until(lambda: len(self.pages_worker_pids(server)) == self.pages_workers
                   and answers_200(f"http://{address(server)}/healthz"),
                   "gunicorn's workers answering /healthz")
        return server

    def _nginx_values(self, live: servers.Server | None = None) -> dict[str, object]:
        live = live or self.live
        assert live is not None and self.pages is not None
        return {"pages": address(self.pages), "live": address(live),
                "internal_port": self.internal_port, "static_root": STATIC_ROOT}

    # -- what a deploy does -----------------------------------------------------------
    def route_live_to(self, server: servers.Server) -> None:
        """Point nginx's /live/ (and the internal publish listener) at ``server``.

        Returns once nginx's new workers run and its old ones have stopped accepting
        connections: from then on every new request goes to ``server`` (nginx's master
        starts the new workers and tells the old ones to quit about 100 ms later; until
        they do, they still accept -- and proxy to the old live service).  The old workers
        keep the WebSockets they hold open until those close: stopping the old live
        service closes them (code 1012, "service restart"), and the page's live.js
        reconnects -- to the new one.
        """
        assert self.nginx is not None and self.nginx.server is not None
        old_workers = psutil.Process(self.nginx.server.pid).children()
        self.nginx.reload(drain=False, **self._nginx_values(server))
        wait_until(lambda: not any(_listening(worker) for worker in old_workers),
                   "nginx's old workers closing their listening sockets", timeout=10)

    def pages_worker_pids(self, server: servers.Server | None = None) -> set[int]:
        """The pids of gunicorn's workers (the master's children)."""
        server = server or self.pages
        assert server is not None
        try:
            return {child.pid for child in psutil.Process(server.pid).children()}
        except psutil.NoSuchProcess:
            return set()

    # -- talking to it ------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self.nginx is not None
        return self.nginx.url

    @property
    def publish_url(self) -> str:
        return f"http://127.0.0.1:{self.internal_port}/live/publish"

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1)

    def api(self, method: str, path: str, body: object | None = None) -> dict:
        """Call the JSON API through nginx; the decoded answer (HTTPError on 4xx/5xx)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def create_poll(self, question: str, choices: list[str]) -> dict:
        return self.api("POST", "/api/polls", {"question": question, "choices": choices})

    def vote(self, poll_id: int, choice_id: int) -> dict:
        return self.api("POST", f"/api/polls/{poll_id}/votes", {"choice_id": choice_id})

    def live_stats(self) -> dict:
        return self.api("GET", "/live/stats")
