"""Graded tests for exercise 15.4: the live service, under a real uvicorn with real clients.

Most tests start ``uvicorn ex4_live:app`` on a free port and talk to it with the
``websockets`` library (``websockets.asyncio.client``) and ``httpx`` (a streaming GET for SSE),
watching ``GET /live/stats`` until it says what it should (with a deadline: clean-up is
graded).  The hub's own rules -- publish never waits, a full queue drops its client -- are
tested in process, on your ``Hub`` and your ``app``.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from course import servers
from course.asgi import http_scope


def poll(poll_id: int, tabs: int = 3, spaces: int = 5) -> dict:
    return {"id": poll_id, "question": f"Tabs or spaces? (poll {poll_id})",
            "choices": [{"id": 2 * poll_id - 1, "text": "Tabs", "votes": tabs},
                        {"id": 2 * poll_id, "text": "Spaces", "votes": spaces}]}


# ------------------------------------------------------------------ the server and clients

@pytest.fixture
def start_live(exercise_file) -> Iterator[Callable[..., servers.Server]]:
    started: list[servers.Server] = []

    def start(**env: str) -> servers.Server:
        server = servers.uvicorn(f"{exercise_file.stem}:app", app_dir=exercise_file.parent,
                                 args=["--log-level", "warning"], env=env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop(3)
        if server.output().strip():   # shown by pytest when the test failed
            print(f"--- what uvicorn printed ---\n{server.output()}")


@pytest.fixture
def live(start_live) -> servers.Server:
    return start_live()


def run(scenario, timeout: float = 15.0):
    async def bounded():
        return await asyncio.wait_for(scenario, timeout)
    try:
        return asyncio.run(bounded())
    finally:
        gc.collect()   # finalise what a failed scenario left behind now, not inside pytest


async def open_ws(stack: AsyncExitStack, server: servers.Server, poll_id: int
                  ) -> ClientConnection:
    url = server.url.replace("http", "ws", 1) + f"/live/ws/{poll_id}"
    try:
        return await stack.enter_async_context(connect(url, open_timeout=5, close_timeout=1))
    except InvalidStatus as refused:
        raise AssertionError(
            f"WS /live/ws/{poll_id} was refused with HTTP {refused.response.status_code}: "
            "accept the WebSocket (rule 5) -- uvicorn's output below says why") from None


async def receive_poll(ws: ClientConnection, who: str, why: str = "") -> dict:
    try:
        message = await asyncio.wait_for(ws.recv(), 3)
    except TimeoutError:
        raise AssertionError(f"{who} received nothing within 3 s{why}") from None
    except ConnectionClosed as closed:
        raise AssertionError(f"{who}'s WebSocket was closed ({closed}){why}") from None
    assert isinstance(message, str), (
        f"{who} received {message!r}: send each poll as a JSON *text* frame (rule 5)")
    return json.loads(message)


class SSEStream:
    """A streaming ``GET /live/sse/N``, read block by block (a block ends with a blank line)."""

    def __init__(self, response: httpx.Response, who: str) -> None:
        self.response = response
        self.who = who
        self.chunks = response.aiter_text()
        self.buffer = ""

    async def block(self, timeout: float = 3.0) -> str:
        """The next block, its final ``\\n\\n`` included."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while "\n\n" not in self.buffer:
            try:
                chunk = await asyncio.wait_for(anext(self.chunks), deadline - loop.time())
            except TimeoutError:
                raise AssertionError(
                    f"{self.who}: no complete event within {timeout:g} s; received so far "
                    f"{self.buffer!r} -- every event (and the ': ping' comment) ends with a "
                    "blank line, '\\n\\n' (WHATWG HTML §9.2.6, rule 6)") from None
            except StopAsyncIteration:
                raise AssertionError(f"{self.who}: the stream ended; received "
                                     f"{self.buffer!r}") from None
            self.buffer += chunk
        block, self.buffer = self.buffer.split("\n\n", 1)
        return block + "\n\n"

    async def event(self) -> tuple[str, dict]:
        """The next event (heartbeats skipped): its id and its poll, framing checked."""
        block = await self.block()
        while block.startswith(":"):
            block = await self.block()
        lines = block[:-2].split("\n")
        assert len(lines) == 2 and lines[0].startswith("id: ") and lines[1].startswith(
            "data: "), (
            f"{self.who} received the event {block!r}; expected exactly "
            "'id: <n>\\ndata: <the poll as one line of JSON>\\n\\n' (rule 6)")
        try:
            data = json.loads(lines[1][len("data: "):])
        except ValueError:
            raise AssertionError(f"{self.who}: the data line {lines[1]!r} is not JSON") from None
        return lines[0][len("id: "):], data


async def open_sse(stack: AsyncExitStack, http: httpx.AsyncClient, poll_id: int,
                   who: str = "the SSE client") -> SSEStream:
    response = await stack.enter_async_context(http.stream("GET", f"/live/sse/{poll_id}"))
    if response.status_code != 200:
        await response.aread()
        raise AssertionError(f"GET /live/sse/{poll_id} answered {response.status_code} "
                             f"{response.text[:200]!r}, expected 200 and an event stream")
    return SSEStream(response, who)


async def publish(http: httpx.AsyncClient, body: dict | bytes) -> tuple[int, object]:
    if isinstance(body, dict):
        response = await http.post("/live/publish", json=body)
    else:
        response = await http.post("/live/publish", content=body,
                                   headers={"content-type": "application/json"})
    try:
        answer = response.json()
    except ValueError:
        answer = response.text
    return response.status_code, answer


async def wait_for_stats(http: httpx.AsyncClient, expected: dict, why: str,
                         timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        response = await http.get("/live/stats")
        assert response.status_code == 200, (
            f"GET /live/stats answered {response.status_code} {response.text[:200]!r}, "
            "expected 200 and JSON (rule 8)")
        got = response.json()
        if got == expected:
            return
        if loop.time() > deadline:
            raise AssertionError(f"{why}: GET /live/stats should say {expected} within "
                                 f"{timeout:g} s; it says {got}")
        await asyncio.sleep(0.05)   # polling the service's own stats until they change


def client(server: servers.Server) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, timeout=10)


# ------------------------------------------------------------------ the hub, in process

def published(hub, a_poll: dict) -> int:
    result = hub.publish(a_poll)
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()
        raise AssertionError("hub.publish() returned an awaitable: make it a plain `def` -- "
                             "publish never waits for anyone, it uses put_nowait (rule 2)")
    return result


def drain(queue: asyncio.Queue) -> list:
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


def test_hub_subscribe_publish_unsubscribe_and_stats(exercise):
    async def scenario():
        hub = exercise.Hub()
        a, b, c = hub.subscribe(1), hub.subscribe(1), hub.subscribe(2)
        assert isinstance(a, asyncio.Queue) and a.maxsize == exercise.QUEUE_SIZE == 32, (
            f"subscribe() should return asyncio.Queue(maxsize=QUEUE_SIZE), QUEUE_SIZE = 32; "
            f"got {a!r} (rule 1)")
        assert a is not b, "each client gets its own queue (rule 1)"
        assert drain(a) == [], "nothing was published yet: a new queue starts empty (rule 1)"
        delivered = published(hub, poll(1))
        assert delivered == 2, (
            f"publish(poll 1) with two clients of poll 1 and one of poll 2 should return 2, "
            f"got {delivered!r} (rule 2)")
        got = drain(a), drain(b), drain(c)
        assert got == ([poll(1)], [poll(1)], []), (
            f"poll 1 goes to the two queues of poll 1 and not to poll 2's; the queues hold "
            f"{got} (rule 2)")
        stats = hub.stats()
        assert stats == {"clients": 3, "polls": {"1": 2, "2": 1}}, (
            f"stats() with two clients of poll 1 and one of poll 2 should be "
            f"{{'clients': 3, 'polls': {{'1': 2, '2': 1}}}} (ids as strings), got {stats} "
            "(rule 4)")
        late = hub.subscribe(1)
        assert drain(late) == [poll(1)], (
            "a client that subscribes to poll 1 after poll 1 was published should find the "
            "last poll 1 already in its queue (the snapshot, rule 1)")
        assert drain(hub.subscribe(3)) == [], "no poll 3 was published: no snapshot for it"
        hub.unsubscribe(1, a)
        hub.unsubscribe(1, a)                    # twice is harmless
        hub.unsubscribe(2, c)
        stats = hub.stats()
        assert stats == {"clients": 3, "polls": {"1": 2, "3": 1}}, (
            f"after unsubscribing one client of poll 1 (twice) and poll 2's only client, "
            f"stats() should be {{'clients': 3, 'polls': {{'1': 2, '3': 1}}}} -- a poll with "
            f"no client left is not listed (rules 3, 4); got {stats}")
        assert published(hub, poll(1, tabs=9)) == 2, (
            "publish after an unsubscribe counts the clients still there (rules 2, 3)")

    run(scenario(), timeout=5)


def test_a_client_that_never_reads_is_dropped_and_delays_no_one(exercise):
    async def scenario():
        hub = exercise.Hub()
        slow, fast = hub.subscribe(1), hub.subscribe(1)
        size = exercise.QUEUE_SIZE
        counts, received = [], []
        for n in range(size + 5):
            result = hub.publish(poll(1, tabs=n))
            if inspect.isawaitable(result):
                try:
                    result = await asyncio.wait_for(result, 1.0)
                except TimeoutError:
                    raise AssertionError(
                        f"publish #{n + 1} was still waiting after 1 s: one client stopped "
                        f"reading and its queue of {size} is full, and publish waits for it "
                        "-- so every other client waits too.  Never wait: put_nowait, and "
                        "drop the client whose queue is full (rule 2)") from None
            counts.append(result)
            received.extend(drain(fast))         # the fast client keeps up
        assert received == [poll(1, tabs=n) for n in range(size + 5)], (
            f"the client that reads got {len(received)} of the {size + 5} polls; it should "
            "get every one, whatever the other client does (rule 2)")
        assert counts == [2] * size + [1] * 5, (
            f"publish returned {counts}; expected 2 for the first {size} polls (both queues "
            f"have room), then 1: the full queue's client is dropped and not counted (rule 2)")
        assert hub.stats() == {"clients": 1, "polls": {"1": 1}}, (
            f"the client that never read was dropped: stats() should be {{'clients': 1, "
            f"'polls': {{'1': 1}}}}, got {hub.stats()} (rule 2)")
        left = drain(slow)
        assert left == [None], (
            f"a dropped client's queue is emptied and gets None (its endpoint then hangs "
            f"up); it holds {len(left)} items, ending with {left[-1:]} (rule 2)")

    run(scenario(), timeout=10)


def websocket_scope(path: str) -> dict:
    scope = http_scope("GET", path, scheme="ws")
    del scope["method"]
    scope.update(type="websocket", subprotocols=[])
    return scope


def test_a_dropped_client_is_hung_up_on(exercise):
    """In process: your ``app`` and its module-level ``hub``, a WebSocket and an SSE client."""
    async def scenario():
        hub = exercise.hub
        gone = asyncio.Event()
        ws_sent: list[dict] = []
        sse_sent: list[dict] = []

        def receiver(first: dict, last: dict):
            messages = [first]

            async def receive() -> dict:
                if messages:
                    return messages.pop()
                await gone.wait()                # the client stays until the test ends
                return last
            return receive

        def recorder(log: list):
            async def send(message: dict) -> None:
                log.append(message)
            return send

        sse_scope = http_scope("GET", "/live/sse/902")
        sse_scope["asgi"] = {"version": "3.0", "spec_version": "2.3"}   # as uvicorn's
        tasks = {
            "ws": asyncio.ensure_future(exercise.app(
                websocket_scope("/live/ws/901"),
                receiver({"type": "websocket.connect"},
                         {"type": "websocket.disconnect", "code": 1001}),
                recorder(ws_sent))),
            "sse": asyncio.ensure_future(exercise.app(
                sse_scope,
                receiver({"type": "http.request", "body": b"", "more_body": False},
                         {"type": "http.disconnect"}),
                recorder(sse_sent))),
        }
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 3
            while not (hub.stats()["polls"].get("901") == 1
                       and hub.stats()["polls"].get("902") == 1):
                for name, task in tasks.items():
                    if task.done():
                        task.result()            # its exception, if it raised
                        raise AssertionError(f"the {name} endpoint returned at once")
                assert loop.time() < deadline, (
                    f"a WebSocket client of poll 901 and an SSE client of poll 902 connected; "
                    f"hub.stats() should list both within 3 s, it says {hub.stats()}")
                await asyncio.sleep(0.01)        # polling the hub until both subscribed
            for n in range(exercise.QUEUE_SIZE + 1):   # no await: neither client reads
                published(hub, poll(901, tabs=n))
                published(hub, poll(902, tabs=n))
            done, _ = await asyncio.wait(tasks.values(), timeout=2)
            closes = [m for m in ws_sent if m["type"] == "websocket.close"]
            assert tasks["ws"] in done and closes and closes[-1].get("code") == 1013, (
                f"the hub dropped a WebSocket client (its queue was full): when its queue "
                f"gives None, close with code 1013 and return (rule 5); it sent "
                f"{[m['type'] for m in ws_sent]}, close messages {closes}, and "
                f"{'returned' if tasks['ws'] in done else 'was still running after 2 s'}")
            bodies = [m for m in sse_sent if m["type"] == "http.response.body"]
            assert tasks["sse"] in done and bodies and not bodies[-1].get("more_body"), (
                "the hub dropped an SSE client (its queue was full): when its queue gives "
                "None, end the response (a last body with more_body=False) and return "
                f"(rule 6); it "
                f"{'returned' if tasks['sse'] in done else 'was still streaming after 2 s'}")
            for poll_id in ("901", "902"):
                assert poll_id not in hub.stats()["polls"], (
                    f"a dropped client is unsubscribed; stats() still lists poll {poll_id}: "
                    f"{hub.stats()}")
        finally:
            gone.set()
            await asyncio.wait(tasks.values(), timeout=2)
            for task in tasks.values():
                task.cancel()

    run(scenario(), timeout=10)


# ------------------------------------------------------------------ under uvicorn

def test_live_healthz_says_ok(live):
    response = httpx.get(live.url + "/live/healthz", timeout=5)
    assert (response.status_code, response.text.strip()) == (200, "ok"), (
        f"GET /live/healthz should answer 200 'ok' (rule 8), got {response.status_code} "
        f"{response.text[:200]!r}")


def test_a_published_poll_reaches_every_client_of_that_poll_only(live):
    async def scenario():
        async with client(live) as http, AsyncExitStack() as stack:
            ann = await open_ws(stack, live, 1)
            bob = await open_ws(stack, live, 1)
            sse = await open_sse(stack, http, 1)
            other = await open_ws(stack, live, 2)
            await ann.send("hello")                 # what a client sends is ignored
            await wait_for_stats(http, {"clients": 4, "polls": {"1": 3, "2": 1}},
                                 "two WebSocket and one SSE client of poll 1, one WebSocket "
                                 "client of poll 2")
            status, answer = await publish(http, poll(1))
            assert (status, answer) == (202, {"delivered": 3}), (
                f"POST /live/publish of poll 1 with 3 clients of poll 1 (and 1 of poll 2) "
                f"should answer 202 {{'delivered': 3}} (rule 7: only that poll's clients "
                f"count), got {status} {answer!r}")
            for who, ws in [("WebSocket client 1 of poll 1", ann),
                            ("WebSocket client 2 of poll 1", bob)]:
                got = await receive_poll(ws, who, " after poll 1 was published")
                assert got == poll(1), f"{who} should receive {poll(1)}, got {got}"
            _, got = await sse.event()
            assert got == poll(1), f"the SSE client of poll 1 should receive {poll(1)}, got {got}"
            status, answer = await publish(http, poll(2))
            assert (status, answer) == (202, {"delivered": 1}), (
                f"POST /live/publish of poll 2 (one client) should answer 202 "
                f"{{'delivered': 1}}, got {status} {answer!r}")
            got = await receive_poll(other, "the client of poll 2")
            assert got == poll(2), (
                f"the client of poll 2 should not receive poll 1 -- its first message should "
                f"be poll 2, got {got} (rule 2: to the clients of that poll only)")

    run(scenario())


def test_a_client_that_joins_gets_the_last_poll_first(live):
    async def scenario():
        async with client(live) as http, AsyncExitStack() as stack:
            for tabs in (3, 4):
                status, answer = await publish(http, poll(1, tabs=tabs))
                assert (status, answer) == (202, {"delivered": 0}), (
                    f"publishing to a poll nobody watches should answer 202 "
                    f"{{'delivered': 0}}, got {status} {answer!r}")
            ws = await open_ws(stack, live, 1)
            sse = await open_sse(stack, http, 1)
            fresh = await open_ws(stack, live, 2)
            got = await receive_poll(ws, "a WebSocket client that joined poll 1",
                                     " -- when a poll was published before a client joins, "
                                     "send it the last one first (the snapshot, rules 1, 5)")
            assert got == poll(1, tabs=4), (
                f"the snapshot should be the *last* poll 1 published, {poll(1, tabs=4)}; got "
                f"{got}")
            event_id, got = await sse.event()
            assert (event_id, got) == ("1", poll(1, tabs=4)), (
                f"an SSE client that joined poll 1 should first get event id 1 with the last "
                f"poll 1 published, {poll(1, tabs=4)}; got id {event_id!r} {got} (rules 1, 6)")
            await wait_for_stats(http, {"clients": 3, "polls": {"1": 2, "2": 1}},
                                 "two clients of poll 1 and one of poll 2")
            await publish(http, poll(1, tabs=5))
            await publish(http, poll(2))
            got = await receive_poll(ws, "the WebSocket client of poll 1")
            assert got == poll(1, tabs=5), (
                f"then each new poll: expected {poll(1, tabs=5)}, got {got}")
            event_id, got = await sse.event()
            assert (event_id, got) == ("2", poll(1, tabs=5)), (
                f"the SSE client's second event should be id 2 with {poll(1, tabs=5)}; got id "
                f"{event_id!r} {got} (rule 6: n counts this stream's events)")
            got = await receive_poll(fresh, "the client of poll 2")
            assert got == poll(2), (
                f"nothing was published for poll 2 before its client joined: no snapshot, its "
                f"first message should be the poll 2 published later; got {got}")

    run(scenario())


def test_sse_headers_and_event_framing(live):
    async def scenario():
        async with client(live) as http, AsyncExitStack() as stack:
            sse = await open_sse(stack, http, 5)
            headers = sse.response.headers
            content_type = headers.get("content-type", "").split(";")[0].strip()
            assert content_type == "text/event-stream", (
                f"Content-Type should be text/event-stream (EventSource refuses anything else, "
                f"WHATWG HTML §9.2), got {headers.get('content-type')!r}")
            for name in ("cache-control", "x-accel-buffering"):
                value = {"cache-control": "no-cache", "x-accel-buffering": "no"}[name]
                assert headers.get(name) == value, (
                    f"expected the header {name}: {value}, got {headers.get(name)!r} -- "
                    "no-cache keeps caches out, X-Accel-Buffering: no makes nginx pass each "
                    "event on at once instead of buffering the stream (rule 6)")
            assert "content-length" not in headers, (
                "a stream has no Content-Length: its length is not known when it starts")
            await wait_for_stats(http, {"clients": 1, "polls": {"5": 1}}, "one SSE client")
            await publish(http, poll(5, tabs=1))
            await publish(http, poll(5, tabs=2))
            for n, tabs in [(1, 1), (2, 2)]:
                block = await sse.block()
                expected = f"id: {n}\ndata: {json.dumps(poll(5, tabs=tabs))}\n\n"
                lines = block[:-2].split("\n")
                assert (len(lines) == 2 and lines[0] == f"id: {n}"
                        and lines[1].startswith("data: ")
                        and json.loads(lines[1][6:]) == poll(5, tabs=tabs)), (
                    f"event {n} should be {expected!r} (any JSON spacing), got {block!r} "
                    "(rule 6)")

    run(scenario())


def test_sse_heartbeat_while_nothing_happens(start_live):
    server = start_live(LIVE_HEARTBEAT_SECONDS="0.3")

    async def scenario():
        async with client(server) as http, AsyncExitStack() as stack:
            sse = await open_sse(stack, http, 7)
            for which in ("first", "second"):
                block = await sse.block()
                assert block == ": ping\n\n", (
                    f"with LIVE_HEARTBEAT_SECONDS=0.3 and nothing published, the {which} thing "
                    f"on the stream should be the comment ': ping\\n\\n' (after 0.3 s of "
                    f"silence, again and again: rule 6); got {block!r} -- read "
                    "HEARTBEAT_SECONDS, don't hard-code 15")
            await publish(http, poll(7))
            event_id, got = await sse.event()
            assert got == poll(7), (
                f"after the pings, the published poll: expected {poll(7)}, got {got}")
            block = await sse.block()
            assert block == ": ping\n\n", (
                f"silence again after the event: expected ': ping\\n\\n', got {block!r}")

    run(scenario())


BAD_BODIES = [
    (b"not json at all", "a body that is not JSON"),
    (b"[1, 2, 3]", "a JSON list, not an object"),
    (json.dumps({"question": "Tabs?", "choices": []}).encode(), "a poll without an id"),
    (json.dumps({"id": "1", "question": "Tabs?", "choices": []}).encode(), "a string id"),
    (json.dumps({"id": 1, "question": "Tabs?"}).encode(), "a poll without choices"),
    (json.dumps({"id": 1, "choices": []}).encode(), "a poll without a question"),
]


def test_publish_refuses_a_bad_body_with_400(live):
    async def scenario():
        async with client(live) as http, AsyncExitStack() as stack:
            ws = await open_ws(stack, live, 1)
            await wait_for_stats(http, {"clients": 1, "polls": {"1": 1}}, "one client of poll 1")
            for body, what in BAD_BODIES:
                response = await http.post("/live/publish", content=body,
                                           headers={"content-type": "application/json"})
                try:
                    answer = response.json()
                except ValueError:
                    answer = response.text
                assert response.status_code == 400 and isinstance(answer, dict) and isinstance(
                    answer.get("error"), str), (
                    f"POST /live/publish with {what} ({body!r}) should answer 400 and JSON "
                    f"{{'error': '<why>'}} (rule 7); got {response.status_code} {answer!r}")
                assert response.headers.get("content-type", "").startswith("application/json"), (
                    f"the 400 answer should be JSON (Content-Type: application/json), got "
                    f"{response.headers.get('content-type')!r}")
            status, answer = await publish(http, poll(1))
            assert (status, answer) == (202, {"delivered": 1}), (
                f"a good poll after the bad ones: expected 202 {{'delivered': 1}}, got {status} "
                f"{answer!r}")
            got = await receive_poll(ws, "the client of poll 1")
            assert got == poll(1), (
                f"a refused body is not published: the client's first message should be the "
                f"good poll {poll(1)}, got {got}")

    run(scenario())


def test_stats_count_clients_and_forget_websockets_that_leave(live):
    async def scenario():
        async with client(live) as http, AsyncExitStack() as stack:
            await wait_for_stats(http, {"clients": 0, "polls": {}}, "no client yet")
            polite = await open_ws(stack, live, 3)
            rude = await open_ws(stack, live, 3)
            await open_ws(stack, live, 4)
            await wait_for_stats(http, {"clients": 3, "polls": {"3": 2, "4": 1}},
                                 "two WebSocket clients of poll 3, one of poll 4 (rule 4)")
            await polite.close()
            await wait_for_stats(http, {"clients": 2, "polls": {"3": 1, "4": 1}},
                                 "a client of poll 3 closed its WebSocket (a close frame) and "
                                 "nothing was published: unsubscribe it at once -- wait for "
                                 "the queue AND the client's disconnect (rule 9)")
            rude.transport.abort()                 # the TCP connection drops: no close frame
            await wait_for_stats(http, {"clients": 1, "polls": {"4": 1}},
                                 "the other client of poll 3 vanished (its TCP connection "
                                 "dropped); a poll with no client left is not listed "
                                 "(rules 4, 9)")

    run(scenario())


def test_stats_forget_an_sse_client_that_goes_away(live):
    async def scenario():
        async with client(live) as http, AsyncExitStack() as stack:
            first = await open_sse(stack, http, 6)
            await open_sse(stack, http, 6)
            await wait_for_stats(http, {"clients": 2, "polls": {"6": 2}},
                                 "two SSE clients of poll 6")
            await first.response.aclose()         # the browser tab closes
            await wait_for_stats(http, {"clients": 1, "polls": {"6": 1}},
                                 "one SSE client went away (http.disconnect) and nothing was "
                                 "published: unsubscribe it at once (rule 9)")

    run(scenario())
