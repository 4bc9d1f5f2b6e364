"""Graded tests of exercise 12.4: a blocking call off the event loop, a sized thread pool."""

from __future__ import annotations

import asyncio
import threading

import httpx


async def _with_app(app, body):
    """Run the app's lifespan startup, ``await body(client)``, then shutdown -- one loop."""
    inbox: asyncio.Queue = asyncio.Queue()
    outbox: asyncio.Queue = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
             "state": {}}
    task = asyncio.ensure_future(app(scope, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    reply = await asyncio.wait_for(outbox.get(), 5)
    assert reply["type"] == "lifespan.startup.complete", f"the app's startup said {reply}"
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test",
                                     timeout=10) as client:
            return await body(client)
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(outbox.get(), 5)
        await asyncio.wait_for(task, 5)


def test_report_runs_in_a_worker_thread_and_answers(exercise, monkeypatch):
    seen = {}

    def watched_report(rows):
        seen["thread"] = threading.current_thread()
        return {"rows": rows, "total": 99}

    monkeypatch.setattr(exercise, "slow_report", watched_report)

    async def body(client):
        seen["loop_thread"] = threading.current_thread()
        return await client.get("/report", params={"rows": 4})

    response = asyncio.run(_with_app(exercise.app, body))
    assert response.status_code == 200 and response.json() == {"rows": 4, "total": 99}, (
        "GET /report?rows=4 must answer what slow_report(4) returns; got "
        f"{response.status_code} {response.text}")
    assert seen.get("thread") is not seen.get("loop_thread"), (
        "slow_report ran on the event loop's own thread: while it blocks, no other request "
        "on this loop can run -- make the endpoint a plain `def` (FastAPI then uses its "
        "thread pool) or await run_in_threadpool(slow_report, rows)")


def test_health_answers_while_a_report_runs(exercise, monkeypatch):
    started = threading.Event()
    release = threading.Event()

    def held_report(rows):
        started.set()
        release.wait(timeout=2)
        return {"rows": rows, "released_by_health": release.is_set()}

    monkeypatch.setattr(exercise, "slow_report", held_report)

    async def body(client):
        report = asyncio.ensure_future(client.get("/report", params={"rows": 1}))
        await asyncio.to_thread(started.wait, 2)
        health = await client.get("/health")
        release.set()
        return health, await report

    health, report = asyncio.run(_with_app(exercise.app, body))
    assert health.status_code == 200, f"/health answered {health.status_code}"
    assert report.json().get("released_by_health") is True, (
        "a report held its thread until /health answered, but /health could only answer after "
        "the report gave up waiting: the blocking call froze the event loop")


def test_the_pool_runs_THREAD_TOKENS_reports_at_once(exercise, monkeypatch):
    count = 45                     # more than anyio's default 40, fewer than THREAD_TOKENS
    together = threading.Barrier(count, timeout=3)

    def meeting_report(rows):
        try:
            together.wait()
            return {"rows": rows, "together": True}
        except threading.BrokenBarrierError:
            return {"rows": rows, "together": False}

    monkeypatch.setattr(exercise, "slow_report", meeting_report)

    async def body(client):
        answers = await asyncio.gather(*(client.get("/report", params={"rows": n})
                                         for n in range(count)))
        return [answer.json().get("together") for answer in answers]

    together_flags = asyncio.run(_with_app(exercise.app, body))
    assert all(together_flags), (
        f"{count} reports each wait until all {count} are running; "
        f"{together_flags.count(False)} gave up: anyio's default limiter lets only 40 threads "
        f"run -- raise current_default_thread_limiter().total_tokens to THREAD_TOKENS "
        f"({exercise.THREAD_TOKENS}) in the app's lifespan")
