"""One ASGI app and one WSGI app under every server, probed live: a table of what each does.

Run it (a one-shot script; it starts and stops each server itself on a free port):

    python code/12_bridges_and_frameworks/servers_table.py
    python code/12_bridges_and_frameworks/servers_table.py --servers uvicorn "gunicorn sync"

Each server runs ``table_apps.py`` with its *default* settings, one worker, on 127.0.0.1
and a port the OS chose, and is stopped by its pid before the next one starts.  The
columns are measured, not looked up:

* starts     -- the server accepted a TCP connection;
* serves     -- ``GET /`` answered 200 with the app's JSON;
* streams    -- the client saw ``first`` *before* the app finished (see ``table_apps``);
* WebSockets -- a real handshake and one echoed message on ``/ws``;
* lifespan   -- the app's ``lifespan.startup`` ran before the request (ASGI only);
* HTTP/2     -- an HTTP/2 request with prior knowledge (h2c: no TLS) got an HTTP/2 answer;
* spec       -- what the app was told: ``scope["asgi"]["spec_version"]`` or ``wsgi.version``.

A server that is not installed gets a row saying so.  mod_wsgi needs Apache (the Debian
packages ``apache2`` and ``apache2-dev``) and ``pip install mod_wsgi``; when run as root,
Apache's workers run as ``www-data`` and must be able to read the Python mod_wsgi was built
for: set ``MOD_WSGI_EXPRESS`` to a ``mod_wsgi-express`` built for a Python outside
``/root`` (the chapter page shows how).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import socket
import stat
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # find `course` from a clone

from course import servers

PY = sys.executable
ASGI = "table_apps:asgi_app"
WSGI = "table_apps:wsgi_app"
STREAM_TIMEOUT = 10.0        # longer than table_apps.WAIT: a buffering server still answers

ASGI_SERVERS = {
    "uvicorn": [PY, "-m", "uvicorn", ASGI, "--host", "{host}", "--port", "{port}"],
    "gunicorn -k asgi": [PY, "-m", "gunicorn", "-k", "asgi", "-w", "1",
                         "-b", "{host}:{port}", ASGI],
    "gunicorn -k uvicorn_worker": [PY, "-m", "gunicorn", "-k", "uvicorn_worker.UvicornWorker",
                                   "-w", "1", "-b", "{host}:{port}", ASGI],
    "hypercorn": [PY, "-m", "hypercorn", ASGI, "--bind", "{host}:{port}"],
    "daphne": [PY, "-m", "daphne", "-b", "{host}", "-p", "{port}", ASGI],
    "granian asgi": [PY, "-m", "granian", "--interface", "asgi", "--host", "{host}",
                     "--port", "{port}", ASGI],
}
WSGI_SERVERS = {
    "gunicorn sync": [PY, "-m", "gunicorn", "-k", "sync", "-w", "1", "-b", "{host}:{port}", WSGI],
    "gunicorn gthread": [PY, "-m", "gunicorn", "-k", "gthread", "--threads", "4", "-w", "1",
                         "-b", "{host}:{port}", WSGI],
    "waitress": [PY, "-m", "waitress", "--listen={host}:{port}", WSGI],
    "granian wsgi": [PY, "-m", "granian", "--interface", "wsgi", "--host", "{host}",
                     "--port", "{port}", WSGI],
    "mod_wsgi": [],     # built at run time: see mod_wsgi_command()
}
MODULE_OF = {"gunicorn -k uvicorn_worker": "uvicorn_worker"}
COLUMNS = ("starts", "serves", "streams", "WebSockets", "lifespan", "HTTP/2", "spec")


# ------------------------------------------------------------------ finding mod_wsgi

def mod_wsgi_express() -> str | None:
    """The ``mod_wsgi-express`` to use: $MOD_WSGI_EXPRESS, next to this Python, or on PATH."""
    chosen = os.environ.get("MOD_WSGI_EXPRESS")
    if chosen:
        return chosen
    beside = Path(PY).parent / "mod_wsgi-express"
    if beside.exists():
        return str(beside)
    return shutil.which("mod_wsgi-express")


def _readable_by_others(path: Path) -> bool:
    """Can a user who is not root read ``path``? (every folder above it needs o+x)"""
    for folder in [path, *path.parents]:
        if folder.exists() and not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return True


def mod_wsgi_problem() -> str | None:
    """Why mod_wsgi cannot run here, or None when it can."""
    if not (shutil.which("apxs") or shutil.which("apachectl")):
        return "not run: Apache is not installed (apt-get install apache2 apache2-dev)"
    express = mod_wsgi_express()
    if express is None:
        return "not installed (pip install mod_wsgi, with apache2-dev present)"
    if os.geteuid() == 0:
        shebang = Path(express).read_text(errors="replace").splitlines()[0]
        python = Path(shebang.removeprefix("#!").strip())
        for prefix in (python.parent.parent, python.resolve().parent.parent):
            if not _readable_by_others(prefix):
                return (f"not run: as root, Apache's workers run as www-data and cannot "
                        f"read {prefix}; set MOD_WSGI_EXPRESS (see the chapter page)")
    return None


def mod_wsgi_command(app_dir: Path, server_root: Path) -> list[str]:
    argv = [mod_wsgi_express() or "mod_wsgi-express", "start-server",
            str(app_dir / "table_apps.py"), "--callable-object", "wsgi_app",
            "--host", "{host}", "--port", "{port}", "--server-root", str(server_root),
            "--log-to-terminal", "--locale", "C.UTF-8", "--startup-log"]
    if os.geteuid() == 0:
        argv += ["--user", "www-data", "--group", "www-data"]
    return argv


# ------------------------------------------------------------------ the probes

def probe_serves(url: str) -> dict | None:
    try:
        response = httpx.get(url + "/", timeout=5)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    return response.json()


def probe_streams(port: int, flag_dir: Path) -> str:
    """Read ``/stream`` on a raw socket; create the flag only once ``first`` has arrived."""
    flag = flag_dir / f"flag-{port}"
    request = (f"GET /stream?flag={flag} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Connection: close\r\n\r\n").encode()
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=STREAM_TIMEOUT) as sock:
        sock.sendall(request)
        while True:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                return "no (timed out)"
            if not data:
                break
            received += data
            if b"first" in received and not flag.exists():
                flag.touch()
    if b"released" in received:
        return "yes"
    if b"gave up" in received:
        return "no (buffered)"
    return "no answer"


def probe_websocket(port: int) -> str:
    from websockets.exceptions import InvalidHandshake, InvalidStatus
    from websockets.sync.client import connect
    try:
        with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=5, close_timeout=2) as ws:
            ws.send("ping")
            echoed = ws.recv(timeout=5)
    except InvalidStatus as exc:
        return f"no ({exc.response.status_code})"
    except (InvalidHandshake, OSError, TimeoutError) as exc:
        return f"no ({type(exc).__name__})"
    return "yes" if echoed == "ping" else "no (wrong echo)"


def probe_http2(url: str) -> str:
    try:
        with httpx.Client(http1=False, http2=True, timeout=5) as client:
            response = client.get(url + "/")
    except httpx.HTTPError:
        return "no"
    return "yes" if response.http_version == "HTTP/2" else f"no ({response.http_version})"


# ------------------------------------------------------------------ one row

def installed(name: str) -> bool:
    if name == "mod_wsgi":
        return True        # mod_wsgi_problem() explains the row instead
    module = MODULE_OF.get(name, name.split()[0])
    return importlib.util.find_spec(module) is not None


def row_for(name: str, interface: str, workdir: Path) -> dict:
    row = dict.fromkeys(COLUMNS, "-")
    row |= {"server": name, "interface": interface}
    if not installed(name):
        row["note"] = "not installed"
        return row
    argv = ASGI_SERVERS.get(name) or WSGI_SERVERS.get(name)
    cwd = HERE
    if name == "mod_wsgi":
        problem = mod_wsgi_problem()
        if problem:
            row["note"] = problem
            return row
        app_dir = workdir / "app"
        app_dir.mkdir(exist_ok=True)
        shutil.copy(HERE / "table_apps.py", app_dir)   # readable by Apache's user
        argv = mod_wsgi_command(app_dir, workdir / "apache")
        cwd = workdir
    try:
        server = servers.start(argv, cwd=cwd, name=name.split()[0], ready_timeout=30)
    except servers.ServerError as exc:
        row["starts"] = "no"
        row["note"] = str(exc).splitlines()[0]
        return row
    with server:
        row["starts"] = "yes"
        seen = probe_serves(server.url)
        row["serves"] = "yes" if seen else "no"
        row["streams"] = probe_streams(server.port, workdir)
        row["WebSockets"] = probe_websocket(server.port)
        if interface == "asgi":
            row["lifespan"] = "yes" if seen and seen.get("lifespan") else "no"
        else:
            row["lifespan"] = "- (WSGI)"
        row["HTTP/2"] = probe_http2(server.url)
        row["spec"] = str(seen.get("spec_version")) if seen else "?"
        row["seen"] = seen
    return row


def table(names: list[str]) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="course-ch12-") as tmp:
        workdir = Path(tmp)
        workdir.chmod(0o755)       # Apache's user (www-data) reads the app and the flags here
        for name in names:
            interface = "asgi" if name in ASGI_SERVERS else "wsgi"
            started = time.monotonic()
            print(f"{name}: starting, probing ...", flush=True)
            rows.append(row_for(name, interface, workdir))
            rows[-1]["seconds"] = time.monotonic() - started
    return rows


def render(rows: list[dict]) -> str:
    widths = {"server": 27, "starts": 7, "serves": 7, "streams": 14, "WebSockets": 13,
              "lifespan": 9, "HTTP/2": 7}
    header = "".join(f"{name:<{width}}" for name, width in widths.items()) + "spec"
    lines = [header, "-" * len(header)]
    for row in rows:
        cells = "".join(f"{str(row[name]):<{width}}" for name, width in widths.items())
        lines.append(cells + str(row["spec"]))
    notes = [f"  {row['server']}: {row['note']}" for row in rows if row.get("note")]
    return "\n".join(lines + notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", nargs="*", default=[*ASGI_SERVERS, *WSGI_SERVERS],
                        help="which rows to run (default: all)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    args = parser.parse_args()
    unknown = [name for name in args.servers if name not in ASGI_SERVERS | WSGI_SERVERS]
    if unknown:
        parser.error(f"unknown server(s) {unknown}; choose from {[*ASGI_SERVERS, *WSGI_SERVERS]}")
    rows = table(args.servers)
    print()
    print(render(rows))
    if args.json:
        print(json.dumps(rows, default=str))


if __name__ == "__main__":
    main()
