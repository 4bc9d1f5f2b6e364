"""Chapter 08's app suite: in process (course.asgi.call_asgi), then under real servers.

``code/08_asgi_messages/check_server.py`` is what chapter 09 runs against its own server, so
here it must
report nothing on uvicorn -- and it must notice a server that gets things wrong.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from course import servers
from course.asgi import call_asgi, call_lifespan
from course.modules import load_path
from course.settings import ROOT

checks = load_path(ROOT / "code" / "08_asgi_messages" / "check_server.py", "ch08_check_server")
APP_SUITE, APP_SUITE_DIR, check_server = checks.APP_SUITE, checks.APP_SUITE_DIR, checks.check_server
suite = checks.load_app_suite()


def test_ch08_suite_in_process():
    status, headers, body, messages = call_asgi(suite.app, "GET", "/hello")
    assert (status, body) == (200, b"Hello, ASGI!\n")
    assert [m["type"] for m in messages] == ["http.response.start", "http.response.body"]
    echoed = call_asgi(suite.app, "POST", "/echo", body_chunks=[b"a", b"b", b"c"])
    assert echoed.body == b"abc"
    assert [m["more_body"] for m in echoed.received] == [True, True, False]
    count = call_asgi(suite.app, "GET", "/countdown", "from=3")
    assert count.chunks == [b"3\n", b"2\n", b"1\n", b"liftoff!\n"]
    assert count.header("content-length") is None
    seen = call_asgi(suite.app, "GET", "/info/caf%C3%A9", b"x=1", {"X-Demo": "Yes"}).json()
    assert seen["path"] == "/info/café" and seen["raw_path"] == "/info/caf%C3%A9"
    assert ["x-demo", "Yes"] in seen["headers"]
    assert call_asgi(suite.app, "GET", "/nope").status == 404


def test_ch08_suite_lifespan_in_process():
    sent, state = call_lifespan(suite.app)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete",
                                         "lifespan.shutdown.complete"]
    assert state["lifespan"] == "started"
    seen = call_asgi(suite.app, "GET", "/info", state=state).json()
    assert seen["state"]["lifespan"] == "started"


def test_ch08_driver_catches_protocol_violations():
    async def body_first(scope, receive, send):
        await send({"type": "http.response.body", "body": b"oops"})

    async def str_body(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": "text"})

    async def unfinished(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x", "more_body": True})

    for app, words in [(body_first, "first message"), (str_body, "bytes"),
                       (unfinished, "before the last")]:
        with pytest.raises(AssertionError, match=words):
            call_asgi(app)


@pytest.mark.slow
def test_ch08_check_server_passes_on_uvicorn():
    with servers.uvicorn(APP_SUITE, app_dir=APP_SUITE_DIR) as server:
        assert check_server(server.url, lifespan=True) == []
        script = subprocess.run([sys.executable, str(APP_SUITE_DIR / "check_server.py"),
                                 server.url, "--lifespan"], capture_output=True, text=True,
                                timeout=60)
    assert script.returncode == 0, script.stdout + script.stderr
    assert script.stdout.strip().endswith("all ok"), script.stdout


@pytest.mark.slow
def test_ch08_app_suite_script_passes_check_server():
    with servers.script(APP_SUITE_DIR / "app_suite.py") as server:
        assert check_server(server.url, lifespan=True) == []
        assert f"Listening on {server.url}" in server.wait_for_output("Listening on")


@pytest.mark.slow
def test_ch08_check_server_reports_a_wrong_server():
    # An HTTP server that answers every request with the same fixed text.
    code = ("import http.server, sys\n"
            "class H(http.server.BaseHTTPRequestHandler):\n"
            "    def do_GET(self):\n"
            "        self.send_response(200); self.send_header('Content-Length', '3')\n"
            "        self.end_headers(); self.wfile.write(b'no\\n')\n"
            "    do_POST = do_GET\n"
            "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()\n")
    with servers.start([sys.executable, "-c", code, "{port}"], name="wrong") as server:
        problems = check_server(server.url, timeout=2)
    assert len(problems) >= 6, problems
    assert any(p.startswith("GET /hello") for p in problems)
