"""Graded tests for exercise 6.2: the counter is right with many threads at once."""

from __future__ import annotations

import urllib.request
from concurrent.futures import ThreadPoolExecutor

from course import servers
from course.testing import call_wsgi

THREADS, HITS_EACH = 8, 20


def _check(before: int, numbers: list[int], after: int, where: str) -> None:
    total = len(numbers)
    lost = total - (after - before)
    dupes = total - len(set(numbers))
    assert lost == 0 and dupes == 0, (
        f"{where}: {total} hits from {THREADS} threads at once, but the counter went from "
        f"{before} to {after} ({lost} hits lost) and {dupes} hits got a number another hit "
        "also got. Two threads read the same value before either wrote it back: hold a "
        "threading.Lock around the whole read - _save - write sequence.")
    want = list(range(before + 1, after + 1))
    assert sorted(numbers) == want, (
        f"{where}: the counter went from {before} to {after}, so the {total} hits should have "
        f"answered the new values {before + 1} .. {after}, one each; they answered "
        f"{min(numbers)} .. {max(numbers)}. GET /hit answers the value AFTER adding one.")


def test_hits_from_many_threads_in_process(exercise):
    def count() -> int:
        res = call_wsgi(exercise.app, path="/count")
        assert res.status.startswith("200"), f"GET /count should answer 200 OK, got {res.status}"
        return int(res.body)

    def hits(_: int) -> list[int]:
        out = []
        for _ in range(HITS_EACH):
            res = call_wsgi(exercise.app, path="/hit")
            assert res.status.startswith("200"), f"GET /hit should answer 200 OK, got {res.status}"
            out.append(int(res.body))
        return out

    before = count()
    with ThreadPoolExecutor(THREADS) as pool:
        numbers = [n for batch in pool.map(hits, range(THREADS)) for n in batch]
    _check(before, numbers, count(), "called in-process from threads")
    missing = call_wsgi(exercise.app, path="/nope")
    assert missing.status.startswith("404"), f"an unknown path should be 404, got {missing.status}"


def test_hits_under_gunicorn_gthread(exercise_file):
    with servers.gunicorn(f"{exercise_file.stem}:app", chdir=exercise_file.parent, workers=1,
                          worker_class="gthread", threads=THREADS) as server:
        def get(path: str) -> int:
            with urllib.request.urlopen(server.url + path, timeout=20) as resp:
                return int(resp.read())

        def hits(_: int) -> list[int]:
            return [get("/hit") for _ in range(HITS_EACH)]

        before = get("/count")
        with ThreadPoolExecutor(THREADS) as pool:
            numbers = [n for batch in pool.map(hits, range(THREADS)) for n in batch]
        _check(before, numbers, get("/count"), "under gunicorn -k gthread --threads 8")
