"""Mistake: polls the event every 10 ms instead of awaiting it.

The reference solution of exercise 9.3 with this one bug; a graded test must fail on it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable


def make_receive(chunks: list[bytes],
                 disconnected: asyncio.Event) -> Callable[[], Awaitable[dict]]:
    pending = deque(chunks or [b""])
    queue = deque({"type": "http.request", "body": chunk, "more_body": i < len(pending) - 1}
                  for i, chunk in enumerate(pending))

    async def receive() -> dict:
        if queue:
            return queue.popleft()
        while not disconnected.is_set():
            await asyncio.sleep(0.01)
        return {"type": "http.disconnect"}

    return receive
