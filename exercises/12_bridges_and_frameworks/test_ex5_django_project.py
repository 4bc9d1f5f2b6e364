"""Graded tests of exercise 12.5: one Django project under gunicorn (WSGI) and uvicorn (ASGI)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest

from course import servers


@pytest.fixture(scope="module")
def served():
    """Start each (entry point, file) once per test module; stop them all at the end."""
    running: dict = {}

    def serve(kind: str, exercise_file: Path):
        key = (kind, exercise_file)
        if key not in running:
            running[key] = _start(kind, exercise_file)
        return running[key]

    yield serve
    for server in running.values():
        if isinstance(server, servers.Server):
            server.stop()


def _start(kind: str, exercise_file: Path):
    module = exercise_file.stem
    if kind == "wsgi":
        argv = [sys.executable, "-m", "gunicorn", f"{module}:wsgi_application",
                "--chdir", str(exercise_file.parent), "--bind", "{host}:{port}",
                "--workers", "1"]
    else:
        argv = [sys.executable, "-m", "uvicorn", f"{module}:asgi_application",
                "--app-dir", str(exercise_file.parent), "--interface", "asgi3",
                "--host", "{host}", "--port", "{port}"]
    try:
        return servers.start(argv, name=kind, ready_timeout=30)
    except servers.ServerError as exc:
        return str(exc)


def _server(served, kind: str, exercise_file: Path):
    server = served(kind, exercise_file)
    what = "gunicorn module:wsgi_application" if kind == "wsgi" else (
        "uvicorn module:asgi_application --interface asgi3")
    assert isinstance(server, servers.Server), (
        f"{what} did not start -- is {kind}_application what {kind}.py would expose "
        f"(get_{kind}_application())? The server said:\n{server}")
    return server


def _get(server, path: str) -> httpx.Response:
    try:
        return httpx.get(server.url + path, timeout=20)
    except httpx.HTTPError as exc:
        raise AssertionError(
            f"GET {path}: the server took the connection but gave no answer "
            f"({type(exc).__name__}) -- is the entry point a working Django handler? "
            f"The server said:\n{server.output()[-1500:]}") from None


def _hello(server) -> str:
    response = _get(server, "/hello/")
    assert response.status_code != 400, (
        "Django answered 400 Bad Request: with DEBUG=False the Host 127.0.0.1 must be in "
        "ALLOWED_HOSTS")
    assert response.status_code == 200, f"GET /hello/ answered {response.status_code}"
    return response.text


def test_wsgi_entry_point_serves_hello(exercise_file, served):
    text = _hello(_server(served, "wsgi", exercise_file))
    assert text == "Hello from Django", f"GET /hello/ under gunicorn answered {text!r}"


def test_asgi_entry_point_serves_hello(exercise_file, served):
    text = _hello(_server(served, "asgi", exercise_file))
    assert text == "Hello from Django", f"GET /hello/ under uvicorn answered {text!r}"


def test_numbers_under_wsgi(exercise_file, served):
    server = _server(served, "wsgi", exercise_file)
    response = _get(server, "/numbers/")
    assert response.status_code == 200 and response.text == "1\n2\n3\n4\n5\n", (
        f"GET /numbers/ under gunicorn: expected 200 and '1\\n2\\n3\\n4\\n5\\n', got "
        f"{response.status_code} {response.text[:200]!r}")


def test_numbers_stream_under_asgi(exercise_file, served):
    server = _server(served, "asgi", exercise_file)
    arrivals: list[tuple[float, str]] = []
    with httpx.stream("GET", server.url + "/numbers/", timeout=20) as response:
        assert response.status_code == 200, f"GET /numbers/ answered {response.status_code}"
        for text in response.iter_text():
            arrivals.append((time.monotonic(), text))
    body = "".join(text for _, text in arrivals)
    assert body == "1\n2\n3\n4\n5\n", (
        f"GET /numbers/ under uvicorn: expected '1\\n2\\n3\\n4\\n5\\n', got {body[:200]!r}")
    spread = arrivals[-1][0] - arrivals[0][0]
    pause = 0.2                  # PAUSE in the exercise
    assert spread >= 2 * pause, (
        f"the five lines are made {pause} s apart, but they all arrived within {spread:.2f} s: "
        "Django collected them before sending (a sync iterator under ASGI is read whole with "
        "sync_to_async(list)) -- feed StreamingHttpResponse an async generator")
