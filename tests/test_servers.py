"""course.servers: start on a free port, wait until ready, explain failures, stop by pid."""

from __future__ import annotations

import signal
import sys

import pytest
import requests

from course import servers

HTTP_SERVER = [sys.executable, "-m", "http.server", "--bind", "{host}", "{port}"]


def test_start_serves_on_a_free_loopback_port_and_stops():
    with servers.start(HTTP_SERVER, name="http.server") as srv:
        assert srv.host == "127.0.0.1" and srv.port > 1024
        assert requests.get(srv.url + "/", timeout=5).status_code == 200
        assert srv in servers.running()
    assert not srv.alive
    assert srv not in servers.running()


def test_a_server_that_dies_raises_with_its_own_output():
    with pytest.raises(servers.ServerError) as info:
        gives_up = "import sys; print('bad config, giving up'); sys.exit(3)"
        servers.start([sys.executable, "-c", gives_up],
                      name="quitter")
    message = str(info.value)
    assert "quitter did not start" in message and "exited with code 3" in message
    assert "bad config, giving up" in message


def test_a_server_that_never_listens_times_out_and_is_killed():
    with pytest.raises(servers.ServerError, match="nothing accepted connections"):
        servers.start([sys.executable, "-c", "import time; time.sleep(60)"], name="sleeper",
                      ready_timeout=1)
    assert not servers.running()


def test_stop_escalates_to_sigkill_when_term_is_ignored():
    code = ("import signal, socket, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); "
            "time.sleep(60)")
    srv = servers.start([sys.executable, "-c", code, "{port}"], name="stubborn")
    assert srv.stop(grace=0.5) == -signal.SIGKILL


def test_gunicorn_and_uvicorn_helpers(tmp_path):
    (tmp_path / "tiny.py").write_text(
        "def wsgi(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'wsgi ok']\n"
        "async def asgi(scope, receive, send):\n"
        "    if scope['type'] != 'http':\n        return\n"
        "    await send({'type': 'http.response.start', 'status': 200, 'headers': []})\n"
        "    await send({'type': 'http.response.body', 'body': b'asgi ok'})\n")
    with servers.gunicorn("tiny:wsgi", chdir=tmp_path, workers=2) as g, \
            servers.uvicorn("tiny:asgi", app_dir=tmp_path) as u:
        assert requests.get(g.url, timeout=5).text == "wsgi ok"
        assert requests.get(u.url, timeout=5).text == "asgi ok"
        assert "Booting worker" in g.output()
