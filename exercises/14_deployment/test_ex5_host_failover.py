"""Graded tests for exercise 14.5: a host killed or frozen; GETs retried, POSTs never."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter

import httpx
import pytest

from course import load


@pytest.fixture
def hosts(start_app, loopback_hosts):
    return [start_app(address, color=f"host{n}")
            for n, address in enumerate(loopback_hosts(3), start=1)]


@pytest.fixture
def web(hosts, start_nginx):
    return start_nginx(**{f"host{n}": f"{h.host}:{h.port}" for n, h in enumerate(hosts, start=1)})


def who_answered(web, count: int) -> Counter:
    with httpx.Client(timeout=10) as client:
        return Counter(client.get(web.url + "/").text.strip() for _ in range(count))


def require_all_three(web) -> None:
    seen = who_answered(web, 9)
    expected = {f"hello from host{n} (asgi)" for n in (1, 2, 3)}
    assert set(seen) == expected, (
        f"9 requests were answered by {dict(seen)}; put all three hosts in one upstream and "
        "proxy_pass to it")


def test_all_three_hosts_share_the_load(web):
    require_all_three(web)


def test_post_is_never_sent_twice(web, hosts):
    require_all_three(web)      # at once, rather than after a POST to host 1 hangs for 5 s
    frozen = hosts[0]
    frozen.send_signal(signal.SIGSTOP)
    try:
        try:
            with httpx.Client(timeout=5) as client:
                statuses = [client.post(web.url + "/upload", content=b"order #1").status_code
                            for _ in range(3)]
        except httpx.TimeoutException:
            pytest.fail("with host 1 frozen a POST got no answer within 5 s: nginx waits "
                        "proxy_read_timeout (60 s by default) -- make it a second or two",
                        pytrace=False)
    finally:
        frozen.send_signal(signal.SIGCONT)
    assert 200 in statuses, f"POSTs to the healthy hosts should succeed; got {statuses}"
    assert 504 in statuses, (
        f"three POSTs, with host 1 frozen, got {statuses}; the POST that reached the frozen "
        "host must not be repeated on another host (it may have done its work already) -- "
        "nginx answers 504 unless `non_idempotent` is in proxy_next_upstream: leave it out")


def test_frozen_host_is_given_up_on_and_gets_retried(web, hosts):
    require_all_three(web)
    frozen = hosts[2]
    frozen.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        try:
            with httpx.Client(timeout=5) as client:
                statuses = [client.get(web.url + "/health").status_code for _ in range(3)]
        except httpx.TimeoutException:
            pytest.fail("with host 3 frozen a GET got no answer within 5 s: nginx waits "
                        "proxy_read_timeout (60 s by default) -- make it a second or two",
                        pytrace=False)
        took = time.monotonic() - started
    finally:
        frozen.send_signal(signal.SIGCONT)
    assert statuses == [200, 200, 200], (
        f"with host 3 frozen, three GETs got {statuses}; a GET that times out on one host "
        "should be retried on the next (proxy_next_upstream ... timeout)")
    assert took < 6, (
        f"three GETs took {took:.1f} s with one host frozen: give up on a silent host after "
        "a second or two (proxy_read_timeout), not the default 60 s")


def test_no_get_lost_when_a_host_is_killed(web, hosts):
    require_all_three(web)
    victim = hosts[1]
    timer = threading.Timer(0.7, victim.proc.kill)
    timer.start()
    result = load.run(web.url + "/health", concurrency=6, duration=2.5, timeout=8,
                      keep_alive=False)
    timer.join()
    assert not victim.alive, "the test could not kill host 2"
    statuses = {code: n for code, n in result.statuses.items() if code != 200}
    assert result.requests > 20 and result.failed == 0, (
        f"host 2 was killed mid-load and {result.failed} of {result.requests + result.errors} "
        f"GETs failed (statuses {statuses}, errors {result.error_samples[:2]}); a refused "
        "connection should be retried on the next host (proxy_next_upstream error ...)")
