"""Fixtures for chapter 14's graded tests: the chapter's app on real servers, and real nginx.

* ``start_app(host="127.0.0.1", color="blue", wait=True)`` runs
  ``code/14_deployment/app.py``'s ASGI app under one uvicorn process (lifespan on, proxy
  headers trusted from 127.0.0.1), as the stack does.  ``app_calls(server, path)`` counts the
  requests for ``path`` the app logged (one JSON line per request): how often nginx asked it.
* ``tls`` -- a local CA and a server certificate made for this test (``local_ca.py``);
  ``tls.ca_cert``, ``tls.server_cert``, ``tls.server_key``.
* ``start_nginx(**values)`` reads your ``exK_name.conf``, fills in ``{{port}}`` and the other
  placeholders, and starts nginx with it.  If nginx rejects the config, the test fails with
  nginx's own message (and the line number in *your* file).
* ``loopback_hosts(3)`` -- three addresses that stand for three machines: 127.0.0.2, .3, .4
  where the OS allows binding them (Linux), else 127.0.0.1 three times.

Everything is stopped when the test ends.
"""

from __future__ import annotations

import socket
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from course import servers
from course.nginx import Nginx, NginxConfigError

CODE = Path(__file__).resolve().parents[2] / "code" / "14_deployment"
if str(CODE) not in sys.path:
    sys.path.insert(0, str(CODE))

from local_ca import TlsFiles, make_certificates  # noqa: E402  (code/ is not a package)

UVICORN = ["--lifespan", "on", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1",
           "--no-access-log"]


@pytest.fixture
def stack():
    with ExitStack() as st:
        yield st


@pytest.fixture
def start_app(stack):
    def start(host: str = "127.0.0.1", *, color: str = "blue", wait: bool = True,
              startup_seconds: float = 0.05) -> servers.Server:
        argv = [sys.executable, "-m", "uvicorn", "app:asgi_app", "--app-dir", str(CODE),
                "--host", "{host}", "--port", "{port}", *UVICORN]
        env = {"APP_COLOR": color, "APP_STARTUP_SECONDS": str(startup_seconds)}
        try:
            server = servers.start(argv, host=host, name=f"app-{color}", env=env, wait=wait,
                                   ready_text="Application startup complete" if wait else None)
        except servers.ServerError as exc:
            pytest.fail(f"the test app did not start: {exc}", pytrace=False)
        stack.callback(server.stop, 3)
        return server
    return start


@pytest.fixture
def app_calls():
    def count(server: servers.Server, path: str) -> int:
        """How many requests for ``path`` the app has logged so far."""
        return server.output().count(f'"path": "{path}"')
    return count


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return make_certificates(tmp_path / "tls")


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
                        "a server block", pytrace=False)
        stack.callback(web.stop)
        return web
    return start


@pytest.fixture
def loopback_hosts():
    def hosts(count: int) -> list[str]:
        wanted = [f"127.0.0.{n}" for n in range(2, 2 + count)]
        try:
            for address in wanted:
                with socket.socket() as probe:
                    probe.bind((address, 0))
        except OSError:
            return ["127.0.0.1"] * count
        return wanted
    return hosts
