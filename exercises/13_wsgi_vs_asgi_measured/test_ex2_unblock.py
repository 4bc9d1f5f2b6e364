"""Graded tests for exercise 13.2: /ping stays fast while a blocking report is being built."""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from course import servers
from course.asgi import acall_asgi

PING_LIMIT = 0.3      # seconds; a blocked loop makes a ping wait for the whole 0.5 s report


def _header(reply, name: bytes) -> bytes | None:
    return next((value for key, value in reply.headers if key.lower() == name), None)


async def _report_then_ping(exercise) -> tuple[object, float, bool]:
    """Start /report?n=7; once build_report has begun, send a /ping.

    Returns the report's reply, the seconds from the start of build_report to the ping's
    answer, and whether the report was already done when the ping was answered.
    """
    started = threading.Event()
    began: list[float] = []
    original = exercise.build_report

    def watched(n: int) -> bytes:
        began.append(time.perf_counter())
        started.set()
        return original(n)

    exercise.build_report = watched
    try:
        report = asyncio.create_task(acall_asgi(exercise.app, path="/report",
                                                query_string=b"n=7", timeout=10))
        while not started.is_set() and not report.done():
            await asyncio.sleep(0.005)          # let the report reach build_report
        ping = await acall_asgi(exercise.app, path="/ping")
        ping_seconds = time.perf_counter() - began[0] if began else float("inf")
        report_done_first = report.done()
        assert ping.status == 200 and ping.body == b"pong\n", (
            f"GET /ping should answer 200 b'pong\\n', got {ping.status} {ping.body!r}")
        try:
            reply = await report
        except Exception as exc:  # noqa: BLE001 -- the learner's app raised: say so plainly
            pytest.fail(f"GET /report?n=7 raised {type(exc).__name__}: {exc}. "
                        "Await the result of the blocking call (asyncio.to_thread returns "
                        "a coroutine; run_in_executor a future).", pytrace=False)
    finally:
        exercise.build_report = original
    return reply, ping_seconds, report_done_first


def test_ping_is_answered_while_a_report_is_built_in_process(exercise):
    reply, ping_seconds, report_done_first = asyncio.run(_report_then_ping(exercise))
    assert not report_done_first and ping_seconds < PING_LIMIT, (
        f"GET /ping was answered {ping_seconds:.3f} s after build_report() began, "
        f"{'after' if report_done_first else 'before'} the report was finished "
        f"(limit: {PING_LIMIT} s, before the report). "
        "build_report() blocks: called inside async def it holds the event loop, and every "
        "other request on it waits. Run it in a thread: await asyncio.to_thread(build_report, n)")
    want = b"report #7: all good\n"
    assert reply.status == 200 and reply.body == want, (
        f"GET /report?n=7 should answer 200 with build_report(7)'s bytes {want!r}, "
        f"got {reply.status} {reply.body!r}")
    assert _header(reply, b"content-length") == str(len(want)).encode(), (
        f"Content-Length should be {len(want)}, got {_header(reply, b'content-length')!r}")


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:       # a 4xx/5xx is an answer too
        return error.code, error.read()


def test_ping_stays_fast_under_uvicorn_while_reports_are_built(exercise_file):
    with servers.uvicorn(f"{exercise_file.stem}:app", app_dir=exercise_file.parent) as server:
        _get(server.url + "/ping")                                     # warm-up
        with ThreadPoolExecutor(2) as pool:
            reports = [pool.submit(_get, server.url + f"/report?n={n}") for n in (1, 2)]
            pings = []
            while not all(r.done() for r in reports):     # ping back to back meanwhile
                t0 = time.perf_counter()
                ping = _get(server.url + "/ping")
                pings.append(time.perf_counter() - t0)
                assert ping == (200, b"pong\n"), (
                    f"GET /ping should answer 200 b'pong\\n', got {ping}")
            answers = [r.result() for r in reports]
    assert answers == [(200, b"report #1: all good\n"), (200, b"report #2: all good\n")], (
        f"two reports built at once under uvicorn should both answer 200 with build_report's "
        f"bytes, got {answers!r}")
    assert max(pings) < PING_LIMIT, (
        f"while two reports were built, the slowest of {len(pings)} pings took "
        f"{max(pings):.3f} s (limit {PING_LIMIT} s): the event loop was blocked. Run "
        "build_report in a thread: await asyncio.to_thread(build_report, n)")
