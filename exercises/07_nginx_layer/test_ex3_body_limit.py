"""Graded tests for exercise 7.3: bodies up to 256 KiB pass, bigger ones get a JSON 413."""

from __future__ import annotations

import json

import pytest

KIB = 1024


@pytest.fixture
def web(start_backends, start_nginx):
    (app,) = start_backends("app")
    return start_nginx(backend=f"127.0.0.1:{app.port}")


def post(web, http, size: int):
    return http(web.port, "/upload", method="POST", body=b"u" * size,
                headers={"Content-Type": "application/octet-stream"})


def test_small_body_reaches_the_app(web, http):
    status, _, body = post(web, http, 200 * KIB)
    seen = http.json(body)
    assert status == 200 and seen is not None, (
        f"POST /upload with 200 KiB should be proxied to the app; got {status} {body[:80]!r}")
    assert seen["body_bytes"] == 200 * KIB, (
        f"the app received {seen['body_bytes']} body bytes, expected {200 * KIB}")


def test_body_at_the_limit_is_accepted(web, http):
    status, _, body = post(web, http, 256 * KIB)
    assert status == 200 and http.json(body) is not None, (
        f"exactly 256 KiB (262144 bytes) is within the limit and should reach the app; got "
        f"{status} -- client_max_body_size 256k allows bodies up to and including 256 KiB")


def test_bigger_body_gets_a_custom_json_413(web, http):
    status, headers, body = post(web, http, 256 * KIB + 1)
    assert status == 413, (
        f"a body one byte over 256 KiB should be refused by nginx with 413 Content Too Large, "
        f"got {status} -- set client_max_body_size")
    assert headers.get("content-type", "").startswith("application/json"), (
        f"the 413 page should be JSON (Content-Type application/json), got "
        f"{headers.get('content-type')!r} -- nginx's default 413 page is HTML; use error_page 413")
    try:
        data = json.loads(body)
    except ValueError:
        pytest.fail(f"the 413 body is not valid JSON: {body[:120]!r}", pytrace=False)
    assert isinstance(data, dict) and "error" in data, (
        f"the 413 JSON should be an object with an \"error\" key, got {data!r}")
