"""course.load: bounded load, percentiles, keep-alive vs new connections; wrk when present."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from course import load, servers


@pytest.fixture(scope="module")
def server():
    with servers.start([sys.executable, "-m", "http.server", "--bind", "{host}", "{port}"],
                       name="http.server") as srv:
        yield srv


def test_run_is_bounded_by_request_count(server):
    result = load.run(server.url + "/", concurrency=4, requests=40, duration=10)
    assert result.requests == 40 and result.errors == 0
    assert result.statuses[200] == 40
    assert result.p50_ms <= result.p90_ms <= result.p99_ms
    assert result.tool == "course.load" and result.rps > 0


def test_run_is_bounded_by_time(server):
    result = load.run(server.url + "/", concurrency=2, duration=0.5)
    assert result.duration < 3


def test_new_connection_per_request_is_counted(server):
    result = load.run(server.url + "/", concurrency=2, requests=10, keep_alive=False)
    assert result.connections_opened == 10


def test_refuses_to_load_other_hosts():
    with pytest.raises(ValueError, match="only ever sent to this machine"):
        load.run("http://192.0.2.1/", requests=1)


def test_connection_errors_are_counted_not_raised():
    port = servers.free_port()
    result = load.run(f"http://127.0.0.1:{port}/", concurrency=1, requests=3)
    assert result.errors == 3 and result.failed == 3 and result.error_samples


@pytest.mark.skipif(shutil.which("wrk") is None and not os.environ.get("CI"),
                    reason="wrk not installed (.ci/run installs it; in CI nothing is skipped)")
def test_wrk_is_parsed(server):
    result = load.run_wrk(server.url + "/", concurrency=2, duration=1)
    assert result.tool == "wrk" and result.requests > 0 and result.p99_ms is not None
