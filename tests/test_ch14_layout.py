"""Chapter 14's deployable files: the systemd units, gunicorn.conf.py, the app, the TLS helper."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.asgi import call_asgi, call_lifespan
from course.modules import load_path
from course.testing import call_wsgi

CODE = Path(__file__).resolve().parent.parent / "code" / "14_deployment"
UNITS = sorted((CODE / "systemd").glob("*.service"))
sys.path.insert(0, str(CODE))


def parse_unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None,
                                       comment_prefixes=("#", ";"))
    parser.optionxform = str     # systemd keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def test_there_are_unit_files_for_both_halves():
    assert {p.name for p in UNITS} >= {"app-wsgi.service", "app-asgi.service"}


@pytest.mark.parametrize("unit", UNITS, ids=[p.name for p in UNITS])
def test_unit_file_is_valid(unit: Path):
    if shutil.which("systemd-analyze"):
        result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                                text=True, timeout=60)
        # the programs live under /srv/app on the server, not here: only that may be reported
        problems = [line for line in (result.stderr + result.stdout).splitlines()
                    if line.strip() and "is not executable" not in line]
        assert not problems, f"systemd-analyze verify {unit.name}:\n" + "\n".join(problems)
    parsed = parse_unit(unit)
    assert set(parsed.sections()) == {"Unit", "Service", "Install"}
    service = parsed["Service"]
    assert service["ExecReload"] == "/bin/kill -s HUP $MAINPID", "reload = HUP to the master"
    assert service["User"] != "root", "the app server must not run as root"
    assert service["NoNewPrivileges"] == "yes"
    argv = shlex.split(service["ExecStart"])
    assert argv[0].startswith("/srv/app/venv/bin/")


def test_uvicorn_unit_uses_the_options_the_stack_runs():
    from stack import UVICORN_OPTIONS
    argv = shlex.split(parse_unit(CODE / "systemd" / "app-asgi.service")["Service"]["ExecStart"])
    options = " ".join(argv)
    assert " ".join(UVICORN_OPTIONS) in options
    assert "--host 127.0.0.1" in options and "--workers 2" in options


def test_gunicorn_conf_binds_loopback_and_trusts_only_nginx(monkeypatch):
    monkeypatch.delenv("APP_BIND", raising=False)
    settings = load_path(CODE / "gunicorn.conf.py", "ch14_gunicorn_conf")
    assert settings.bind == ["127.0.0.1:8000"]
    assert settings.forwarded_allow_ips == "127.0.0.1"
    assert settings.preload_app is False and settings.graceful_timeout > 0


def test_wsgi_app_routes_and_request_id():
    app = load_path(CODE / "app.py", "ch14_app")
    assert call_wsgi(app.wsgi_app, path="/health").body == b"ok\n"
    response = call_wsgi(app.wsgi_app, path="/whoami", headers={"X-Request-ID": "abc"})
    assert b'"request_id": "abc"' in response.body
    news = call_wsgi(app.wsgi_app, path="/news", query="max_age=5")
    assert ("Cache-Control", "public, max-age=5") in news.headers
    private = call_wsgi(app.wsgi_app, path="/private")
    assert any(name == "Set-Cookie" for name, _ in private.headers)
    assert call_wsgi(app.wsgi_app, method="POST", path="/upload", body=b"xyz").body == b"3 bytes\n"


def test_asgi_app_is_ready_only_after_lifespan_startup():
    app = load_path(CODE / "app.py", "ch14_app_asgi")
    fresh = app.AsgiApp()
    status, _, body, _ = call_asgi(fresh, path="/ready")
    assert (status, body) == (503, b"starting\n")
    sent, _ = call_lifespan(fresh, shutdown=False)
    assert sent[-1]["type"] == "lifespan.startup.complete"
    status, _, body, _ = call_asgi(fresh, path="/ready")
    assert (status, body) == (200, b"ready\n")


def test_local_ca_makes_a_certificate_a_client_trusts(tmp_path):
    out = subprocess.run([sys.executable, str(CODE / "local_ca.py"), str(tmp_path)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "server certificate for: localhost, 127.0.0.1, ::1" in out.stdout
    assert (tmp_path / "server.key").stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "ca.key").exists(), "the CA's key is never written"


def test_no_private_key_is_committed():
    for path in CODE.rglob("*"):
        if path.is_file() and path.suffix not in (".pyc",):
            assert "PRIVATE KEY-----" not in path.read_text(errors="ignore"), path
