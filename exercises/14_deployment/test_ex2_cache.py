"""Graded tests for exercise 14.2: cache statuses and the number of calls that reach the app."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest


@pytest.fixture
def app(start_app):
    return start_app()


@pytest.fixture
def web(app, start_nginx, tmp_path):
    return start_nginx(backend=f"127.0.0.1:{app.port}", cache_dir=tmp_path / "cache")


def fresh_url(web, **query: object) -> str:
    """A URL nobody has asked for yet: a cold cache entry."""
    params = "&".join(f"{k}={v}" for k, v in {**query, "key": uuid.uuid4().hex}.items())
    return f"{web.url}/news?{params}"


def cache_status(answer: httpx.Response) -> str:
    return answer.headers.get("x-cache-status", "(no X-Cache-Status header)")


def test_second_request_is_a_hit_and_spares_the_app(web, app, app_calls):
    url = fresh_url(web, max_age=60)
    with httpx.Client(timeout=10) as client:
        statuses = [cache_status(client.get(url)) for _ in range(3)]
    assert statuses == ["MISS", "HIT", "HIT"], (
        f"three GETs of one URL (max-age=60) gave X-Cache-Status {statuses}; expected "
        "MISS, HIT, HIT -- turn proxy_cache on and add the header with $upstream_cache_status")
    assert app_calls(app, "/news") == 1, (
        f"the app was called {app_calls(app, '/news')} times for 3 requests; a HIT must not "
        "reach it")


def test_concurrent_cold_requests_make_one_app_call(web, app, app_calls):
    url = fresh_url(web, max_age=60, delay=0.5)
    with httpx.Client(timeout=15, limits=httpx.Limits(max_connections=8)) as client:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: client.get(url), range(8)))
    assert all(a.status_code == 200 for a in answers), [a.status_code for a in answers]
    calls = app_calls(app, "/news")
    assert calls == 1, (
        f"8 requests for one cold URL arrived together and the app was called {calls} times; "
        "proxy_cache_lock on makes the others wait for the first one's answer")


def test_authorization_never_reads_or_fills_the_cache(web, app, app_calls):
    url = fresh_url(web, max_age=60)
    with httpx.Client(timeout=10) as client:
        client.get(url)                                        # now cached for everybody
        with_auth = [client.get(url, headers={"Authorization": "Bearer alice"})
                     for _ in range(2)]
        other = fresh_url(web, max_age=60)
        client.get(other, headers={"Authorization": "Bearer bob"})
        anonymous = client.get(other)
    statuses = [cache_status(a) for a in with_auth]
    assert statuses == ["BYPASS", "BYPASS"], (
        f"two requests with Authorization for a cached URL got {statuses}: they must not be "
        "answered from the cache, which holds a page made for nobody in particular "
        "(proxy_cache_bypass $http_authorization) -- expected BYPASS, BYPASS")
    assert cache_status(anonymous) == "MISS" and app_calls(app, "/news") == 5, (
        f"bob's answer (sent with Authorization) was served from the cache to an anonymous "
        f"request ({cache_status(anonymous)}); it must never be stored "
        "(proxy_no_cache $http_authorization)")


def test_private_answers_are_never_shared(web, app, app_calls):
    with httpx.Client(timeout=10) as client:
        answers = []
        for _ in range(3):
            client.cookies.clear()
            answers.append(client.get(f"{web.url}/private"))
    cookies = {a.headers.get("set-cookie") for a in answers}
    statuses = [cache_status(a) for a in answers]
    assert "x-cache-status" in answers[0].headers, (
        "answers should carry X-Cache-Status ($upstream_cache_status), add_header ... always")
    assert "HIT" not in statuses and len(cookies) == 3 and app_calls(app, "/private") == 3, (
        f"/private (Set-Cookie, Cache-Control: private) was answered {statuses} with "
        f"{len(cookies)} different cookies for 3 visitors: one visitor's cookie was served to "
        "another -- never proxy_ignore_headers Set-Cookie or Cache-Control for such answers")


def test_expired_answer_is_served_stale_and_refreshed_in_the_background(web, app, app_calls):
    url = fresh_url(web, max_age=1)
    with httpx.Client(timeout=10) as client:
        first = cache_status(client.get(url))
        # each check as soon as it can be made: no waiting for an expiry or a refresh that
        # cannot come
        assert first == "MISS", f"the first request should be a MISS; got {first}"
        time.sleep(2.1)     # max-age=1, counted by nginx in whole seconds: up to 2 s to expire
        started = time.perf_counter()
        expired = client.get(url)
        statuses = [first, cache_status(expired)]
        assert statuses[1] == "STALE", (
            f"after max-age the next request got {statuses[1]}; with proxy_cache_use_stale "
            "updating and proxy_cache_background_update on it gets the old copy at once "
            "(STALE) while nginx refreshes it")
        deadline = time.monotonic() + 5
        while statuses[-1] != "HIT" and time.monotonic() < deadline:
            statuses.append(cache_status(client.get(url)))
    assert statuses[-1] == "HIT" and app_calls(app, "/news") == 2, (
        f"statuses {statuses}, app calls {app_calls(app, '/news')}: the background refresh "
        "should call the app once and make the entry fresh (HIT) again")
    assert time.perf_counter() - started < 5
