"""Exercise 9.3 -- ``receive`` (reference solution).

See the stub in exercises/09_asgi_server_from_scratch/ex3_receive.py for the task.
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
        await disconnected.wait()
        return {"type": "http.disconnect"}

    return receive
