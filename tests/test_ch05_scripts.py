"""Chapter 05 scripts do what their docstrings promise (code/05_wsgi_middleware_and_frameworks)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from course import servers
from course.modules import load_path
from course.testing import call_wsgi

CODE = Path(__file__).resolve().parent.parent / "code" / "05_wsgi_middleware_and_frameworks"


def load(filename: str):
    """Import a chapter module by path (code/ is not a package)."""
    sys.path.insert(0, str(CODE))
    try:
        module = load_path(CODE / filename, f"ch05_{Path(filename).stem}", reuse=False)
    finally:
        sys.path.remove(str(CODE))
    return module


def fetch(url: str, method: str = "GET", data: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_microframework_py_routes_404_405_and_head():
    mf = load("microframework.py")
    app = mf.App()

    @app.route("/hello/<name>")
    def hello(request, name):
        return f"hello {name}"

    @app.route("/boom")
    def boom(request):
        raise RuntimeError("a bug in a view")

    assert call_wsgi(app, path="/hello/ada").text == "hello ada"
    assert call_wsgi(app, path="/nope").status == "404 Not Found"
    not_allowed = call_wsgi(app, method="POST", path="/hello/ada")
    assert not_allowed.status == "405 Method Not Allowed"
    assert not_allowed.header("Allow") == "GET, HEAD"
    head = call_wsgi(app, method="HEAD", path="/hello/ada")
    assert head.body == b"" and head.header("Content-Length") == "9"
    assert call_wsgi(app, path="/boom", **{"wsgi.errors": io.StringIO()}).status_code == 500

    @app.route("/gone", methods=["DELETE"])
    def gone(request):
        return mf.Response(b"", 204)

    assert call_wsgi(app, method="DELETE", path="/gone").status == "204 No Content"  # validated
    code_lines = [ln for ln in (CODE / "microframework.py").read_text().splitlines()
                  if ln.strip() and not ln.strip().startswith("#")]
    assert len(code_lines) <= 130, "microframework.py should stay about 100 lines"


def test_middleware_py_rules_close_and_trust():
    mw = load("middleware.py")
    closed, log = [], []

    class Body:
        def __iter__(self):
            yield b"a"
            yield b""
            yield b"b"

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body()

    response = call_wsgi(mw.RequestId(app, log=log.append), path="/x")
    assert response.chunks == [b"a", b"", b"b"] and closed == [True]
    assert len(response.header("X-Request-ID")) == 32 and "200 OK" in log[0]

    def whoami(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["REMOTE_ADDR"].encode()]

    spoof = {"X-Forwarded-For": "6.6.6.6"}
    untrusted = mw.TrustedProxy(whoami, trusted=["10.0.0.1"])
    assert call_wsgi(untrusted, headers=spoof, REMOTE_ADDR="127.0.0.1").body == b"127.0.0.1"
    trusted = mw.TrustedProxy(whoami, trusted=["127.0.0.1"])
    assert call_wsgi(trusted, headers=spoof, REMOTE_ADDR="127.0.0.1").body == b"6.6.6.6"

    def where(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"{environ['SCRIPT_NAME']}|{environ['PATH_INFO']}".encode()]

    mount = mw.Mount({"/api": where})
    assert call_wsgi(mount, path="/api/x").body == b"/api|/x"
    assert call_wsgi(mount, path="/apix").status_code == 404


@pytest.mark.slow
def test_app_py_serves_the_notes_api_and_trusts_only_configured_proxies():
    script = CODE / "app.py"
    with servers.script(script) as server:
        status, headers, body = fetch(server.url + "/")
        assert status == 200 and b"/api/notes" in body and "X-Request-ID" in headers
        status, headers, body = fetch(server.url + "/api/notes", "POST", b'{"text": "hi"}')
        assert status == 201 and headers["Location"] == "/api/notes/1", (status, headers, body)
        assert json.loads(fetch(server.url + "/api/notes/1")[2]) == {"id": 1, "text": "hi"}
        assert fetch(server.url + "/api/notes/99")[0] == 404
        assert fetch(server.url + "/api/notes/1", "DELETE")[0] == 204
        assert fetch(server.url + "/api/notes/1")[0] == 404
        status, headers, _ = fetch(server.url + "/api/notes", "PUT", b"")
        assert status == 405 and headers["Allow"] == "GET, HEAD, POST"
        who = json.loads(fetch(server.url + "/api/whoami",
                               headers={"X-Forwarded-For": "6.6.6.6"})[2])
        assert who["client"] == "127.0.0.1" and who["script_name"] == "/api"
        assert "Listening on http://127.0.0.1:" in server.output()
        assert "POST /notes 201 Created" in server.output()      # the RequestId log line
    with servers.script(script, args=["--trust-proxy", "127.0.0.1"]) as server:
        who = json.loads(fetch(server.url + "/api/whoami",
                               headers={"X-Forwarded-For": "6.6.6.6"})[2])
        assert who["client"] == "6.6.6.6" and who["peer"] == "127.0.0.1"
        assert server.stop() == 0, "app.py should exit cleanly (code 0) on SIGTERM"


@pytest.mark.slow
def test_app_py_under_gunicorn_reads_trusted_proxies_from_the_environment():
    with servers.gunicorn("app:app", chdir=CODE, env={"TRUSTED_PROXIES": "127.0.0.1"}) as server:
        who = json.loads(fetch(server.url + "/api/whoami",
                               headers={"X-Forwarded-For": "203.0.113.7"})[2])
        assert who["client"] == "203.0.113.7"


@pytest.mark.slow
def test_flask_hello_py_dev_server_warns_and_gunicorn_serves_the_same_app():
    with servers.script(CODE / "flask_hello.py") as server:
        status, _, body = fetch(server.url + "/")
        assert status == 200 and json.loads(body)["hello"] == "from Flask"
        status, headers, _ = fetch(server.url + "/", "POST", b"")
        assert status == 405 and "GET" in headers["Allow"]
        assert fetch(server.url + "/nope")[0] == 404
        assert "development server" in server.output()
        assert server.stop() == 0, "flask_hello.py should exit cleanly (code 0) on SIGTERM"
    with servers.gunicorn("flask_hello:app", chdir=CODE) as server:
        data = json.loads(fetch(server.url + "/")[2])
        assert data["server"].startswith("gunicorn")


def test_frameworks_by_hand_py_calls_flask_and_django_without_a_server():
    done = subprocess.run([sys.executable, str(CODE / "frameworks_by_hand.py")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "flask GET /hello/ada" in out and "django GET /hello/ada/" in out
    assert out.count("-> 200 OK") == 5, out
    assert '"my_url":"/flask/hello/grace"' in out and '"my_url": "/django/hello/grace/"' in out
    assert "client seen through ProxyFix: 203.0.113.7" in out
