"""Start real servers on 127.0.0.1 and a free port, and always stop them.

Every server the course runs -- uvicorn, gunicorn, nginx, a chapter script, a learner's
server -- goes through :func:`start`.  It:

* picks a free port on 127.0.0.1 (the OS chooses; we never assume 8000 is free),
* starts the program as a child process in *our* process group (no new session, so a killed
  notebook kernel or test run takes its servers down with it),
* waits until the port accepts TCP connections, and if the program dies or never gets
  there, raises :class:`ServerError` with the program's own output,
* stops it by pid: SIGTERM to the master (gunicorn, nginx and uvicorn stop their own
  workers), SIGKILL after a grace period, then reaps it -- on ``with`` exit, on ``stop()``,
  and from an ``atexit`` safety net.

:func:`serve` is the other way round, for chapter scripts: it runs an ASGI app under uvicorn
*in this process*, in the foreground, and prints ``Listening on http://HOST:PORT`` once
uvicorn accepts connections.

It is not a process supervisor: nothing is restarted.  Output goes to a temporary file, not a
pipe, so a chatty server can never block on a full pipe.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "Server",
    "ServerError",
    "free_port",
    "gunicorn",
    "running",
    "script",
    "serve",
    "start",
    "uvicorn",
    "wait_for_port",
]

HOST = "127.0.0.1"
_running: dict[int, Server] = {}


class ServerError(RuntimeError):
    """A server died or never accepted connections; the message holds its own output."""


def free_port(host: str = HOST) -> int:
    """Ask the OS for a TCP port that is free right now on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, timeout: float = 15.0,
                  proc: subprocess.Popen | None = None) -> None:
    """Block until ``host:port`` accepts a TCP connection.

    Raises ``TimeoutError`` after ``timeout`` seconds, or ``ChildProcessError`` as soon as
    ``proc`` (the server we are waiting for) has exited.
    """
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise ChildProcessError(f"exited with code {proc.returncode}")
        if _accepts(host, port):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"nothing accepted connections on {host}:{port} within {timeout:g} s")
        time.sleep(0.05)


class Server:
    """A running server process.  Use it as a context manager, or call :meth:`stop`."""

    def __init__(self, argv: Sequence[str], *, name: str, host: str, port: int | None,
                 proc: subprocess.Popen, log_path: Path) -> None:
        self.argv = list(argv)
        self.name = name
        self.host = host
        self.port = port
        self.proc = proc
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> str:
        """Everything the server has printed so far (stdout and stderr interleaved)."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_output(self, text: str, *, count: int = 1, timeout: float = 10.0) -> str:
        """Wait until the server has printed ``text`` (``count`` times); return its output.

        A readiness signal, not a guess at timing: use it instead of ``time.sleep`` when a
        server prints something (a log line, ``Listening on``) once an event has happened.
        Raises ``TimeoutError`` with the output so far if it does not come.
        """
        deadline = time.monotonic() + timeout
        while True:
            output = self.output()
            if output.count(text) >= count:
                return output
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} did not print {text!r} ({count}×) within "
                                   f"{timeout:g} s; it printed:\n{_tail(output)}")
            time.sleep(0.01)   # poll interval for the log file, not a wait for the event

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the server's master process (e.g. SIGHUP to reload gunicorn)."""
        if self.alive:
            os.kill(self.pid, signum)

    def stop(self, grace: float = 5.0, signum: int = signal.SIGTERM) -> int | None:
        """Stop by pid: ``signum``, then SIGKILL after ``grace`` s; return the exit code."""
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signum)
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        _running.pop(self.pid, None)
        return self.proc.returncode

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.alive else f"exited {self.proc.returncode}"
        return f"<Server {self.name} pid={self.pid} {self.url} {state}>"


def _tail(text: str, lines: int = 40) -> str:
    kept = text.strip().splitlines()[-lines:]
    return "\n".join("    " + line for line in kept) or "    (no output)"


def start(argv: Sequence[str], *, port: int | None = None, host: str = HOST,
          name: str | None = None, cwd: str | Path | None = None,
          env: Mapping[str, str] | None = None, ready_timeout: float = 20.0,
          wait: bool = True, ready_text: str | None = None) -> Server:
    """Start ``argv`` and wait until it accepts connections on ``host:port``.

    ``{host}`` and ``{port}`` inside ``argv`` are replaced by the address; with ``port=None``
    a free port is chosen.  ``env`` is *added* to the current environment.  With
    ``wait=False`` (for servers that do not listen on TCP, e.g. a unix socket) it returns at once.
    With ``ready_text``, it also waits until the server has printed that text.
    """
    if port is None:
        port = free_port(host)
    argv = [str(a).replace("{host}", host).replace("{port}", str(port)) for a in argv]
    name = name or Path(argv[0]).name
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    fd, log_name = tempfile.mkstemp(prefix=f"course-{name}-", suffix=".log")
    log_path = Path(log_name)
    with os.fdopen(fd, "wb") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, cwd=cwd, env=full_env)
    server = Server(argv, name=name, host=host, port=port, proc=proc, log_path=log_path)
    _running[proc.pid] = server
    if not wait:
        return server
    try:
        started = time.monotonic()
        wait_for_port(host, port, ready_timeout, proc)
        while ready_text and ready_text not in server.output():
            if proc.poll() is not None:
                raise ChildProcessError(f"exited with code {proc.returncode}")
            if time.monotonic() - started > ready_timeout:
                raise TimeoutError(f"it never printed {ready_text!r} within {ready_timeout:g} s")
            time.sleep(0.02)
    except (TimeoutError, ChildProcessError) as exc:
        server.stop(grace=2)
        raise ServerError(
            f"{name} did not start: {exc}.\n  command: {shlex.join(argv)}\n"
            f"  its output:\n{_tail(server.output())}"
        ) from None
    return server


def uvicorn(app: str, *, port: int | None = None, app_dir: str | Path | None = None,
            args: Iterable[str] = (), **kwargs) -> Server:
    """Run ``uvicorn app`` (``"module:attr"``) on 127.0.0.1 and a free port."""
    argv = [sys.executable, "-m", "uvicorn", app, "--host", "{host}", "--port", "{port}"]
    if app_dir is not None:
        argv += ["--app-dir", str(app_dir)]
    return start([*argv, *args], port=port, name="uvicorn", **kwargs)


def gunicorn(app: str, *, port: int | None = None, chdir: str | Path | None = None,
             workers: int = 1, worker_class: str = "sync", threads: int = 1,
             args: Iterable[str] = (), **kwargs) -> Server:
    """Run ``gunicorn app`` (``"module:attr"``) on 127.0.0.1 and a free port (POSIX only)."""
    argv = [sys.executable, "-m", "gunicorn", app, "--bind", "{host}:{port}",
            "--workers", str(workers), "--worker-class", worker_class, "--threads", str(threads)]
    if chdir is not None:
        argv += ["--chdir", str(chdir)]
    return start([*argv, *args], port=port, name="gunicorn", **kwargs)


def script(path: str | Path, *, port: int | None = None, args: Iterable[str] = (),
           **kwargs) -> Server:
    """Run a chapter script that takes ``--host/--port``: ``python path --host … --port …``.

    Ready when the port accepts connections and the script has printed ``Listening on``
    (every chapter server promises that line).
    """
    argv = [sys.executable, str(path), "--host", "{host}", "--port", "{port}", *args]
    kwargs.setdefault("ready_text", "Listening on")
    return start(argv, port=port, name=Path(path).name, **kwargs)


def running() -> list[Server]:
    """Servers started by this process that have not been stopped yet."""
    return [s for s in _running.values() if s.alive]


@atexit.register
def _stop_all() -> None:
    for server in list(_running.values()):
        server.stop(grace=3)


# ------------------------------------------------------------------ in the foreground

def serve(app: Any, host: str = HOST, port: int = 8000, **config: Any) -> None:
    """Run an ASGI ``app`` (or ``"module:attr"``) under uvicorn in this process until
    Ctrl-C/SIGTERM; print ``Listening on http://HOST:PORT`` once it accepts connections.

    ``config`` goes to ``uvicorn.Config`` (e.g. ``lifespan="on"``).  Exits with status 1 if
    uvicorn could not start (port taken, app not importable).
    """
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **config))

    async def run_until_stopped() -> None:
        task = asyncio.ensure_future(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.05)   # uvicorn has no "started" callback: poll its flag
        if server.started:
            print(f"Listening on http://{host}:{port}", flush=True)
        await task

    asyncio.run(run_until_stopped())
    if not server.started:
        sys.exit(1)
