"""Exercise 10.5 -- the upgrade path of your own server: bytes in, ``websocket.*`` events out.

Write ``async def handle_connection(reader, writer, app)``: one TCP connection of a server
started with ``asyncio.start_server(lambda r, w: handle_connection(r, w, app), ...)``.  The
client sends an HTTP request head; if it is a valid WebSocket handshake, the connection
becomes a WebSocket and ``app`` talks over it through ASGI ``websocket`` messages.

The handshake (RFC 6455 §4.2.1; header names are case-insensitive, and Connection/Upgrade
may hold comma-separated lists such as ``keep-alive, Upgrade``):

* read the head (up to the blank line).  It is a handshake only if the method is ``GET``,
  ``Upgrade`` contains ``websocket``, ``Connection`` contains ``upgrade`` and
  ``Sec-WebSocket-Key`` is base64 of 16 bytes -- otherwise answer ``400 Bad Request`` and
  close.  ``Sec-WebSocket-Version`` other than ``13``: answer ``426 Upgrade Required`` with
  a ``Sec-WebSocket-Version: 13`` header, and close.  (Give error answers a
  ``Content-Length``.)
* the scope: ``type`` ``"websocket"``, ``asgi`` ``{"version": "3.0"}``, ``scheme`` ``"ws"``,
  ``path`` (str), ``query_string`` (bytes), ``headers`` (list of (lower-case name, value)
  bytes pairs), ``subprotocols`` (the ``Sec-WebSocket-Protocol`` tokens, a list of str).

The messages (ASGI spec, "WebSocket"):

* the app's first ``receive()`` gets ``{"type": "websocket.connect"}``;
* ``websocket.accept`` -> write ``HTTP/1.1 101 Switching Protocols`` with ``Upgrade:
  websocket``, ``Connection: Upgrade``, ``Sec-WebSocket-Accept`` (frames.accept_key), and
  ``Sec-WebSocket-Protocol`` when the message has a ``subprotocol``;
* ``websocket.close`` *before* accept -> ``403 Forbidden`` and close;
* after accept, each message the client sends (fragments joined) reaches ``receive()`` as
  ``{"type": "websocket.receive", "text": str}`` or ``{"type": "websocket.receive",
  "bytes": bytes}``; a ping is answered with a pong carrying the same payload;
* ``websocket.send`` with ``text`` or ``bytes`` -> one unmasked TEXT or BINARY frame;
* ``websocket.close`` with a ``code`` (default 1000) -> a close frame with that code;
* the client's close frame -> answer with a close frame, then ``receive()`` gets
  ``{"type": "websocket.disconnect", "code": <the client's code>}``;
* a frame that breaks the rules (``frames.ProtocolError``: unmasked, bad UTF-8, too big...)
  -> a close frame carrying the error's ``code`` (1002, 1007, 1009), then close the
  connection and tell the app ``websocket.disconnect`` with that code.

``frames`` below is the chapter's codec (code/10_websockets/frames.py): ``accept_key``,
``valid_client_key``, ``encode_frame``, ``close_payload``, ``FrameReader``,
``MessageAssembler``, ``Opcode``, ``ProtocolError``.  Use it -- 10.2 was the frames exercise.

Check: ``python -m course check 10``.   Hints: ``python -m course hint 10.5``.
"""

from __future__ import annotations

import asyncio

from course.modules import load_path
from course.settings import ROOT

frames = load_path(ROOT / "code" / "10_websockets" / "frames.py")


async def handle_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                            app) -> None:
    # TODO(exercise 10.5): read the head, check the handshake, then bridge frames <-> app
    writer.write(b"HTTP/1.1 501 Not Implemented\r\ncontent-length: 30\r\n\r\n"
                 b"exercise 10.5 is not done yet\n")
    await writer.drain()
    writer.close()
