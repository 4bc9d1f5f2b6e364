"""Exercise 11.3 -- a bounded mailbox between a fast publisher and a slow client.

One publisher (a price feed, a chat room) fans events out to many SSE clients.  Each client
gets a mailbox: the publisher drops events in, the client's response loop takes them out and
``await send(...)``s them.  When a client stops reading, its ``send`` blocks (once the
transport's write buffer passes the event loop's 64 KiB high-water mark, uvicorn's ``send``
waits until the client reads) -- and a mailbox that simply grows keeps every event for that
client in memory, for ever.  This one is bounded.

Write the class ``Mailbox(maxsize)``:

* ``maxsize`` is an ``int`` >= 1, else ``ValueError``;
* ``publish(item)`` puts ``item`` in and returns at once -- it is a plain function, the
  publisher never waits for a slow client.  When the mailbox already holds ``maxsize``
  items, the **oldest** one is thrown away to make room (a live feed prefers fresh news),
  and ``dropped`` goes up by one;
* ``async next()`` returns the oldest item; on an empty mailbox it waits until one is
  published;
* ``len(mailbox)`` is the number of items waiting; ``mailbox.dropped`` the number thrown away
  so far (0 at the start).

However long the client does not read, the mailbox never holds more than ``maxsize`` items:
memory stays flat.  (The graded tests publish thousands of 10 KB items into a mailbox nobody
reads and measure the memory it keeps, with ``tracemalloc``.)

Check: ``python -m course check 11``.
"""

from __future__ import annotations


class Mailbox:
    def __init__(self, maxsize: int) -> None:
        self.dropped = 0
        self.items: list[bytes] = []   # TODO(exercise 11.3): bounded, drop the oldest

    def publish(self, item: bytes) -> None:
        raise NotImplementedError("exercise 11.3: keep at most maxsize items, drop the oldest")

    async def next(self) -> bytes:
        raise NotImplementedError("exercise 11.3: wait for an item, return the oldest")

    def __len__(self) -> int:
        return len(self.items)
