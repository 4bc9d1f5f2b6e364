"""Mistake: http.disconnect sits at the end of the queue: the second call pops an empty deque.

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

    queue.append({"type": "http.disconnect"})

    async def receive() -> dict:
        if queue[0]["type"] == "http.disconnect":
            await disconnected.wait()
        return queue.popleft()

    return receive
