"""Mistake: one module-level queue: every receive() takes from the same chunks.

The reference solution of exercise 9.3 with this one bug; a graded test must fail on it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable

QUEUE: deque = deque()


def make_receive(chunks: list[bytes],
                 disconnected: asyncio.Event) -> Callable[[], Awaitable[dict]]:
    pending = deque(chunks or [b""])
    queue = QUEUE
    queue.extend({"type": "http.request", "body": chunk, "more_body": i < len(pending) - 1}
                  for i, chunk in enumerate(pending))

    async def receive() -> dict:
        if queue:
            return queue.popleft()
        await disconnected.wait()
        return {"type": "http.disconnect"}

    return receive
