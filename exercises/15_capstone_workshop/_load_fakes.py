"""A stand-in polls app with known latencies, for the graded tests of 15.7 (not an exercise).

It answers the four URLs a load test uses, like the real app behind nginx does, but its
timings are set by environment variables, so the tests know what a correct load test must
measure:

    WS   /live/ws/7           a client; once subscribed it gets the poll as it is (the
                              snapshot), then the poll after each published vote
    GET  /live/stats          {"clients": n, "polls": {"7": n}} -- subscribed clients only
    GET  /api/polls/7         the poll (it starts with 3 + 5 = 8 votes)
    POST /api/polls/7/votes   {"choice_id": 1 or 2} -> 201 and the poll after the vote

    FAKE_POST_MS=80         the POST is answered this long after it arrived
    FAKE_DELIVERY_MS=150    the vote reaches the clients this long after the POST arrived,
                            whenever the POST is answered
    FAKE_SUBSCRIBE_S=0      a WebSocket is subscribed (counted, sent anything) only this
                            long after it connected
    FAKE_COALESCE=1         publish every Nth vote only: one message covers N votes
    FAKE_DEAF_EVERY=0       every Nth client (the 1st, the N+1th, ...) gets nothing after
    FAKE_DEAF_AFTER=2       ... the FAKE_DEAF_AFTER-th vote (deliveries lost for good)

Each vote is delivered to the clients subscribed when its POST arrived.  Run it by hand:
``FAKE_COALESCE=2 uvicorn _load_fakes:app --app-dir exercises/15_capstone_workshop``.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os

POLL_ID = 7
POST_SECONDS = float(os.environ.get("FAKE_POST_MS", "80")) / 1000
DELIVERY_SECONDS = float(os.environ.get("FAKE_DELIVERY_MS", "150")) / 1000
SUBSCRIBE_SECONDS = float(os.environ.get("FAKE_SUBSCRIBE_S", "0"))
COALESCE = int(os.environ.get("FAKE_COALESCE", "1"))
DEAF_EVERY = int(os.environ.get("FAKE_DEAF_EVERY", "0"))
DEAF_AFTER = int(os.environ.get("FAKE_DEAF_AFTER", "2"))

poll = {"id": POLL_ID, "question": "Tabs or spaces?",
        "choices": [{"id": 1, "text": "Tabs", "votes": 3}, {"id": 2, "text": "Spaces", "votes": 5}]}
subscribers: list[tuple[int, asyncio.Queue]] = []   # (subscription number, its queue)
subscribed_so_far = 0
votes_cast = 0
background: set[asyncio.Task] = set()


# -- HTTP ------------------------------------------------------------------------------------
async def answer(send, status: int, body: object) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


async def read_body(receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def deliver(vote_number: int, poll_after: dict, to: list[tuple[int, asyncio.Queue]]) -> None:
    await asyncio.sleep(DELIVERY_SECONDS)
    for number, queue in to:
        deaf = DEAF_EVERY and number % DEAF_EVERY == 0 and vote_number > DEAF_AFTER
        if not deaf:
            queue.put_nowait(poll_after)


async def vote(receive, send) -> None:
    global votes_cast
    arrived = asyncio.get_running_loop().time()
    choice_id = json.loads(await read_body(receive)).get("choice_id")
    choice = next((c for c in poll["choices"] if c["id"] == choice_id), None)
    if choice is None:
        await answer(send, 400, {"error": f"no choice {choice_id!r} in poll {POLL_ID}"})
        return
    choice["votes"] += 1
    votes_cast += 1
    poll_after = copy.deepcopy(poll)
    if votes_cast % COALESCE == 0:
        task = asyncio.create_task(deliver(votes_cast, poll_after, list(subscribers)))
        background.add(task)
        task.add_done_callback(background.discard)
    await asyncio.sleep(max(0.0, arrived + POST_SECONDS - asyncio.get_running_loop().time()))
    await answer(send, 201, poll_after)


async def http(scope, receive, send) -> None:
    path, method = scope["path"], scope["method"]
    if path == "/live/stats" and method == "GET":
        await answer(send, 200, {"clients": len(subscribers),
                                 "polls": {str(POLL_ID): len(subscribers)} if subscribers else {}})
    elif path == f"/api/polls/{POLL_ID}" and method == "GET":
        await answer(send, 200, poll)
    elif path == f"/api/polls/{POLL_ID}/votes" and method == "POST":
        await vote(receive, send)
    else:
        await answer(send, 404, {"error": f"the stand-in has no {method} {path}"})


# -- WebSocket ---------------------------------------------------------------------------------
async def websocket(scope, receive, send) -> None:
    await receive()                                   # websocket.connect
    if scope["path"] != f"/live/ws/{POLL_ID}":
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "websocket.accept"})
    entry = None

    async def subscribe_and_send() -> None:
        nonlocal entry
        global subscribed_so_far
        await asyncio.sleep(SUBSCRIBE_SECONDS)
        queue: asyncio.Queue = asyncio.Queue()
        entry = (subscribed_so_far, queue)
        subscribed_so_far += 1
        queue.put_nowait(copy.deepcopy(poll))          # the snapshot comes first
        subscribers.append(entry)
        while True:
            await send({"type": "websocket.send", "text": json.dumps(await queue.get())})

    sender = asyncio.create_task(subscribe_and_send())
    try:
        while (await receive())["type"] != "websocket.disconnect":
            pass
    finally:
        sender.cancel()
        if entry in subscribers:
            subscribers.remove(entry)


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
    elif scope["type"] == "websocket":
        await websocket(scope, receive, send)
    else:
        await http(scope, receive, send)
