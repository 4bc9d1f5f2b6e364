"""Exercise 10.3 -- a chat room in pure ASGI that cleans up after every client.

Write the ASGI app ``app(scope, receive, send)``.  It is graded under a real uvicorn
(``--lifespan off``), with real WebSocket clients:

* a WebSocket to ``/chat?name=ann`` joins the room once you send ``websocket.accept`` (your
  first ``receive()`` returns ``websocket.connect``).  With no ``name`` in the query string
  the name is ``anonymous``;
* a WebSocket to any other path is refused *before* accept: ``{"type": "websocket.close"}``
  (the client sees HTTP 403);
* every text message a member sends goes to **every** member, the sender included, as a text
  message ``"ann: hello"``, in the order it was sent;
* a member who sends a *bytes* message is closed with code 1003 ("unsupported data") and
  leaves the room -- this room speaks text only;
* leaving -- a close frame, or the TCP connection just dropping -- removes the member at once
  (``websocket.disconnect``): nobody ever sends to a gone client, and a broadcast never fails
  because of one (ASGI 2.4: ``send`` on a closed WebSocket raises ``OSError``; if a member left
  a moment ago, skip it);
* an HTTP ``GET /members`` answers ``200`` with the number of members now in the room as
  text (``b"2"``); any other HTTP path answers ``404``.

Try it: ``python -m uvicorn ex3_chat:app --lifespan off`` in this folder, then
``python -m websockets 'ws://127.0.0.1:8000/chat?name=ann'`` in two terminals.
Check: ``python -m course check 10``.   Hints: ``python -m course hint 10.3``.
"""

from __future__ import annotations

from urllib.parse import parse_qs  # noqa: F401  (for the name in the query string)

# who is in the room: whatever you need to send to each member (e.g. {id: send})
room: dict = {}


async def app(scope, receive, send) -> None:
    # TODO(exercise 10.3): the /members page, the /chat room, refuse other WebSocket paths
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 501, "headers": []})
        await send({"type": "http.response.body", "body": b"exercise 10.3 is not done yet\n"})
        return
    await receive()
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": 1011, "reason": "exercise 10.3 is not done yet"})
