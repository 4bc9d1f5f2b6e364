"""Graded tests for exercise 14.6: every log line is JSON, and its id is the one the app logged."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest

KEYS = {"request_id": str, "request": str, "status": int, "request_time": (int, float),
        "upstream_response_time": str, "user_agent": str}


@pytest.fixture
def app(start_app):
    return start_app()


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "access.json"


@pytest.fixture
def web(app, start_nginx, log):
    return start_nginx(backend=f"127.0.0.1:{app.port}", log=log)


def log_lines(log: Path, web, expected: int) -> list[str]:
    """The log once nginx has written ``expected`` lines, or what it has after 5 s.

    nginx writes a request's line *after* it has sent the answer, so the client can read
    the answer a moment before the line is in the file: wait for it, never just read.
    """
    deadline = time.monotonic() + 5
    lines: list[str] = []
    while time.monotonic() < deadline:
        if log.exists():
            lines = [line for line in log.read_text().splitlines() if line.strip()]
            if len(lines) >= expected:
                break
        time.sleep(0.01)
    assert log.exists(), "nothing was written to {{log}}: write `access_log {{log}} …;`"
    return lines


def entries(log: Path, web, expected: int = 1) -> list[dict]:
    parsed = []
    for line in log_lines(log, web, expected):
        try:
            parsed.append(json.loads(line))
        except ValueError as exc:
            pytest.fail(f"this access-log line is not JSON ({exc}):\n  {line}\n"
                        "-- a log_format of one JSON object, with escape=json", pytrace=False)
    return parsed


def test_each_line_is_a_json_object_with_the_keys(web, log):
    httpx.get(web.url + "/whoami", timeout=10)
    httpx.get(web.url + "/nowhere", timeout=10)
    found = entries(log, web, expected=2)
    assert len(found) == 2, f"2 requests, {len(found)} log lines"
    for entry in found:
        for key, kind in KEYS.items():
            assert key in entry, f"log line {entry} has no key {key!r}"
            assert isinstance(entry[key], kind), (
                f"{key!r} should be a JSON {getattr(kind, '__name__', 'number')}; got "
                f"{entry[key]!r} -- numbers unquoted ($status), strings in quotes")
    assert [e["status"] for e in found] == [200, 404]
    assert re.fullmatch(r"[0-9a-f]{32}", found[0]["request_id"]), (
        f"request_id {found[0]['request_id']!r} should be nginx's $request_id (32 hex digits)")


def test_quotes_and_backslashes_stay_valid_json(web, log):
    nasty = 'curl "quoted" \\ back\\slash'
    httpx.get(web.url + '/a"b\\c', headers={"User-Agent": nasty}, timeout=10)
    found = entries(log, web)
    assert found and found[-1]["user_agent"] == nasty, (
        f"the User-Agent {nasty!r} should come back from the log unchanged; got "
        f"{found[-1].get('user_agent') if found else None!r} -- log_format … escape=json")


def test_the_app_and_the_client_get_the_logged_request_id(web, log, app):
    answer = httpx.get(web.url + "/whoami", timeout=10)
    logged = entries(log, web)[-1]["request_id"]
    seen_by_app = json.loads(answer.text)["request_id"]
    assert seen_by_app == logged, (
        f"the app was given X-Request-ID {seen_by_app!r} but nginx logged {logged!r}; send "
        "proxy_set_header X-Request-ID $request_id")
    assert f'"request_id": "{logged}"' in app.output(), "the app's own log should carry it"
    assert answer.headers.get("x-request-id") == logged, (
        f"the client got X-Request-ID {answer.headers.get('x-request-id')!r}, the log says "
        f"{logged!r}: add_header X-Request-ID $request_id always;")


def test_error_answers_carry_the_request_id_too(web, log):
    answer = httpx.get(web.url + "/nowhere", timeout=10)
    logged = entries(log, web)[-1]["request_id"]
    assert answer.status_code == 404 and answer.headers.get("x-request-id") == logged, (
        f"a 404 came back with X-Request-ID {answer.headers.get('x-request-id')!r} (log: "
        f"{logged!r}); add_header needs `always` to reach error answers")
