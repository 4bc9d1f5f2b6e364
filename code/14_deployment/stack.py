"""Bring chapter 14's whole stack up from its files, unchanged, on free ports.

    import sys; sys.path.insert(0, "code/14_deployment")
    from stack import Stack
    with Stack() as stack:
        stack.https_client().get(stack.https_url + "/whoami")

What it starts, from the files next to it:

* a local CA and a server certificate (``local_ca.py``) in a temporary directory;
* gunicorn with ``gunicorn.conf.py`` serving ``app:wsgi_app`` (``APP_BIND`` = a free port);
* uvicorn serving ``app:asgi_app`` with the options of ``systemd/app-asgi.service``
  (``--workers 2`` by default; ``asgi_workers=None`` runs one process without a supervisor);
* nginx with ``nginx/nginx.conf`` around ``nginx/site.conf``: plain HTTP on ``stack.http_url``
  (it only redirects), HTTPS + HTTP/2 on ``stack.https_url``.

Only the placeholders (ports, paths) are filled in; the files' directives are used as they are.
``stack.switch_asgi(address)`` re-renders the site with another ASGI upstream and reloads
nginx (a blue-green switch).  Everything is stopped by pid on ``with`` exit.

This is a module the chapter's scripts and notebook import, not a script.
"""

from __future__ import annotations

import os
import shutil
import ssl
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from local_ca import TlsFiles, make_certificates

from course import servers
from course.nginx import Nginx, render

HERE = Path(__file__).resolve().parent
GUNICORN_CONF = HERE / "gunicorn.conf.py"
NGINX_MAIN = HERE / "nginx" / "nginx.conf"
NGINX_SITE = HERE / "nginx" / "site.conf"

# the options of systemd/app-asgi.service's uvicorn command line (a test keeps them in step)
UVICORN_OPTIONS = ["--lifespan", "on", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1",
                   "--timeout-graceful-shutdown", "10"]


def gunicorn_wsgi(host: str = "127.0.0.1", *, workers: int = 2, color: str = "blue",
                  quiet: bool = False) -> servers.Server:
    """gunicorn -c gunicorn.conf.py app:wsgi_app, bound to a free port on ``host``."""
    port = servers.free_port(host)
    argv = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--chdir", str(HERE),
            "app:wsgi_app"]
    if quiet:
        argv += ["--access-logfile", "/dev/null"]
    env = {"APP_BIND": f"{host}:{port}", "APP_WORKERS": str(workers), "APP_COLOR": color}
    return servers.start(argv, host=host, port=port, name="gunicorn", env=env,
                         ready_text="Booting worker")


def uvicorn_asgi(host: str = "127.0.0.1", *, workers: int | None = 2, color: str = "blue",
                 port: int | None = None) -> servers.Server:
    """uvicorn app:asgi_app with the unit file's options; ``workers=None``: no supervisor."""
    argv = [sys.executable, "-m", "uvicorn", "app:asgi_app", "--app-dir", str(HERE),
            "--host", "{host}", "--port", "{port}", *UVICORN_OPTIONS, "--no-access-log"]
    if workers is not None:
        argv += ["--workers", str(workers)]
    return servers.start(argv, host=host, port=port, name="uvicorn", env={"APP_COLOR": color},
                         ready_text="Application startup complete")


class Stack:
    """nginx (HTTPS, HTTP/2, cache, limits) in front of gunicorn (WSGI) and uvicorn (ASGI)."""

    def __init__(self, *, asgi_workers: int | None = 2, wsgi_workers: int = 2,
                 quiet: bool = False) -> None:
        self.asgi_workers = asgi_workers
        self.wsgi_workers = wsgi_workers
        self.quiet = quiet
        self._exit = ExitStack()
        self.tls_dir = Path(tempfile.mkdtemp(prefix="course-ch14-tls-"))
        self.tls: TlsFiles | None = None
        self.wsgi: servers.Server | None = None
        self.asgi: servers.Server | None = None
        self.web: Nginx | None = None
        self.tls_port = servers.free_port()

    # -- lifecycle ---------------------------------------------------------------
    def __enter__(self) -> Stack:
        self._exit.callback(shutil.rmtree, self.tls_dir, True)
        try:
            self.tls = make_certificates(self.tls_dir)
            self.wsgi = self._exit.enter_context(
                gunicorn_wsgi(workers=self.wsgi_workers, quiet=self.quiet))
            self.asgi = self._exit.enter_context(uvicorn_asgi(workers=self.asgi_workers))
            user = "user root;" if os.geteuid() == 0 else ""
            self.web = Nginx(NGINX_MAIN.read_text(), full=True, user=user, site="")
            self.web.values["site"] = self.render_site(asgi=self.address(self.asgi))
            self._exit.enter_context(self.web)
        except BaseException:
            self._exit.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._exit.close()

    # -- config ------------------------------------------------------------------
    @staticmethod
    def address(server: servers.Server) -> str:
        return f"{server.host}:{server.port}"

    def render_site(self, *, asgi: str) -> str:
        """site.conf with its placeholders filled in (the directives untouched)."""
        assert self.web is not None and self.tls is not None and self.wsgi is not None
        return render(NGINX_SITE.read_text(), port=self.web.port, tls_port=self.tls_port,
                      cert=self.tls.server_cert, key=self.tls.server_key,
                      wsgi=self.address(self.wsgi), asgi=asgi, prefix=self.web.prefix)

    def switch_asgi(self, address: str) -> None:
        """Blue-green: point the ASGI upstream at ``address`` and reload nginx."""
        assert self.web is not None
        self.web.reload(site=self.render_site(asgi=address))

    # -- clients -----------------------------------------------------------------
    @property
    def http_url(self) -> str:
        assert self.web is not None
        return self.web.url

    @property
    def https_url(self) -> str:
        return f"https://127.0.0.1:{self.tls_port}"

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts the local CA (and nothing else)."""
        assert self.tls is not None
        return ssl.create_default_context(cafile=str(self.tls.ca_cert))

    def https_client(self, *, http2: bool = True, **kwargs: object):
        """An httpx client that trusts the local CA; HTTP/2 offered by default."""
        import httpx
        return httpx.Client(verify=self.ssl_context(), http2=http2, timeout=10, **kwargs)

    def access_log(self) -> list[dict]:
        """nginx's JSON access log, one dict per request."""
        import json
        assert self.web is not None
        path = self.web.prefix / "logs" / "access.json"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
