"""Mistake: meets_target checks p99 only: a run that lost deliveries still passes.

Exercise 15.7 with one bug (the mistakes catalogue); the task is in
``exercises/15_capstone_workshop/ex7_load_test.py``.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass, field

import httpx
from websockets.asyncio.client import ClientConnection, connect

TARGET_P99_MS = 200
SUBSCRIBE_TIMEOUT = 10.0   # seconds to wait for /live/stats to count every client


# -- the report ------------------------------------------------------------------------------
@dataclass
class Report:
    """What one load test measured: one latency per delivery that arrived."""

    clients: int
    votes: int
    latencies_ms: list[float]
    lost: int

    def percentile(self, p: float) -> float:
        """The nearest-rank percentile: the smallest value with p % of the values <= it."""
        if not 0 < p <= 100:
            raise ValueError(f"p must be in (0, 100], got {p}")
        if not self.latencies_ms:
            raise ValueError("no latencies: nothing was delivered")
        ordered = sorted(self.latencies_ms)
        rank = math.ceil(p / 100 * len(ordered))
        return ordered[rank - 1]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def max(self) -> float:
        return max(self.latencies_ms)

    @property
    def meets_target(self) -> bool:
        return self.p99 < TARGET_P99_MS

    def __str__(self) -> str:
        deliveries = len(self.latencies_ms)
        verdict = "target met" if self.meets_target else "target NOT met"
        if deliveries == 0:
            return (f"{self.clients} clients, {self.votes} votes: 0 deliveries, "
                    f"{self.lost} lost -- {verdict}")
        return (f"{self.clients} clients, {self.votes} votes: {deliveries} deliveries, "
                f"{self.lost} lost; p50 {self.p50:.1f} ms, p99 {self.p99:.1f} ms, "
                f"max {self.max:.1f} ms -- {verdict} (p99 < {TARGET_P99_MS} ms, none lost)")


# -- one listening client ----------------------------------------------------------------------
@dataclass
class Listener:
    """One WebSocket client: what it received, as (arrival time, total votes) pairs."""

    websocket: ClientConnection
    received: list[tuple[float, int]] = field(default_factory=list)

    async def listen(self) -> None:
        """Note the arrival time of every message; as little work as possible per message."""
        async for message in self.websocket:
            arrived = time.perf_counter()
            total = total_votes(json.loads(message))
            self.received.append((arrived, total))

    def highest_total(self) -> int:
        return max((total for _, total in self.received), default=-1)

    def arrival_of(self, total: int) -> float | None:
        """When the first message showing at least ``total`` votes arrived (None: never)."""
        for arrived, seen in self.received:
            if seen >= total:
                return arrived
        return None


def total_votes(poll: dict) -> int:
    return sum(choice["votes"] for choice in poll["choices"])


def ws_url_for(base_url: str) -> str:
    """http://host:port -> ws://host:port (https -> wss)."""
    if base_url.startswith("https://"):
        return "wss://" + base_url.removeprefix("https://")
    return "ws://" + base_url.removeprefix("http://")


# -- the steps -----------------------------------------------------------------------------------
async def wait_until_subscribed(http: httpx.AsyncClient, poll_id: int, clients: int) -> None:
    """Ask /live/stats until the live service counts all our clients on this poll."""
    timeout = SUBSCRIBE_TIMEOUT
    deadline = time.perf_counter() + timeout
    subscribed = 0
    while True:
        stats = (await http.get("/live/stats")).json()
        subscribed = stats.get("polls", {}).get(str(poll_id), 0)
        if subscribed >= clients:
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"after {timeout:g} s /live/stats counts only {subscribed} of "
                               f"{clients} clients on poll {poll_id}")
        await asyncio.sleep(0.02)


async def current_total(http: httpx.AsyncClient, poll_id: int) -> int:
    response = await http.get(f"/api/polls/{poll_id}")
    response.raise_for_status()
    return total_votes(response.json())


async def cast_votes(http: httpx.AsyncClient, poll_id: int, choice_id: int, votes: int,
                     pause: float) -> list[float]:
    """Vote ``votes`` times, one after the other; the time each vote was sent."""
    sent_at = []
    for _ in range(votes):
        sent_at.append(time.perf_counter())           # before the POST: it is part of it
        response = await http.post(f"/api/polls/{poll_id}/votes", json={"choice_id": choice_id})
        response.raise_for_status()
        await asyncio.sleep(pause)
    return sent_at


async def wait_for_deliveries(listeners: list[Listener], goal: int, wait: float) -> None:
    """Until every client has seen ``goal`` votes, or ``wait`` seconds have passed."""
    deadline = time.perf_counter() + wait
    while any(listener.highest_total() < goal for listener in listeners):
        if time.perf_counter() > deadline:
            return
        await asyncio.sleep(0.01)


def measure(listeners: list[Listener], base: int, sent_at: list[float]) -> tuple[list[float], int]:
    """(latencies in ms of the deliveries that arrived, how many never did)."""
    latencies_ms = []
    lost = 0
    for listener in listeners:
        for k, sent in enumerate(sent_at, start=1):
            arrived = listener.arrival_of(base + k)
            if arrived is None:
                lost += 1
            else:
                latencies_ms.append((arrived - sent) * 1000)
    return latencies_ms, lost


# -- the whole test --------------------------------------------------------------------------------
async def run_load(base_url: str, poll_id: int, choice_id: int, clients: int = 200,
                   votes: int = 20, pause: float = 0.05, wait: float = 5.0) -> Report:
    """Open ``clients`` WebSockets on one poll, cast ``votes`` votes, time every delivery."""
    url = f"{ws_url_for(base_url)}/live/ws/{poll_id}"
    listeners: list[Listener] = []
    tasks: list[asyncio.Task] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        try:
            # 1. every client connects and starts listening
            for _ in range(clients):
                listener = Listener(await connect(url, open_timeout=10))
                listeners.append(listener)
                tasks.append(asyncio.create_task(listener.listen()))
            # 2. no vote before the live service counts every client
            await wait_until_subscribed(http, poll_id, clients)
            # 3. the votes so far: vote k is delivered by a message showing base + k
            base = await current_total(http, poll_id)
            # 4. the votes, each timed from just before its POST
            sent_at = await cast_votes(http, poll_id, choice_id, votes, pause)
            # 5. the last deliveries, for at most `wait` seconds
            await wait_for_deliveries(listeners, base + votes, wait)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*(listener.websocket.close() for listener in listeners),
                                 return_exceptions=True)
    latencies_ms, lost = measure(listeners, base, sent_at)
    return Report(clients=clients, votes=votes, latencies_ms=latencies_ms, lost=lost)
