"""Graded tests for exercise 10.3: your chat room under a real uvicorn, real clients.

Each test starts ``uvicorn ex3_chat:app --lifespan off`` on a free port and talks to it with
the ``websockets`` library (``websockets.asyncio.client``) and ``urllib``.
"""

import asyncio
import time
import urllib.error
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from course import servers


@pytest.fixture
def chat(exercise_file):
    with servers.uvicorn(f"{exercise_file.stem}:app", app_dir=exercise_file.parent,
                         args=["--lifespan", "off", "--log-level", "warning"]) as server:
        yield server


def get(server, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for_members(server, expected: int, why: str) -> None:
    # The reference's count is right within milliseconds, even on a loaded machine.  An
    # answer other than 200 is not a count that is late: it fails at once.
    deadline = time.monotonic() + 2
    status, body = get(server, "/members")
    while status == 200 and body != str(expected).encode() and time.monotonic() < deadline:
        time.sleep(0.05)           # polling the app's own /members page until it changes
        status, body = get(server, "/members")
    assert (status, body) == (200, str(expected).encode()), (
        f"{why}: GET /members should answer 200 {str(expected).encode()!r}, it answered "
        f"{status} {body!r}")


def run(scenario):
    return asyncio.run(asyncio.wait_for(scenario, 15))


async def receive_text(ws, who: str) -> str:
    try:
        message = await asyncio.wait_for(ws.recv(), 3)
    except TimeoutError:
        raise AssertionError(f"{who} received nothing within 3 s") from None
    assert isinstance(message, str), (
        f"{who} received {message!r}: chat lines must be *text* messages "
        "({'type': 'websocket.send', 'text': ...}), not bytes")
    return message


def test_members_page_and_404(chat):
    wait_for_members(chat, 0, "an empty room")
    status, _ = get(chat, "/elsewhere")
    assert status == 404, f"GET /elsewhere should be 404, got {status}"


def test_other_websocket_paths_are_refused_before_accept(chat):
    async def scenario():
        try:
            async with connect(chat.url.replace("http", "ws") + "/elsewhere"):
                return "accepted"
        except InvalidStatus as refused:
            return refused.response.status_code
    got = run(scenario())
    assert got == 403, (
        "a WebSocket to /elsewhere should be refused before accept (send "
        "{'type': 'websocket.close'} first: the client sees HTTP 403); got " + repr(got))


def test_every_member_gets_every_line_sender_included(chat):
    base = chat.url.replace("http", "ws") + "/chat"

    async def scenario():
        async with connect(base + "?name=ann") as ann, connect(base + "?name=bob") as bob, \
                connect(base) as anon1, connect(base) as anon2:
            await asyncio.to_thread(wait_for_members, chat, 4,
                                    "four clients joined, two of them without a name")
            await ann.send("one")
            await ann.send("two")
            await anon1.send("hi")
            lines = {}
            for who, ws in (("ann", ann), ("bob", bob), ("anon1", anon1), ("anon2", anon2)):
                lines[who] = [await receive_text(ws, who) for _ in range(3)]
            return lines

    for who, lines in run(scenario()).items():
        assert lines == ["ann: one", "ann: two", "anonymous: hi"], (
            f"{who} received {lines}; every member (the sender too) should get 'ann: one', "
            "'ann: two', 'anonymous: hi' in that order ('anonymous' when the query has no name)")


def test_leaving_either_way_removes_the_member(chat):
    base = chat.url.replace("http", "ws") + "/chat"

    async def scenario():
        async with connect(base + "?name=ann") as ann:
            polite = await connect(base + "?name=polite")
            rude = await connect(base + "?name=rude")
            await asyncio.to_thread(wait_for_members, chat, 3, "three clients joined")
            await polite.close()
            await asyncio.to_thread(wait_for_members, chat, 2,
                                    "a member sent a close frame and left")
            rude.transport.abort()            # the TCP connection just drops: no close frame
            await asyncio.to_thread(wait_for_members, chat, 1,
                                    "a member's connection dropped without a close frame")
            await ann.send("anyone?")
            try:
                line = await receive_text(ann, "ann")
            except ConnectionClosed as closed:
                raise AssertionError(
                    f"ann's connection was closed ({closed}) when she spoke after two members "
                    "had left: never send to a gone client") from None
            return line

    line = run(scenario())
    assert line == "ann: anyone?", f"ann should get her own line back, got {line!r}"


def test_bytes_message_closes_that_member_with_1003(chat):
    base = chat.url.replace("http", "ws") + "/chat"

    async def scenario():
        async with connect(base + "?name=ann") as ann, connect(base + "?name=bin") as binary:
            await asyncio.to_thread(wait_for_members, chat, 2, "two clients joined")
            await binary.send(b"\x00\x01")
            try:
                await asyncio.wait_for(binary.recv(), 3)
            except ConnectionClosed:
                pass
            except TimeoutError:
                return "still open", None
            code = binary.close_code
            await asyncio.to_thread(wait_for_members, chat, 1, "the bytes sender was closed")
            await ann.send("ok")
            return code, await receive_text(ann, "ann")

    code, line = run(scenario())
    assert code == 1003, (
        f"a member that sends bytes should be closed with code 1003 (RFC 6455 §7.4.1: "
        f"unsupported data); its connection ended with {code!r}")
    assert line == "ann: ok", f"the others carry on: ann should get 'ann: ok', got {line!r}"
