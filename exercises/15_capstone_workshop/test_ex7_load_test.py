"""Graded tests for exercise 15.7: a load test that measures what it claims to.

Three groups:

* your ``Report``'s arithmetic, in process, on latencies whose percentiles are known;
* your ``run_load()`` against a stand-in app whose latencies are known
  (``_load_fakes.py`` under uvicorn): it answers each vote's POST after 80 ms and delivers
  the vote to the clients 150 ms after the POST arrived, so a correct load test measures
  about 150 ms -- variants subscribe the clients late, lose some deliveries, or send one
  message for two votes;
* the real thing: your whole app (nginx, gunicorn, uvicorn, stages 15.1-15.5) under your
  load test, which must meet the latency target with nothing lost.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from course import servers

FAKES = Path(__file__).resolve().parent / "_load_fakes.py"
FAKE_POLL_ID = 7
FAKE_CHOICE_ID = 2
FAKE_BASE_VOTES = 8          # the stand-in poll starts with 3 + 5 votes
POST_MS = 80                 # the stand-in answers each vote's POST after this long ...
DELIVERY_MS = 150            # ... and delivers it to the clients this long after it arrived

# the real app under load: 100 clients, not the 200 an idle machine serves (p99 40-56 ms).
# Measured on 2 cores with a CPU burner on one (as with two pytest workers), the reference's
# p99 was 60-180 ms at 200 clients, 45-57 ms at 100; with other suites running as well,
# 160-580 ms at 200 clients and 58-125 ms at 100 (best of three <= 72 ms).
LOAD_CLIENTS = 100
LOAD_VOTES = 20
LOAD_PAUSE = 0.05
LOAD_RUNS = 3                # a shared machine may spoil one run: the best of three counts


# -- helpers ---------------------------------------------------------------------------------
@pytest.fixture
def start_fake() -> Iterator[Callable[..., servers.Server]]:
    """``start_fake(FAKE_COALESCE="2", …)``: the stand-in app on a free port."""
    started: list[servers.Server] = []

    def start(**env: str) -> servers.Server:
        server = servers.uvicorn(f"{FAKES.stem}:app", app_dir=FAKES.parent,
                                 args=["--log-level", "warning", "--no-access-log"],
                                 env={"FAKE_POST_MS": str(POST_MS),
                                      "FAKE_DELIVERY_MS": str(DELIVERY_MS), **env})
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop(3)
        if server.output().strip():   # shown by pytest when the test failed
            print(f"--- what the stand-in printed ---\n{server.output()}")


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def load(exercise, base_url: str, within: float = 30, **options: float):
    """Run your run_load() on the stand-in's poll (for at most ``within`` s); its Report."""
    run = exercise.run_load(base_url, FAKE_POLL_ID, FAKE_CHOICE_ID, **options)
    report = asyncio.run(asyncio.wait_for(run, within))
    assert isinstance(report, exercise.Report), (
        f"run_load() should return a Report, got {type(report).__name__}: {report!r}")
    return report


def expect_deliveries(report, clients: int, votes: int, lost: int, case: str) -> None:
    assert report.clients == clients and report.votes == votes, (
        f"{case}: the Report says {report.clients} clients and {report.votes} votes, the test "
        f"ran {clients} and {votes}")
    assert report.lost == lost, (
        f"{case}: expected lost == {lost}, got {report.lost} -- lost = clients x votes - the "
        f"deliveries that arrived ({clients} x {votes} = {clients * votes} expected here)")
    arrived = clients * votes - lost
    assert len(report.latencies_ms) == arrived, (
        f"{case}: expected one latency per delivery that arrived ({arrived}), got "
        f"{len(report.latencies_ms)}")


def report_of(exercise, latencies: list[float], lost: int = 0, clients: int = 1):
    votes = max(1, math.ceil((len(latencies) + lost) / clients))
    return exercise.Report(clients=clients, votes=votes, latencies_ms=latencies, lost=lost)


# -- Report: the arithmetic ------------------------------------------------------------------
@pytest.mark.parametrize("n, p, expected", [
    (1, 50, 42.0), (1, 99, 42.0), (1, 100, 42.0),
    (100, 50, 50.0), (100, 99, 99.0), (100, 100, 100.0), (100, 1, 1.0),
    (200, 50, 100.0), (200, 99, 198.0), (200, 99.5, 199.0),
    (10, 95, 10.0), (10, 90, 9.0), (10, 15, 2.0),
])
def test_percentile_by_nearest_rank(exercise, n, p, expected):
    values = [42.0] if n == 1 else [float(v) for v in range(1, n + 1)]
    random.Random(n).shuffle(values)       # the report sorts them itself
    report = report_of(exercise, values)
    got = report.percentile(p)
    assert got == expected, (
        f"percentile({p}) of {n} latencies (1.0 ... {float(n)} ms, shuffled) should be "
        f"{expected} by nearest rank -- sorted(values)[ceil(p / 100 * n) - 1] -- got {got}")


def test_p50_p99_and_max(exercise):
    values = [float(v) for v in range(1, 201)]
    random.Random(7).shuffle(values)
    report = report_of(exercise, values)
    for name, expected in (("p50", 100.0), ("p99", 198.0), ("max", 200.0)):
        got = getattr(report, name)
        assert got == expected, (
            f"report.{name} of the latencies 1.0 ... 200.0 ms should be {expected}, got {got} "
            "(p50 = percentile(50), p99 = percentile(99), max = the largest latency)")


def test_meets_target_needs_p99_under_the_target_and_nothing_lost(exercise):
    target = exercise.TARGET_P99_MS
    assert target == 200, f"TARGET_P99_MS is given: 200, not {target}"
    cases = [
        ("p99 just under the target, none lost", [10.0] * 99 + [target - 0.5], 0, True),
        ("p99 == the target (it must be under it)", [10.0] * 98 + [float(target)] * 2, 0, False),
        ("p99 over the target", [10.0] * 90 + [target + 50.0] * 10, 0, False),
        ("fast, but one delivery lost", [10.0] * 99, 1, False),
    ]
    for case, latencies, lost, expected in cases:
        report = report_of(exercise, latencies, lost=lost)
        got = report.meets_target
        assert got is expected, (
            f"{case}: meets_target should be {expected}, got {got!r} -- the target is met only "
            f"when p99 < {target} ms AND no delivery was lost")


def test_str_is_one_readable_line(exercise):
    met = exercise.Report(clients=7, votes=3, latencies_ms=[11.0] * 20 + [33.0], lost=0)
    missed = exercise.Report(clients=7, votes=3, latencies_ms=[11.0] * 19 + [230.0], lost=2)
    for report, verdict in ((met, "target met"), (missed, "target not met")):
        text = str(report)
        assert "\n" not in text.strip(), f"str(report) should be one line, got:\n{text}"
        shown = ["7", "3", str(len(report.latencies_ms)), str(report.lost),
                 "11", f"{report.p99:.0f}", f"{report.max:.0f}"]
        missing = [number for number in shown if number not in text]
        assert not missing, (
            f"str(report) should show clients (7), votes (3), deliveries "
            f"({len(report.latencies_ms)}), lost ({report.lost}), p50/p99/max in ms; "
            f"{missing} not found in {text!r}")
        assert verdict in text.lower(), f"str(report) should say {verdict!r}: {text!r}"


# -- run_load against the stand-in ---------------------------------------------------------------
def test_latency_is_timed_from_just_before_each_post(exercise, start_fake):
    fake = start_fake()
    clients, votes = 10, 4
    report = load(exercise, fake.url, clients=clients, votes=votes, pause=0.05, wait=2.0)
    expect_deliveries(report, clients, votes, 0, "a stand-in that delivers every vote")
    fastest, slowest = min(report.latencies_ms), max(report.latencies_ms)
    assert fastest >= DELIVERY_MS - 5, (
        f"the stand-in delivers each vote {DELIVERY_MS} ms after its POST arrived, so no "
        f"latency can be under that; your fastest is {fastest:.1f} ms -- take t0 = "
        "time.perf_counter() just BEFORE the POST (after it returns is "
        f"{POST_MS} ms late), and a message counts for vote k only when its total votes reach "
        f"base + k (the first message is the poll as it was, {FAKE_BASE_VOTES} votes)")
    assert slowest < DELIVERY_MS + 500, (
        f"the stand-in delivers each vote {DELIVERY_MS} ms after its POST arrived; your "
        f"slowest latency is {slowest:.1f} ms -- measure from just before each vote's POST, "
        "not from the start of the test")
    stats = get_json(fake.url + "/live/stats")
    deadline = time.monotonic() + 5
    while stats["clients"] and time.monotonic() < deadline:
        time.sleep(0.05)
        stats = get_json(fake.url + "/live/stats")
    assert stats["clients"] == 0, (
        f"after run_load() returned the stand-in still has {stats['clients']} clients: "
        "close every WebSocket before returning")


def test_no_vote_before_every_client_is_subscribed(exercise, start_fake):
    fake = start_fake(FAKE_SUBSCRIBE_S="1.0")
    clients, votes = 8, 3
    report = load(exercise, fake.url, clients=clients, votes=votes, pause=0.05, wait=2.0)
    assert report.lost == 0, (
        f"a stand-in whose clients are subscribed 1 s after they connect: {report.lost} "
        f"deliveries lost -- a WebSocket that is open is not yet subscribed; wait until GET "
        "/live/stats counts all your clients on the poll before the first vote")
    expect_deliveries(report, clients, votes, 0, "clients subscribed 1 s after connecting")
    slowest = max(report.latencies_ms)
    assert slowest < DELIVERY_MS + 500, (
        f"clients subscribed 1 s after connecting: your slowest latency is {slowest:.1f} ms, "
        f"the stand-in delivers {DELIVERY_MS} ms after each POST -- the wait for the "
        "subscriptions is not part of any vote's latency")


def test_gives_up_when_the_clients_are_never_subscribed(exercise, start_fake, monkeypatch):
    fake = start_fake(FAKE_SUBSCRIBE_S="60")
    monkeypatch.setattr(exercise, "SUBSCRIBE_TIMEOUT", 0.5)
    started = time.monotonic()
    with pytest.raises(TimeoutError) as raised:
        load(exercise, fake.url, within=10, clients=3, votes=2, pause=0.05, wait=1.0)
    took = time.monotonic() - started
    assert took < 5, (f"with SUBSCRIBE_TIMEOUT = 0.5 run_load() gave up only after {took:.1f} s "
                      "(read SUBSCRIBE_TIMEOUT when run_load runs)")
    total = sum(c["votes"] for c in get_json(f"{fake.url}/api/polls/{FAKE_POLL_ID}")["choices"])
    assert total == FAKE_BASE_VOTES, (
        f"clients never subscribed, yet {total - FAKE_BASE_VOTES} votes were cast: give up "
        "before the first vote")
    assert str(raised.value), "the TimeoutError should say what never happened"


def test_lost_deliveries_are_counted_exactly(exercise, start_fake):
    fake = start_fake(FAKE_DEAF_EVERY="4", FAKE_DEAF_AFTER="2")
    clients, votes = 10, 4
    report = load(exercise, fake.url, clients=clients, votes=votes, pause=0.05, wait=0.6)
    deaf = len(range(0, clients, 4))                     # clients 1, 5 and 9
    expect_deliveries(report, clients, votes, deaf * (votes - 2),
                      f"a stand-in where {deaf} of {clients} clients hear nothing after vote 2")
    assert not report.meets_target, "deliveries were lost: meets_target must be False"


def test_one_message_may_cover_several_votes(exercise, start_fake):
    fake = start_fake(FAKE_COALESCE="2")
    clients, votes = 8, 4
    report = load(exercise, fake.url, clients=clients, votes=votes, pause=0.05, wait=2.0)
    expect_deliveries(report, clients, votes, 0,
                      "a stand-in that sends one message per two votes (totals +2, +4)")
    fastest = min(report.latencies_ms)
    assert fastest >= DELIVERY_MS - 5, (
        f"one message per two votes: your fastest latency is {fastest:.1f} ms, none can be "
        f"under {DELIVERY_MS} ms -- vote k arrives with the first message whose total "
        "reaches base + k")


# -- the real app ------------------------------------------------------------------------------
def test_the_app_meets_the_target_under_load(exercise, start_stack):
    _ = exercise.Report(clients=1, votes=1, latencies_ms=[1.0], lost=0).p99   # done yet?
    stack = start_stack()
    reports = []
    for run in range(1, LOAD_RUNS + 1):
        poll = stack.create_poll(f"Load test, run {run}: tabs or spaces?", ["Tabs", "Spaces"])
        choice_id = poll["choices"][1]["id"]
        stack.vote(poll["id"], choice_id)     # warm up; the clients get a snapshot first
        report = asyncio.run(asyncio.wait_for(exercise.run_load(
            stack.url, poll["id"], choice_id, clients=LOAD_CLIENTS, votes=LOAD_VOTES,
            pause=LOAD_PAUSE), 60))
        print(f"run {run}: {report}")
        reports.append(report)
        assert report.lost == 0, (
            f"{report.lost} of {LOAD_CLIENTS * LOAD_VOTES} deliveries never arrived: every "
            f"client must see every vote ({report})")
        if report.p99 < exercise.TARGET_P99_MS:
            return
    shown = "; ".join(str(report) for report in reports)
    pytest.fail(f"your app missed the target in {LOAD_RUNS} runs of {LOAD_CLIENTS} clients x "
                f"{LOAD_VOTES} votes: p99 must be < {exercise.TARGET_P99_MS} ms -- {shown}",
                pytrace=False)
