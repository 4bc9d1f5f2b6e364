"""Drive ASGI apps by hand: the server's half of the message exchange, in process.

What is here:

* :func:`call_asgi` -- call an ASGI app like an HTTP server would, in process: it builds an
  ``http`` scope, feeds the request body through ``receive`` as ``http.request`` messages
  (``more_body=True`` on every chunk but the last), records every message the app gives to
  ``send``, and checks each one against the ASGI HTTP spec (an ``AssertionError`` that names
  the rule).  Remember the direction: ``receive`` delivers events *to* the app; ``send``
  emits the app's events to the server.
* :func:`call_lifespan` -- run the ``lifespan`` protocol: startup, then (if it completed)
  shutdown; returns what the app sent and the ``state`` it prepared.

To run an app under a real server, see :func:`course.servers.serve` (in the foreground, for
chapter scripts) and :func:`course.servers.uvicorn` (a child process).  The HTTP checks that
chapters 08 and 09 run against real servers live next to the app suite they exercise:
``code/08_asgi_messages/check_server.py``.

What it is not: a full ASGI server or a conformance suite.  ``call_asgi`` does not speak HTTP;
it only plays the server's half of the message exchange, strictly.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

__all__ = [
    "AsgiResponse",
    "acall_asgi",
    "acall_lifespan",
    "call_asgi",
    "call_lifespan",
    "http_scope",
]

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[dict, Receive, Send], Awaitable[None]]



# ------------------------------------------------------------------ building a scope

def http_scope(method: str = "GET", path: str = "/", query_string: bytes | str = b"",
               headers: Iterable[tuple[str | bytes, str | bytes]] | Mapping | None = None,
               *, client: tuple[str, int] | None = ("127.0.0.1", 50000),
               server: tuple[str, int] | None = ("127.0.0.1", 8000), scheme: str = "http",
               http_version: str = "1.1", root_path: str = "",
               state: dict | None = None, **extra: Any) -> dict:
    """A complete ASGI ``http`` scope, as a server builds it for one request.

    ``path`` is the decoded path (``/café``); ``raw_path`` is the percent-encoded bytes as
    they came on the wire.  Header names are lower-cased and everything is bytes.
    """
    if isinstance(query_string, str):
        query_string = query_string.encode("latin-1")
    pairs = headers.items() if isinstance(headers, Mapping) else (headers or [])
    raw_headers = []
    for name, value in pairs:
        name = name.encode("latin-1") if isinstance(name, str) else name
        value = value.encode("latin-1") if isinstance(value, str) else value
        raw_headers.append((name.lower(), value))
    if not any(name == b"host" for name, _ in raw_headers) and server is not None:
        raw_headers.insert(0, (b"host", f"{server[0]}:{server[1]}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": http_version,
        "method": method.upper(),
        "scheme": scheme,
        "path": unquote(path),
        "raw_path": quote(path, safe="/%:@!$&'()*+,;=-._~").encode("ascii"),
        "query_string": query_string,
        "root_path": root_path,
        "headers": raw_headers,
        "client": client,
        "server": server,
    }
    if state is not None:
        scope["state"] = dict(state)  # a shallow copy per request, like servers do
    scope.update(extra)
    return scope


# ------------------------------------------------------------------ calling an app

@dataclass
class AsgiResponse:
    """What the app sent for one request.  Unpacks as ``status, headers, body, messages``."""

    status: int | None
    headers: list[tuple[bytes, bytes]]
    body: bytes
    messages: list[Message]                        # every message the app passed to send()
    received: list[Message] = field(default_factory=list)  # every message receive() gave it
    chunks: list[bytes] = field(default_factory=list)      # the body, one item per message
    complete: bool = False                         # a body message with more_body=False came

    def __iter__(self):
        return iter((self.status, self.headers, self.body, self.messages))

    def header(self, name: str) -> str | None:
        """The first response header called ``name`` (case-insensitive), decoded, or None."""
        wanted = name.lower().encode("latin-1")
        for key, value in self.headers:
            if bytes(key).lower() == wanted:
                return bytes(value).decode("latin-1")
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


def _check_headers(headers: Any) -> None:
    assert isinstance(headers, (list, tuple)), (
        f"ASGI spec (http.response.start): 'headers' must be a list of [name, value] pairs, "
        f"got {type(headers).__name__}")
    for pair in headers:
        assert len(pair) == 2, f"ASGI spec: each header is a (name, value) pair, got {pair!r}"
        name, value = pair
        assert isinstance(name, bytes) and isinstance(value, bytes), (
            f"ASGI spec: header names and values are bytes, got ({name!r}, {value!r}) -- "
            "write b'content-type' or 'text/plain'.encode()")


async def acall_asgi(app: ASGIApp, method: str = "GET", path: str = "/",
                     query_string: bytes | str = b"", headers: Any = None,
                     body_chunks: Iterable[bytes] | bytes = (b"",), *, scope: dict | None = None,
                     disconnect_after: int | None = None, timeout: float = 5.0,
                     validate: bool = True, **scope_extra: Any) -> AsgiResponse:
    """The async form of :func:`call_asgi`."""
    if isinstance(body_chunks, bytes):
        body_chunks = [body_chunks]
    chunks = list(body_chunks) or [b""]
    if scope is None:
        headers = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
        total = sum(len(c) for c in chunks)
        names = {(n.lower() if isinstance(n, str) else n.decode().lower()) for n, _ in headers}
        if total and "content-length" not in names and "transfer-encoding" not in names:
            headers.append(("content-length", str(total)))
        scope = http_scope(method, path, query_string, headers, **scope_extra)
    result = AsgiResponse(None, [], b"", [])
    to_app: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)]
    done = asyncio.Event()            # the response is complete, or the client went away
    disconnected = asyncio.Event()

    def body_messages() -> int:
        return sum(1 for m in result.messages if m.get("type") == "http.response.body")

    def maybe_disconnect() -> None:
        if disconnect_after is not None and body_messages() >= disconnect_after:
            disconnected.set()
            done.set()

    async def receive() -> Message:
        if to_app and not disconnected.is_set():
            message = to_app.pop(0)
        else:
            await done.wait()  # like a server: nothing more until the client goes away
            message = {"type": "http.disconnect"}
        result.received.append(message)
        await asyncio.sleep(0)
        return message

    async def send(message: Message) -> None:
        await asyncio.sleep(0)
        if disconnected.is_set():
            result.messages.append(message)
            return  # like uvicorn: sending to a gone client is silently dropped
        assert isinstance(message, dict) and "type" in message, (
            f"ASGI spec: send() takes a dict with a 'type' key, got {message!r}")
        kind = message["type"]
        if validate:
            if result.status is None:
                assert kind == "http.response.start", (
                    f"ASGI spec: the first message sent must be 'http.response.start' "
                    f"(status and headers), got {kind!r}")
            elif result.complete:
                raise AssertionError(
                    f"ASGI spec: nothing may be sent after the last 'http.response.body' "
                    f"(more_body=False), got {kind!r}")
            else:
                assert kind == "http.response.body", (
                    f"ASGI spec: after 'http.response.start' only 'http.response.body' may "
                    f"be sent, got {kind!r}")
        result.messages.append(message)
        if kind == "http.response.start":
            status = message.get("status")
            if validate:
                assert isinstance(status, int) and not isinstance(status, bool), (
                    f"ASGI spec: 'status' is an int like 200, got {status!r}")
                _check_headers(message.get("headers", []))
            result.status = status
            result.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
        elif kind == "http.response.body":
            body = message.get("body", b"")
            if validate:
                assert isinstance(body, bytes), (
                    f"ASGI spec: 'body' is bytes, got {type(body).__name__} -- encode it")
            result.chunks.append(bytes(body))
            if not message.get("more_body", False):
                result.complete = True
                done.set()
            maybe_disconnect()

    if disconnect_after == 0:
        disconnected.set()
        done.set()
    try:
        returned: object = await asyncio.wait_for(app(scope, receive, send), timeout)
    except TimeoutError:
        raise AssertionError(
            f"the app did not return within {timeout:g} s (after {body_messages()} body "
            f"messages) -- an endless loop, or awaiting receive() for something that never "
            f"comes?") from None
    result.body = b"".join(result.chunks)
    if validate:
        assert returned is None, f"ASGI spec: the app must return None, it returned {returned!r}"
        if not disconnected.is_set():
            assert result.status is not None, (
                "the app returned without sending 'http.response.start' (a server answers 500)")
            assert result.complete, (
                "the app returned before the last 'http.response.body' (more_body=False): "
                "a server would cut the connection")
    return result


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` to completion, even when an event loop is already running (Jupyter)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def call_asgi(app: ASGIApp, method: str = "GET", path: str = "/",
              query_string: bytes | str = b"", headers: Any = None,
              body_chunks: Iterable[bytes] | bytes = (b"",), **kwargs: Any) -> AsgiResponse:
    """Call ``app`` with one HTTP request and return what it sent.

    ``body_chunks`` arrive as separate ``http.request`` messages (``more_body=True`` on all
    but the last).  After the last one, ``receive()`` waits until the response is complete
    and then says ``http.disconnect``.  ``disconnect_after=N`` makes the client "go away"
    once the app has sent N body messages: ``receive()`` then returns ``http.disconnect`` and
    later sends are dropped, as uvicorn does.  ``scope=`` replaces the built scope;
    other keywords go to :func:`http_scope` (``client=``, ``state=``, ``root_path=`` …).
    With ``validate=True`` every spec violation is an ``AssertionError`` naming the rule.
    The result unpacks as ``status, headers, body, messages``.
    """
    return _run(acall_asgi(app, method, path, query_string, headers, body_chunks, **kwargs))


# ------------------------------------------------------------------ lifespan

async def acall_lifespan(app: ASGIApp, *, state: dict | None = None, shutdown: bool = True,
                         timeout: float = 5.0) -> tuple[list[Message], dict]:
    """The async form of :func:`call_lifespan`."""
    state = {} if state is None else state
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
             "state": state}
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    sent: list[Message] = []
    replied = asyncio.Event()
    await inbox.put({"type": "lifespan.startup"})

    async def receive() -> Message:
        return await inbox.get()

    async def send(message: Message) -> None:
        sent.append(message)
        replied.set()

    task = asyncio.ensure_future(app(scope, receive, send))
    try:
        waiter = asyncio.ensure_future(replied.wait())
        await asyncio.wait({task, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if task.done():
            task.result()  # re-raise an exception from the app
        if not sent:
            raise AssertionError(f"the app sent nothing within {timeout:g} s after "
                                 "'lifespan.startup' (expected lifespan.startup.complete/failed)")
        if shutdown and sent[-1].get("type") == "lifespan.startup.complete":
            replied.clear()
            await inbox.put({"type": "lifespan.shutdown"})
            await asyncio.wait_for(replied.wait(), timeout)
            await asyncio.wait_for(task, timeout)
    except TimeoutError:
        raise AssertionError(f"the app did not answer a lifespan message within {timeout:g} s "
                             f"(sent so far: {[m.get('type') for m in sent]})") from None
    finally:
        if not task.done():
            task.cancel()
    return sent, state


def call_lifespan(app: ASGIApp, *, state: dict | None = None, shutdown: bool = True,
                  timeout: float = 5.0) -> tuple[list[Message], dict]:
    """Run the lifespan protocol like a server does once per worker process.

    Sends ``lifespan.startup``; if the app answers ``lifespan.startup.complete`` and
    ``shutdown`` is true, sends ``lifespan.shutdown`` and waits for the answer.  Returns
    ``(messages the app sent, state)``: ``state`` is the dict the server would then copy
    into every request's ``scope["state"]``.  An app that raises (e.g. one that does not
    support lifespan) raises here.
    """
    return _run(acall_lifespan(app, state=state, shutdown=shutdown, timeout=timeout))
