"""Graded tests for exercise 6.3: the worker-count rule of thumb and the concurrency model."""

from __future__ import annotations

import os

import pytest


def raises_value_error(call, description: str, why: str) -> None:
    """Fail with a learner-facing message unless ``call()`` raises ValueError."""
    try:
        got = call()
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as exc:   # noqa: BLE001
        pytest.fail(f"{description} should raise ValueError ({why}); it raised "
                    f"{type(exc).__name__}: {exc}", pytrace=False)
    pytest.fail(f"{description} should raise ValueError ({why}); it returned {got!r}",
                pytrace=False)


def test_usable_cores(exercise):
    if hasattr(os, "sched_getaffinity"):
        want = len(os.sched_getaffinity(0))
    else:
        want = os.cpu_count() or 1
    got = exercise.usable_cores()
    assert got == want, (f"usable_cores() returned {got!r}; this process may run on {want} "
                         "core(s) (os.sched_getaffinity(0) where it exists, else os.cpu_count())")


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs os.sched_setaffinity")
def test_usable_cores_honours_the_affinity_mask(exercise):
    allowed = os.sched_getaffinity(0)
    one = {min(allowed)}
    os.sched_setaffinity(0, one)         # like `taskset -c N python ...`, or a container's cpuset
    try:
        got = exercise.usable_cores()
    finally:
        os.sched_setaffinity(0, allowed)
    assert got == 1, (
        f"this process was restricted to one core (as taskset or a container's CPU set does), "
        f"but usable_cores() returned {got!r}: os.cpu_count() counts every core of the machine; "
        "os.sched_getaffinity(0) counts the ones this process may use")


@pytest.mark.parametrize("cores, want", [(1, 3), (2, 5), (4, 9), (16, 33)])
def test_rule_of_thumb(exercise, cores, want):
    got = exercise.rule_of_thumb(cores)
    assert got == want, f"rule_of_thumb({cores}) should be 2 * {cores} + 1 = {want}, got {got!r}"


@pytest.mark.parametrize("cores", [0, -2])
def test_rule_of_thumb_rejects_no_cores(exercise, cores):
    raises_value_error(lambda: exercise.rule_of_thumb(cores), f"rule_of_thumb({cores})",
                       "a machine has at least one core")


@pytest.mark.parametrize("args, want", [
    ((1, 1, 0.1), 10.0), ((4, 1, 0.1), 40.0), ((2, 8, 0.1), 160.0), ((3, 4, 0.05), 240.0),
])
def test_capacity_rps(exercise, args, want):
    got = exercise.capacity_rps(*args)
    assert got == pytest.approx(want), (
        f"capacity_rps{args} should be workers * threads / seconds = {want}, got {got!r}")


@pytest.mark.parametrize("args", [(0, 1, 0.1), (1, 0, 0.1), (1, 1, 0), (1, 1, -0.1)])
def test_capacity_rps_rejects_non_positive(exercise, args):
    raises_value_error(lambda: exercise.capacity_rps(*args), f"capacity_rps{args}",
                       "any argument <= 0 is a ValueError")


@pytest.mark.parametrize("args, want", [
    ((50, 0.1), 5), ((51, 0.1), 6), ((30, 0.1), 3), ((100, 0.1, 4), 3), ((1, 0.1), 1),
    ((0.5, 0.1), 1), ((1000, 0.1, 25), 4), ((70, 0.1, 7), 1),
])
def test_workers_needed(exercise, args, want):
    got = exercise.workers_needed(*args)
    assert got == want, (f"workers_needed{args} should be {want} (the fewest workers with "
                         f"workers * threads / seconds >= target, at least 1), got {got!r}")
    assert isinstance(got, int), f"workers_needed should return an int, got {type(got).__name__}"


# 100 requests/s at 70 ms each need exactly 7 workers, but in binary floating point
# 100 * 0.07 is 7.000000000000001 (0.07 has no exact binary form), and so is 200 * 0.07 / 2.
@pytest.mark.parametrize("args, want", [((100, 0.07), 7), ((200, 0.07, 2), 7)])
def test_workers_needed_ignores_floating_point_noise(exercise, args, want):
    target, seconds, *threads = args
    computed = target * seconds / (threads[0] if threads else 1)
    got = exercise.workers_needed(*args)
    assert got == want, (
        f"workers_needed{args} should be {want}: exactly {want} workers reach the target, but "
        f"in floating point the product is {computed!r}, and rounding that up adds a worker "
        f"nobody needs; got {got!r}. Subtract a tiny epsilon (e.g. 1e-9) before math.ceil")


@pytest.mark.parametrize("args", [(0, 0.1), (10, 0), (10, 0.1, 0), (-5, 0.1)])
def test_workers_needed_rejects_non_positive(exercise, args):
    raises_value_error(lambda: exercise.workers_needed(*args), f"workers_needed{args}",
                       "any argument <= 0 is a ValueError")
