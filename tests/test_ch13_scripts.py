"""Chapter 13 scripts do what their docstrings promise, run with tiny parameters (seconds).

No test here asserts a speed: the experiments' numbers belong to the machine that ran them.
The tests check the shape of what each script promises -- its table, its ratio lines with a
spread, its JSON and PNG in ``--out`` -- and that it leaves nothing running.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from course import servers
from course.asgi import call_asgi
from course.modules import load_path
from course.testing import call_wsgi

CODE = Path(__file__).resolve().parent.parent / "code" / "13_wsgi_vs_asgi_measured"
RATIO = r"= [\d.]+× \(spread [\d.]+–[\d.]+ over \d+ pairs?"

pytestmark = pytest.mark.xdist_group("ch13_scripts")


def run_script(name: str, *args: str, timeout: float = 240) -> str:
    done = subprocess.run([sys.executable, str(CODE / name), *args], check=False,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, object]:
    """Run every experiment once with tiny parameters into one --out directory."""
    out = tmp_path_factory.mktemp("ch13_results")
    outputs = {
        "ladder": run_script("ladder.py", "--runs", "2", "--duration", "1", "--warmup", "0.5",
                             "--concurrency", "4", "--only", "gunicorn sync", "uvicorn (h11)",
                             "--out", str(out)),
        "budget": run_script("budget.py", "--connections", "8", "--runs", "1", "--duration",
                             "1", "--warmup", "0", "--out", str(out)),
        "idle_memory": run_script("idle_memory.py", "--connections", "40", "--out", str(out)),
        "blocked_loop": run_script("blocked_loop.py", "--runs", "1", "--duration", "0.5",
                                   "--out", str(out)),
        "gil": run_script("gil.py", "--runs", "2", "--work", "20000", "--out", str(out)),
        "fanout": run_script("fanout.py", "--clients", "5", "--broadcasts", "2", "--runs", "1",
                             "--out", str(out)),
    }
    return {"out": out, **outputs}


def saved(results, name: str) -> dict:
    out = results["out"]
    assert (out / f"{name}.png").stat().st_size > 1000, f"{name}.png was not drawn"
    data = json.loads((out / f"{name}.json").read_text())
    assert data["machine"]["cores"] >= 1
    return data


@pytest.mark.slow
def test_ch13_ladder_py_interleaves_and_prints_ratios_with_spread(results):
    out = results["ladder"]
    assert out.startswith(("load generator: wrk", "load generator: course.load")) or \
        "\nload generator: " in out, out
    rounds = re.findall(r"round (\d)/2\s+(.+?)\s{2,}", out)
    assert [r[0] for r in rounds] == ["1", "1", "2", "2"], "rounds interleave A B A B"
    assert "req/s" in out and "min–max" in out and "p99 ms" in out
    assert re.search(r"uvicorn \(h11\) / gunicorn sync " + RATIO, out), out
    data = saved(results, "ladder")
    assert {c["name"] for c in data["contenders"]} == {"gunicorn sync", "uvicorn (h11)"}
    assert all(len(c["rps"]) == 2 for c in data["contenders"])
    assert data["interfaces"] == {"gunicorn sync": "WSGI", "uvicorn (h11)": "ASGI"}


@pytest.mark.slow
def test_ch13_budget_py_prints_model_and_observed(results):
    out = results["budget"]
    assert "model" in out and "observed" in out and "obs/model" in out
    data = saved(results, "budget")
    (level,) = data["levels"]
    models = {row["name"]: row["model_rps"] for row in level["rows"]}
    assert models["gunicorn sync, 1 worker"] == pytest.approx(10)      # min(8, 1) / 0.1
    assert models["gunicorn sync, 4 workers"] == pytest.approx(40)
    assert models["gunicorn gthread, 2 × 16"] == pytest.approx(80)     # min(8, 32) / 0.1
    assert models["uvicorn (asyncio)"] == pytest.approx(80)
    assert re.search(r"a thread per connection / uvicorn \(asyncio\) " + RATIO, out), out


@pytest.mark.slow
def test_ch13_idle_memory_py_measures_every_server_and_raises_the_fd_limit(results):
    out = results["idle_memory"]
    data = saved(results, "idle_memory")
    assert data["levels"] == [40] and data["open_file_limit"] >= 40
    names = {row["name"] for row in data["rows"]}
    assert len(names) == 6 and any("deflate" in n for n in names)
    assert all(row["held"] + row["failed"] == 40 for row in data["rows"])
    assert "KiB" in out and "idle connections" in out


@pytest.mark.slow
def test_ch13_blocked_loop_py_reports_p99_and_loop_lag(results):
    out = results["blocked_loop"]
    assert "worst loop lag ms" in out
    assert re.search(r"p99: uvicorn, time.sleep in async def / uvicorn, no slow client " + RATIO,
                     out), out
    data = saved(results, "blocked_loop")
    lags = {row["name"]: row["worst_lag_ms"] for row in data["rows"]}
    assert lags["gunicorn gthread 1 × 4, time.sleep"] is None, "no event loop to monitor there"
    assert lags["uvicorn, time.sleep in async def"] is not None


@pytest.mark.slow
def test_ch13_gil_py_compares_threads_and_processes(results):
    out = results["gil"]
    assert re.search(r"processes × 1 / threads × 1 " + RATIO, out), out
    data = saved(results, "gil")
    assert {row["name"] for row in data["rows"]} >= {"threads × 1", "processes × 1"}


@pytest.mark.slow
def test_ch13_fanout_py_reports_delivery_percentiles(results):
    out = results["fanout"]
    assert "p50 ms" in out and "p99 ms" in out and "max ms" in out
    data = saved(results, "fanout")
    (level,) = data["levels"]
    assert level["clients"] == 5
    assert all(run["messages"] == 5 * 2 for row in level["rows"] for run in row["runs"])


@pytest.mark.slow
def test_ch13_seed_table_py_reprints_every_claim_from_saved_results(results):
    out = run_script("seed_table.py", "--out", str(results["out"]), timeout=60)
    assert "running a short version" not in out, "every experiment had a saved result"
    claims = re.findall(r"^CLAIM\s+(.+?)\s+\[", out, re.MULTILINE)
    assert len(claims) == 7 and "WSGI processes requests one at a time" in claims
    assert out.count("VERDICT") == 7 and out.count("MEASURED") == 7
    data = json.loads((results["out"] / "seed_table.json").read_text())
    assert all(row["verdict"] for row in data["rows"])


def test_ch13_apps_py_endpoints_answer_in_process():
    apps = load_path(CODE / "apps.py")
    reply = call_wsgi(apps.wsgi_io, path="/", query="ms=1")
    assert reply.status_code == 200 and reply.body == b"waited\n"
    assert call_wsgi(apps.wsgi_hello).body == b"Hello, world!\n"
    reply = call_asgi(apps.asgi_blocking, path="/fixed", query_string=b"ms=1")
    assert reply.status == 200 and reply.body == b"waited in a thread\n"


@pytest.mark.parametrize("kind", ["http", "ws"])
def test_ch13_threaded_servers_py_serves_keep_alive_and_the_hub(kind):
    with servers.script(CODE / "threaded_servers.py", args=["--kind", kind]) as srv:
        assert f"Listening on http://127.0.0.1:{srv.port}" in srv.wait_for_output("Listening on")
        if kind == "http":
            with urllib.request.urlopen(srv.url, timeout=5) as reply:
                assert reply.read() == b"Hello, world!\n"
            return

        async def next_text(client, wanted: str) -> str:
            """The next message equal to ``wanted`` (earlier hub traffic is skipped)."""
            while True:
                message = await asyncio.wait_for(client.recv(), 5)
                if message == wanted:
                    return message

        async def broadcast() -> list[str]:
            url = srv.url.replace("http", "ws")
            async with connect(url) as one, connect(url) as two:
                # A client is in the hub once its own broadcast comes back to it: wait for
                # both, or the test broadcast could reach the hub before `two` joined.
                for client, name in ((one, "one"), (two, "two")):
                    await client.send(f"broadcast {name} joined")
                    await next_text(client, f"broadcast {name} joined")
                await one.send("broadcast hello")
                return [await next_text(two, "broadcast hello"),
                        await next_text(one, "broadcast hello")]

        assert asyncio.run(broadcast()) == ["broadcast hello", "broadcast hello"]


def test_ch13_experiment_py_raises_the_open_file_limit_within_the_hard_limit():
    import resource
    experiment = load_path(CODE / "experiment.py")
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    got = experiment.raise_open_files(soft)          # asking for what we have changes nothing
    assert got == soft
    assert experiment.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
