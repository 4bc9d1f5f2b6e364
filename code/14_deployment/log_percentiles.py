"""Latency percentiles from nginx's JSON access log: the whole request vs the app's part.

    python code/14_deployment/log_percentiles.py PATH/TO/access.json
    python code/14_deployment/log_percentiles.py --demo

Each line of the log (``log_format json_log escape=json`` in nginx/site.conf) is one JSON
object.  Two of its times answer different questions:

* ``request_time`` -- from nginx reading the first byte of the request to writing the last
  byte of the answer: what the client lived through (slow clients and slow networks included);
* ``upstream_response_time`` -- from nginx connecting to the app server to reading the last
  byte of its answer: the app's part.  Empty when the app was not asked (a cache HIT, a
  redirect, a 429 from limit_req); several comma-separated values when nginx tried more than
  one server (retries), which are added up here.

The script prints p50, p90, p99 and max of both (nearest-rank percentiles) and how many
requests never reached the app.  ``--demo`` brings the stack up (``stack.py``), sends a mix
of fast, slow and cached requests through it, and reads that log.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of them at or below."""
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def upstream_seconds(field: str) -> float | None:
    """``"0.004"`` -> 0.004; ``"0.001, 0.003"`` (a retry) -> 0.004; ``""``/``"-"`` -> None."""
    parts = [p.strip() for p in field.replace(":", ",").split(",") if p.strip() not in ("", "-")]
    if not parts:
        return None
    return sum(float(p) for p in parts)


def summarize(lines: Iterable[str]) -> dict[str, object]:
    request_times: list[float] = []
    upstream_times: list[float] = []
    not_upstream = 0
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        request_times.append(float(entry["request_time"]))
        upstream = upstream_seconds(str(entry.get("upstream_response_time", "")))
        if upstream is None:
            not_upstream += 1
        else:
            upstream_times.append(upstream)
    table: dict[str, object] = {"requests": len(request_times), "not_upstream": not_upstream}
    for name, values in (("request_time", request_times), ("upstream_response_time",
                                                            upstream_times)):
        ordered = sorted(values)
        if ordered:
            table[name] = {label: percentile(ordered, share) for label, share in
                           (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))}
    return table


def print_table(table: dict[str, object]) -> None:
    print(f"{table['requests']} requests, {table['not_upstream']} answered without the app")
    print(f"{'':24} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}   (seconds)")
    for name in ("request_time", "upstream_response_time"):
        row = table.get(name)
        if isinstance(row, dict):
            cells = " ".join(f"{row[k]:8.3f}" for k in ("p50", "p90", "p99", "max"))
            print(f"{name:24} {cells}")


def demo() -> list[str]:
    from stack import Stack
    with Stack(quiet=True) as stack:
        with stack.https_client() as client:
            for turn in range(40):
                client.get(stack.https_url + "/")
                client.get(stack.https_url + "/cached/news?max_age=60")
                if turn % 10 == 0:
                    client.get(stack.https_url + "/async/slow?seconds=0.2")
        assert stack.web is not None
        return (stack.web.prefix / "logs" / "access.json").read_text().splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", nargs="?", type=Path, help="an nginx JSON access log")
    parser.add_argument("--demo", action="store_true", help="make a log with the stack first")
    args = parser.parse_args()
    if args.demo:
        lines = demo()
    elif args.log:
        lines = args.log.read_text().splitlines()
    else:
        parser.error("give a log file, or --demo")
    print_table(summarize(lines))


if __name__ == "__main__":
    main()
