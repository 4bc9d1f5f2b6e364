"""Graded tests for exercise 13.1: the capacity model, on numbers and against a real gunicorn."""

from __future__ import annotations

import pytest

from course import load, servers
from course.settings import ROOT

APPS = ROOT / "code" / "13_wsgi_vs_asgi_measured"    # apps:wsgi_io waits ?ms= milliseconds
TOLERANCE = 0.35      # a measurement on a shared machine is never exact


@pytest.mark.parametrize("args, want", [
    ((100, 1, 1, 0.1), 10.0), ((100, 4, 1, 0.1), 40.0), ((100, 2, 16, 0.1), 320.0),
    ((5, 2, 8, 0.1), 50.0), ((1000, 1, 1000, 0.1), 10_000.0), ((8, 1, 4, 0.2), 20.0),
])
def test_model_rps(exercise, args, want):
    got = exercise.model_rps(*args)
    assert got == pytest.approx(want), (
        f"model_rps{args}: min(connections, workers × threads) / seconds = {want}, got {got!r}")


@pytest.mark.parametrize("args, want", [
    ((100, 1, 1), "budget"), ((5, 2, 8), "clients"), ((16, 2, 8), "clients"),
    ((17, 2, 8), "budget"),
])
def test_bottleneck(exercise, args, want):
    got = exercise.bottleneck(*args)
    assert got == want, (f"bottleneck{args}: with {args[0]} clients and a budget of "
                         f"{args[1] * args[2]} the limit is {want!r}, got {got!r}")


@pytest.mark.parametrize("args, want", [
    ((8, 1, 4, 0.1), 0.2), ((3, 1, 4, 0.1), 0.1), ((100, 1, 1, 0.1), 10.0),
    ((100, 4, 25, 0.05), 0.05),
])
def test_model_latency(exercise, args, want):
    got = exercise.model_latency(*args)
    assert got == pytest.approx(want), (
        f"model_latency{args}: Little's law gives connections / throughput = {want} s, "
        f"got {got!r}")


@pytest.mark.parametrize("call", [
    "model_rps(0, 1, 1, 0.1)", "model_rps(1, 0, 1, 0.1)", "model_rps(1, 1, 0, 0.1)",
    "model_rps(1, 1, 1, 0)", "bottleneck(1, 1, -1)", "model_latency(1, 1, 1, -0.1)",
])
def test_rejects_non_positive_arguments(exercise, call):
    try:
        eval("exercise." + call, {"exercise": exercise})
    except ValueError:
        return
    pytest.fail(f"{call} should raise ValueError: the model has no meaning for values <= 0",
                pytrace=False)


@pytest.mark.parametrize("connections", [2, 8])
def test_model_matches_a_measured_gunicorn(exercise, connections):
    """gunicorn gthread, 1 worker × 4 threads, a 100 ms endpoint, loaded for 2 s."""
    predicted_rps = exercise.model_rps(connections, 1, 4, 0.1)
    predicted_latency = exercise.model_latency(connections, 1, 4, 0.1)
    with servers.gunicorn("apps:wsgi_io", chdir=APPS, worker_class="gthread",
                          threads=4) as server:
        load.run(server.url + "/?ms=100", concurrency=4, duration=0.3)   # warm-up
        measured = load.run(server.url + "/?ms=100", concurrency=connections, duration=2)
    assert measured.errors == 0, f"the load run had errors: {measured.error_samples}"
    mean_latency = sum(measured.latencies_ms) / len(measured.latencies_ms) / 1000
    assert abs(measured.rps - predicted_rps) <= TOLERANCE * predicted_rps, (
        f"{connections} clients, 1 worker × 4 threads, 100 ms per request: your model says "
        f"{predicted_rps:.0f} req/s, gunicorn served {measured.rps:.0f} req/s "
        f"(tolerance ±{TOLERANCE:.0%})")
    assert abs(mean_latency - predicted_latency) <= TOLERANCE * predicted_latency, (
        f"{connections} clients, 1 worker × 4 threads: your model says each request takes "
        f"{predicted_latency:.3f} s, the mean measured was {mean_latency:.3f} s "
        f"(tolerance ±{TOLERANCE:.0%})")
