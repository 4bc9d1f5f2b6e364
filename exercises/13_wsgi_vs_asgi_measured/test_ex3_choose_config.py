"""Graded tests for exercise 13.3: a configuration that meets a latency target, run for real."""

from __future__ import annotations

import pytest

from course import load, servers
from course.settings import ROOT

APPS = ROOT / "code" / "13_wsgi_vs_asgi_measured"    # apps:wsgi_io waits ?ms= milliseconds


@pytest.mark.parametrize("args, want", [
    ((24, 0.2, 0.25, 2), (2, 10)),     # 19.2 -> 20 slots
    ((8, 0.1, 1.0, 4), (1, 1)),        # a queue of 8 x 0.1 s is within 1 s
    ((100, 0.1, 0.1, 4), (4, 25)),     # every client needs a thread
    ((100, 0.1, 0.5, 4), (4, 5)),      # 20 slots
    ((30, 0.1, 0.4, 1), (1, 8)),       # 7.5 slots -> 8: rounding down would miss the target
    ((24, 0.2, 0.3, 2), (2, 8)),       # 16.000000000000004 must stay 16
    ((33, 0.1, 0.1, 2), (2, 17)),      # 33 slots: round threads up
    ((10, 0.1, 0.1, 16), (10, 1)),     # more cores than slots: no idle workers
    ((5, 0.1, 0.05 + 0.05, 1), (1, 5)),
])
def test_choose(exercise, args, want):
    got = exercise.choose(*args)
    clients, _, target, cores = args
    assert (got.workers, got.threads) == want, (
        f"choose{args}: the fewest slots with seconds × clients / slots <= {target} (at most "
        f"{clients}), workers = min({cores}, slots), threads = ceil(slots / workers) gives "
        f"Config(workers={want[0]}, threads={want[1]}); got {got!r}")


@pytest.mark.parametrize("args", [
    (0, 0.1, 1, 2), (10, 0, 1, 2), (10, 0.1, 0, 2), (10, 0.1, 1, 0),
    (10, 0.2, 0.1, 2),                 # target below the service time
])
def test_choose_rejects_impossible_or_non_positive(exercise, args):
    try:
        exercise.choose(*args)
    except ValueError:
        return
    pytest.fail(f"choose{args} should raise ValueError (an argument <= 0, or a latency target "
                "below the time each request waits anyway)", pytrace=False)


@pytest.mark.parametrize("clients, target", [(24, 0.25), (12, 0.6)])
def test_chosen_config_meets_the_target_under_gunicorn(exercise, clients, target):
    """200 ms per request, 1 core: start gunicorn as chosen, load it with `clients`.

    One core, so one worker: with several gthread workers the kernel hands keep-alive
    connections to workers unevenly, and the busier one queues more than the model says.
    """
    config = exercise.choose(clients, 0.2, target, 1)
    assert config.workers * config.threads <= clients, (
        f"{config!r} has more threads than the {clients} clients can keep busy")
    with servers.gunicorn("apps:wsgi_io", chdir=APPS, workers=config.workers,
                          worker_class=config.worker_class, threads=config.threads) as server:
        load.run(server.url + "/?ms=200", concurrency=clients, duration=0.5)     # warm-up
        measured = load.run(server.url + "/?ms=200", concurrency=clients, duration=2.5)
    assert measured.errors == 0, f"the load run had errors: {measured.error_samples}"
    mean = sum(measured.latencies_ms) / len(measured.latencies_ms) / 1000
    assert mean <= target * 1.2, (
        f"{clients} clients, 200 ms per request, gunicorn with {config!r}: the mean latency was "
        f"{mean:.3f} s, over the {target} s target (+20% for measuring on a shared machine). "
        "Too few slots: requests queue for a thread.")
