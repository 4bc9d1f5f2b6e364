"""Graded tests for exercise 7.2: an upstream of three backends, balanced round-robin."""

from __future__ import annotations

from collections import Counter

import pytest


@pytest.fixture
def web(start_backends, start_nginx):
    b1, b2, b3 = start_backends("b1", "b2", "b3")
    return start_nginx(**{f"backend{i}": f"127.0.0.1:{s.port}"
                          for i, s in enumerate((b1, b2, b3), start=1)})


def answers(web, http, n: int) -> Counter:
    seen: Counter = Counter()
    for _ in range(n):
        status, _, body = http(web.port, "/")
        report = http.json(body)
        assert status == 200 and report is not None, (
            f"GET / through nginx should be answered by one of the backends; got {status} "
            f"{body[:80]!r}")
        seen[report["backend"]] += 1
    return seen


def test_every_backend_answers(web, http):
    seen = answers(web, http, 6)
    assert set(seen) == {"b1", "b2", "b3"}, (
        f"6 requests were answered by {dict(seen)}; all three backends ({{{{backend1}}}}, "
        "{{backend2}}, {{backend3}}) belong in one `upstream` block that proxy_pass names")


def test_round_robin_spreads_evenly(web, http):
    seen = answers(web, http, 30)
    assert all(8 <= seen[name] <= 12 for name in ("b1", "b2", "b3")), (
        f"30 requests one after another were spread {dict(seen)}; round robin gives each of "
        "three equal servers 10 (is a weight, backup or ip_hash skewing it?)")
