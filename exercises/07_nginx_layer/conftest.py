"""Fixtures for chapter 07's graded tests: real backends, and a real nginx running *your* config.

* ``start_backends("b1", "b2", ...)`` starts one uvicorn per name, running
  ``code/07_nginx_layer/backend_asgi.py``; each answers JSON saying which backend it is and
  what it saw (headers, client, scheme, body size).  It returns the servers; their addresses
  are ``f"127.0.0.1:{server.port}"``.
* ``start_nginx(**values)`` reads your ``exK_name.conf``, fills in ``{{port}}`` and the other
  placeholders, and starts nginx with it.  If nginx rejects the config, the test fails with
  nginx's own message (and the line number in *your* file).
* ``http`` sends one request and returns ``(status, headers, body)``.

Everything is stopped when the test ends.
"""

from __future__ import annotations

import http.client as httpclient
import json
import socket
from contextlib import ExitStack
from pathlib import Path

import pytest

from course import servers
from course.nginx import Nginx, NginxConfigError

CODE = Path(__file__).resolve().parents[2] / "code" / "07_nginx_layer"


@pytest.fixture
def stack():
    with ExitStack() as st:
        yield st


@pytest.fixture
def start_backends(stack):
    def start(*names: str, args: tuple[str, ...] = ()) -> list[servers.Server]:
        started = []
        for name in names:  # start them all, then wait: in parallel, so it is quick
            server = servers.uvicorn("backend_asgi:app", app_dir=CODE, wait=False,
                                     env={"BACKEND_NAME": name},
                                     args=["--log-level", "warning", *args])
            stack.callback(server.stop, 3)
            started.append(server)
        for server in started:
            try:
                servers.wait_for_port(server.host, server.port, 20, server.proc)
            except (TimeoutError, ChildProcessError) as exc:
                pytest.fail(f"a test backend did not start ({exc}):\n{server.output()[-1500:]}",
                            pytrace=False)
        return started
    return start


@pytest.fixture
def start_nginx(stack, exercise_file: Path):
    def start(**values: object) -> Nginx:
        text = exercise_file.read_text()
        web = Nginx(text, ready_timeout=5, **values)
        try:
            web.start()
        except NginxConfigError as exc:
            web.stop()
            pytest.fail(f"{exc}\n(in {exercise_file.name})", pytrace=False)
        except KeyError as exc:   # a {{placeholder}} the grader does not provide
            web.stop()
            pytest.fail(f"{exercise_file.name}: {exc.args[0]} -- the placeholders you can use "
                        f"are {', '.join('{{' + k + '}}' for k in ['port', *values])}",
                        pytrace=False)
        except servers.ServerError:
            web.stop()
            pytest.fail(f"nginx accepted {exercise_file.name} but nothing listens on "
                        f"127.0.0.1:{{{{port}}}} -- write `listen 127.0.0.1:{{{{port}}}};` in "
                        "your server block", pytrace=False)
        stack.callback(web.stop)
        return web
    return start


class Http:
    """One request per call, on a fresh connection, optionally from a given source address."""

    def __call__(self, port: int, path: str = "/", *, method: str = "GET",
                 body: bytes | None = None,
                 headers: dict[str, str] | None = None, source: str | None = None,
                 timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
        conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                          source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    @staticmethod
    def json(body: bytes) -> dict | None:
        """The backend's JSON report, or None if the answer did not come from a backend."""
        try:
            data = json.loads(body)
        except ValueError:
            return None
        return data if isinstance(data, dict) and "backend" in data else None


@pytest.fixture
def http():
    return Http()


def other_loopback_address() -> str:
    """A loopback address other than 127.0.0.1 if this OS has one (Linux: all of 127/8)."""
    try:
        with socket.socket() as sock:
            sock.bind(("127.0.0.2", 0))
        return "127.0.0.2"
    except OSError:
        return "127.0.0.1"


@pytest.fixture
def client_address() -> str:
    return other_loopback_address()
