"""Mistake: an unbounded queue: every event for a client that does not read stays in memory."""


from __future__ import annotations

import asyncio
from collections import deque


class Mailbox:
    def __init__(self, maxsize: int) -> None:
        if type(maxsize) is not int or maxsize < 1:
            raise ValueError(f"maxsize is an int >= 1, got {maxsize!r}")
        self.maxsize = maxsize
        self.dropped = 0
        self.items: deque[bytes] = deque()
        self.arrived = asyncio.Event()

    def publish(self, item: bytes) -> None:
        self.items.append(item)
        self.arrived.set()

    async def next(self) -> bytes:
        while not self.items:
            self.arrived.clear()
            await self.arrived.wait()
        return self.items.popleft()

    def __len__(self) -> int:
        return len(self.items)
