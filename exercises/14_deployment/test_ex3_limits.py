"""Graded tests for exercise 14.3: 429s counted from a burst, 413 for big bodies, no version."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest


@pytest.fixture
def web(start_app, start_nginx):
    app = start_app()
    return start_nginx(backend=f"127.0.0.1:{app.port}")


def burst(web, path: str, count: int = 20) -> Counter:
    """``count`` requests back to back from one client: how many got each status."""
    with httpx.Client(timeout=10) as client:
        return Counter(client.get(web.url + path).status_code for _ in range(count))


def test_api_burst_beyond_the_limit_gets_429(web):
    statuses = burst(web, "/api/whoami")
    admitted = sum(n for status, n in statuses.items() if status != 429)
    assert statuses[429] >= 8, (
        f"20 API requests back to back got statuses {dict(statuses)}; at 5 r/s with a burst "
        "of 5 most must be refused with 429 (limit_req, and limit_req_status 429: nginx's "
        "default for refused requests is 503)")
    assert 6 <= admitted <= 9, (
        f"{admitted} of 20 API requests got through ({dict(statuses)}): the first request "
        "plus a burst of 5 answered at once (nodelay), and a request or so more as the "
        "5 r/s allowance refills -- check rate=5r/s and burst=5")


def test_refused_requests_are_429_not_503(web):
    statuses = burst(web, "/api/whoami")
    assert statuses[503] == 0 and statuses[429] > 0, (
        f"statuses {dict(statuses)}: requests refused by the rate limit must be answered "
        "429 Too Many Requests (RFC 6585 §4), not 503 -- set limit_req_status 429")


def test_pages_outside_the_api_are_not_limited(web):
    assert burst(web, "/api/whoami", 15)[429] > 0, "the API should be limited first"
    statuses = burst(web, "/whoami", 30)
    assert statuses == Counter({200: 30}), (
        f"30 requests to /whoami (not under /api/) got {dict(statuses)}; only /api/ is "
        "rate limited -- put limit_req inside `location /api/`")


def test_big_bodies_are_refused_small_ones_pass(web):
    with httpx.Client(timeout=10) as client:
        small = client.post(web.url + "/upload", content=b"x" * 32 * 1024)
        big = client.post(web.url + "/upload", content=b"x" * 100 * 1024)
    assert big.status_code == 413, (
        f"a 100 KiB body got {big.status_code}; nginx should refuse bodies over 64 KiB with "
        "413 (client_max_body_size 64k)")
    assert small.status_code == 200 and small.text == f"{32 * 1024} bytes\n", (
        f"a 32 KiB body got {small.status_code} {small.text!r}; bodies under the cap reach "
        "the app")


def test_server_header_has_no_version(web):
    answer = httpx.get(web.url + "/whoami", timeout=10)
    assert answer.headers.get("server") == "nginx", (
        f"Server: {answer.headers.get('server')!r}; `server_tokens off;` hides the version")
