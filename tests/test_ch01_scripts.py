"""Chapter 01's scripts do what their docstrings promise."""

from __future__ import annotations

import psutil
import requests

from course import servers
from course.grading import toc

CODE = toc.ROOT / "code" / "01_big_picture"


def test_wsgi_app_py_serves_json_under_wsgiref():
    with servers.script(CODE / "wsgi_app.py") as srv:
        seen = requests.get(srv.url + "/hello?x=1", timeout=5).json()
        assert "Listening on http://127.0.0.1:" in srv.output()
    assert seen["interface"] == "WSGI" and seen["path"] == "/hello" and seen["query"] == "x=1"
    assert seen["wsgi.version"] == [1, 0]


def test_asgi_app_py_serves_json_under_uvicorn():
    with servers.script(CODE / "asgi_app.py") as srv:
        r = requests.post(srv.url + "/hello", data=b"12345", timeout=5)
    seen = r.json()
    assert seen["interface"] == "ASGI" and seen["body_bytes"] == 5
    assert ["host", f"127.0.0.1:{srv.port}"] in seen["headers"]


def test_stack_py_routes_through_nginx_and_stops_all_three():
    with servers.script(CODE / "stack.py", ready_timeout=30) as stack:
        base = stack.url
        front = requests.get(base + "/", timeout=5)
        wsgi = requests.get(base + "/wsgi/hello", timeout=5).json()
        asgi = requests.get(base + "/asgi/hello", timeout=5).json()
        children = psutil.Process(stack.pid).children(recursive=True)
        names = " ".join(" ".join(c.cmdline()) for c in children)
        assert "gunicorn" in names and "uvicorn" in names and "nginx" in names
        assert "Listening on http://127.0.0.1:" in stack.output()
    assert front.status_code == 200 and "nginx here" in front.text
    assert front.headers["Server"] == "nginx"
    assert wsgi["interface"] == "WSGI" and wsgi["server"].startswith("gunicorn/")
    assert wsgi["path"] == "/hello", "the /wsgi/ prefix is replaced by /"
    assert wsgi["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert wsgi["headers"]["X-Forwarded-Proto"] == "http"
    assert asgi["interface"] == "ASGI" and asgi["path"] == "/hello"
    assert stack.proc.returncode == 0, "SIGTERM unwinds the stack cleanly"
    gone, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, f"left running after stack.py stopped: {alive}"
    assert "stopped nginx, uvicorn and gunicorn" in stack.output()
