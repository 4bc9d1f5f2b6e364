"""course.bench: the arithmetic (ratios pair by pair, spread, verdict) and the interleaved order.

Pure functions and fake contenders only: nothing here is timed and no server starts.
"""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import pytest

from course import bench, load


def result(rps: float, p99: float = 1.0, tool: str = "fake") -> load.LoadResult:
    return load.LoadResult(tool=tool, requests=int(rps), errors=0, duration=1.0, p50_ms=p99 / 2,
                           p90_ms=p99, p99_ms=p99)


def measurement(name: str, *rps: float) -> bench.Measurement:
    return bench.Measurement(name, [result(r) for r in rps])


def test_pair_ratios_divide_run_k_by_run_k():
    assert bench.pair_ratios([100, 200, 300], [50, 100, 100]) == [2.0, 2.0, 3.0]


def test_pair_ratios_skip_zero_denominators_and_unmatched_runs():
    assert bench.pair_ratios([100, 200, 300], [0, 100]) == [2.0]


def test_spread_is_median_low_high():
    assert bench.spread([1.3, 0.9, 1.1]) == (1.1, 0.9, 1.3)
    with pytest.raises(ValueError):
        bench.spread([])


@pytest.mark.parametrize("low, high, pairs, want", [
    (1.1, 1.4, 3, "higher"),
    (0.5, 0.8, 3, "lower"),
    (0.9, 1.2, 3, "no clear difference"),
    (1.0, 1.3, 3, "no clear difference"),   # touching 1.0 counts as crossing it
    (0.7, 1.0, 2, "no clear difference"),
    (1.5, 1.5, 1, "one pair: no spread"),
    (0.99, 0.99, 2, "no clear difference"),  # within the tie band: rounding, not a result
    (1.01, 1.02, 3, "no clear difference"),
    (1.03, 1.05, 3, "higher"),              # just outside the band
])
def test_verdict(low, high, pairs, want):
    assert bench.verdict(low, high, pairs) == want


def test_ratio_is_taken_pair_by_pair_not_from_the_medians():
    # Medians 200 vs 200 would say 1.00; pair by pair A was ahead in two rounds of three and
    # far behind in one: the spread crosses 1, so there is no clear difference.
    a = measurement("A", 100, 200, 300)
    b = measurement("B", 300, 150, 200)
    (ratio,) = bench.ratios([a, b], "A")
    assert ratio.pairs == pytest.approx([1 / 3, 4 / 3, 1.5])
    assert ratio.median == pytest.approx(4 / 3)
    assert ratio.verdict == "no clear difference" and not ratio.clear


def test_ratio_line_keeps_the_old_prefix_and_adds_the_spread():
    a = measurement("ours", 200, 220, 180)
    b = measurement("theirs", 100, 100, 100)
    (line,) = bench.ratio_lines([a, b], "ours")
    assert line.startswith("ours / theirs = 2.00×")
    assert "spread 1.80–2.20 over 3 pairs" in line
    assert "no clear difference" not in line


def test_ratio_line_says_no_clear_difference_when_the_spread_crosses_one():
    a = measurement("ours", 90, 110, 100)
    b = measurement("theirs", 100, 100, 100)
    (line,) = bench.ratio_lines([a, b], "ours")
    assert line.endswith(": no clear difference)")


def test_ratio_line_with_one_pair_asks_for_more_rounds():
    (line,) = bench.ratio_lines([measurement("a", 2), measurement("b", 1)], "a")
    assert "over 1 pair" in line and "no spread" in line


def test_ratios_of_another_metric():
    a = bench.Measurement("a", [result(1, p99=10), result(1, p99=20)])
    b = bench.Measurement("b", [result(1, p99=5), result(1, p99=5)])
    (ratio,) = bench.ratios([a, b], "a", metric="p99_ms")
    assert ratio.pairs == [2.0, 4.0] and ratio.metric == "p99_ms"


def test_schedule_interleaves_rounds():
    assert bench.schedule(["A", "B", "C"], 2) == [
        (1, "A"), (1, "B"), (1, "C"), (2, "A"), (2, "B"), (2, "C")]


def fake_contender(name: str, log: list[str], path: str = "/") -> bench.Contender:
    @contextlib.contextmanager
    def start():
        log.append(f"start {name}")
        yield SimpleNamespace(url=f"http://127.0.0.1:1/{name}/")
        log.append(f"stop {name}")
    return bench.Contender(name, start, path=path)


def test_compare_warms_each_up_then_runs_interleaved_and_stops_everything():
    log: list[str] = []
    calls: list[tuple[str, float, int]] = []
    rps = {"A": 300.0, "B": 200.0, "C": 100.0}

    def fake_measure(url, *, concurrency, duration, tool, cpu):
        name = url.split("/")[3]
        calls.append((name, duration, concurrency))
        return result(rps[name])

    contenders = [fake_contender(n, log) for n in "ABC"]
    contenders[2].concurrency = 7
    results = bench.compare(contenders, runs=2, duration=3, warmup=0.5, drain=0,
                            concurrency=11, progress=log.append, measure=fake_measure)
    assert [name for name, _, _ in calls] == ["A", "B", "C"] * 3
    assert [d for _, d, _ in calls] == [0.5] * 3 + [3] * 6, "one warm-up each, then the runs"
    assert {c for n, _, c in calls if n == "C"} == {7} and {c for n, _, c in calls
                                                           if n == "A"} == {11}
    assert log[:3] == ["start A", "start B", "start C"]
    assert sorted(log[-3:]) == ["stop A", "stop B", "stop C"]
    assert [m.name for m in results] == ["A", "B", "C"]
    assert all(len(m.runs) == 2 for m in results), "warm-up runs are not kept"
    progress = [line for line in log if "round" in line]
    assert len(progress) == 6 and "round 1/2" in progress[0] and "round 2/2" in progress[-1]


def test_compare_without_warmup_measures_only_the_rounds():
    calls = []

    def fake_measure(url, **kwargs):
        calls.append(kwargs["duration"])
        return result(1)

    bench.compare([fake_contender("A", [])], runs=3, warmup=0, drain=0, duration=1,
                  progress=lambda line: None, measure=fake_measure)
    assert calls == [1, 1, 1]


def test_table_and_json_carry_the_spread_and_the_tool():
    results = [measurement("A", 100, 300, 200), measurement("B", 100, 100, 100)]
    table = bench.format_table(results)
    assert "100–300" in table and "fake" in table and "req/s" in table
    data = bench.to_json(results, subject="A")
    assert data["contenders"][0]["rps"] == [100, 300, 200]
    assert data["ratios"][0]["pairs"] == [1.0, 3.0, 2.0]
    assert data["ratios"][0]["verdict"] == "no clear difference", "the pair 100/100 touches 1.0"


def test_setup_line_names_the_tool():
    assert bench.setup_line("course.load", concurrency=5, duration=1, runs=2).startswith(
        "load generator: course.load (a Python client")
    line = bench.setup_line("wrk", concurrency=5, duration=1, runs=2)
    assert line.startswith("load generator: wrk;") and "2 interleaved round(s)" in line


def test_pin_prefixes_taskset_only_where_it_can(monkeypatch):
    monkeypatch.setattr(bench, "can_pin", lambda: True)
    assert bench.pin(["x"], 0) == ["taskset", "-c", "0", "x"]
    monkeypatch.setattr(bench, "can_pin", lambda: False)
    assert bench.pin(["x"], 0) == ["x"]


def test_compare_fresh_starts_each_run_anew_in_interleaved_order():
    log: list[str] = []

    def fake_measure(url, *, concurrency, duration, tool, cpu):
        log.append(f"measure {url.split('/')[3]} {duration}")
        return result(1)

    contenders = [fake_contender(n, log) for n in "AB"]
    results = bench.compare(contenders, runs=2, duration=2, warmup=0.5, drain=0, fresh=True,
                            progress=lambda line: None, measure=fake_measure)
    one_run = ["start {0}", "measure {0} 0.5", "measure {0} 2", "stop {0}"]
    want = [step.format(n) for n in "ABAB" for step in one_run]
    assert log == want
    assert [len(m.runs) for m in results] == [2, 2]


def test_compare_warms_up_with_the_contenders_warmup_concurrency():
    calls = []

    def fake_measure(url, *, concurrency, duration, tool, cpu):
        calls.append((duration, concurrency))
        return result(1)

    contender = fake_contender("A", [])
    contender.warmup_concurrency = 2
    bench.compare([contender], runs=1, duration=1, warmup=0.5, drain=0, concurrency=50,
                  progress=lambda line: None, measure=fake_measure)
    assert calls == [(0.5, 2), (1, 50)], "warm-up with 2 connections, the run with 50"


def test_a_ratio_in_words_says_the_verdict_and_its_spread():
    ahead = bench.Ratio("ours", "theirs", [1.2, 1.5, 1.3])
    assert ahead.in_words() == ("ours measured higher rps than theirs in every round "
                                "(spread 1.20×–1.50× over 3 rounds)")
    mixed = bench.Ratio("ours", "theirs", [0.8, 1.3])
    assert "no clear difference" in mixed.in_words() and "0.80×–1.30×" in mixed.in_words()
    assert "run more rounds" in bench.Ratio("ours", "theirs", [1.4]).in_words()
