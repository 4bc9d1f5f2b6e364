"""Exercise 9.2 -- the ``send`` state machine: the order of the app's messages, enforced.

The app emits its response with ``await send(message)``.  The ASGI HTTP spec fixes the
order: exactly one ``http.response.start``, then one or more ``http.response.body``
messages, the last with ``more_body`` false (absent means false).  A server that accepts
anything else writes broken HTTP, so it raises in the app instead.

Write the class ``SendState`` with:

* ``state`` -- ``"start"`` (nothing sent yet), ``"streaming"`` (head accepted, body may
  follow) or ``"done"`` (the final body was accepted);
* ``advance(message)`` -- check one message and move on, or raise ``RuntimeError``:
  - in ``"start"``: only ``http.response.start``, whose ``status`` is an int from 100 to 599
    and whose ``headers`` (optional, default empty) are pairs of *bytes*; keep them in
    ``self.status`` and ``self.headers`` (a list of ``(name, value)`` tuples);
  - in ``"streaming"``: only ``http.response.body``; append its ``body`` (default ``b""``)
    to ``self.body`` (a bytearray); if ``more_body`` is false, go to ``"done"``;
  - in ``"done"``: every message raises (nothing may follow the final body).
  A message of any other type raises too.  The error message should say what was expected
  and what came.

Check: ``python -m course check 9``.
"""

from __future__ import annotations

from typing import Any


class SendState:
    def __init__(self) -> None:
        self.state = "start"
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()

    def advance(self, message: dict[str, Any]) -> None:
        raise NotImplementedError("exercise 9.2: check the message against the state, move on")
