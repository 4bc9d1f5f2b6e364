"""Exercise 11.1 -- encode Server-Sent Events, byte for byte.

A ``text/event-stream`` body is UTF-8 text made of *fields*, one per line, ``name: value``;
a blank line ends an event and makes the browser dispatch it (WHATWG HTML §9.2.6).  Lines
starting with ``:`` are comments: the browser ignores them, which makes them useful as
heartbeats that keep a quiet connection alive.

Write two functions:

``encode_event(data, *, event=None, id=None, retry=None) -> bytes``

* the fields come in this order, each only when given: ``id``, ``event``, ``retry``, then
  ``data``; each field is ``name: value`` -- one space after the colon -- and ends with
  ``\\n``; the event ends with one more ``\\n`` (the blank line);
* ``data`` may span several lines: split it at every line break (``\\r\\n``, ``\\r`` or
  ``\\n``) and write one ``data:`` field per line -- the browser joins them back with
  ``\\n``.  An empty string is one field with an empty value (``data: \\n``);
* ``retry`` (the reconnection delay in milliseconds) is a non-negative ``int``; anything
  else (negative, ``bool``, float, str) raises ``ValueError``;
* ``id`` and ``event`` must not contain ``\\r`` or ``\\n`` (a line break would end the
  field and start a forged one): raise ``ValueError``.  An ``id`` containing NUL
  (``\\0``) is ignored by browsers (§9.2.6): raise ``ValueError`` too;
* the result is ``bytes``, UTF-8 encoded (``data="café"`` is ``b"data: caf\\xc3\\xa9\\n\\n"``).

``encode_comment(text="") -> bytes``: ``b": " + text + b"\\n\\n"`` (UTF-8); a ``text``
containing ``\\r`` or ``\\n`` raises ``ValueError``.

Examples::

    encode_event("hello")         == b"data: hello\\n\\n"
    encode_event("a\\nb", id="7", event="tick")
                                  == b"id: 7\\nevent: tick\\ndata: a\\ndata: b\\n\\n"
    encode_event("x", retry=1500) == b"retry: 1500\\ndata: x\\n\\n"
    encode_comment("heartbeat")   == b": heartbeat\\n\\n"

Check: ``python -m course check 11``.
"""

from __future__ import annotations


def encode_event(data: str, *, event: str | None = None, id: str | None = None,
                 retry: int | None = None) -> bytes:
    raise NotImplementedError("exercise 11.1: encode one SSE event as bytes")


def encode_comment(text: str = "") -> bytes:
    raise NotImplementedError("exercise 11.1: encode an SSE comment line")
