"""Drive ASGI apps by hand, serve them, and check an HTTP server with the chapter 08 app suite.

What is here:

* :func:`call_asgi` -- call an ASGI app like an HTTP server would, in process: it builds an
  ``http`` scope, feeds the request body through ``receive`` as ``http.request`` messages
  (``more_body=True`` on every chunk but the last), records every message the app gives to
  ``send``, and checks each one against the ASGI HTTP spec (an ``AssertionError`` that names
  the rule).  Remember the direction: ``receive`` delivers events *to* the app; ``send``
  emits the app's events to the server.
* :func:`call_lifespan` -- run the ``lifespan`` protocol: startup, then (if it completed)
  shutdown; returns what the app sent and the ``state`` it prepared.
* :func:`serve` -- run an app under uvicorn in the foreground and print
  ``Listening on http://HOST:PORT`` once it accepts connections (chapter scripts use it).
* :func:`check_server` -- send real HTTP requests to a server that serves the chapter 08 app
  suite (``code/08_asgi_messages/app_suite.py``, attribute ``app``) and return the problems
  found (an empty list when every check passed).  Chapter 09 checks its own server with it.

What it is not: a full ASGI server or a conformance suite.  ``call_asgi`` does not speak HTTP;
it only plays the server's half of the message exchange, strictly.
"""

from __future__ import annotations

import asyncio
import http.client
import importlib.util
import json
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, unquote, urlsplit

__all__ = [
    "APP_SUITE",
    "APP_SUITE_DIR",
    "AsgiResponse",
    "acall_asgi",
    "acall_lifespan",
    "call_asgi",
    "call_lifespan",
    "check_server",
    "http_scope",
    "load_app_suite",
    "serve",
]

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[dict, Receive, Send], Awaitable[None]]

APP_SUITE_DIR = Path(__file__).resolve().parent.parent / "code" / "08_asgi_messages"
APP_SUITE = "app_suite:app"  # uvicorn app_suite:app --app-dir code/08_asgi_messages


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
        returned = await asyncio.wait_for(app(scope, receive, send), timeout)
    except (asyncio.TimeoutError, TimeoutError):
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


def _run(coro: Awaitable) -> Any:
    """Run ``coro`` to completion, even when an event loop is already running (Jupyter)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
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
    except (asyncio.TimeoutError, TimeoutError):
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


# ------------------------------------------------------------------ serving

def serve(app: ASGIApp | str, host: str = "127.0.0.1", port: int = 8000, **config: Any) -> None:
    """Run ``app`` under uvicorn until Ctrl-C/SIGTERM; print ``Listening on …`` when ready."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **config))

    async def main() -> None:
        task = asyncio.ensure_future(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.05)
        if server.started:
            print(f"Listening on http://{host}:{port}", flush=True)
        await task

    asyncio.run(main())
    if not server.started:
        sys.exit(1)


# ------------------------------------------------------------------ the app suite

def load_app_suite() -> ModuleType:
    """Import ``code/08_asgi_messages/app_suite.py`` (by path: ``code/`` is not a package)."""
    cached = sys.modules.get("course_app_suite")
    if cached is not None:
        return cached
    spec = importlib.util.spec_from_file_location("course_app_suite",
                                                  APP_SUITE_DIR / "app_suite.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["course_app_suite"] = module
    spec.loader.exec_module(module)
    return module


def _request(base: str, method: str, target: str, body: bytes | Iterable[bytes] | None = None,
             headers: Mapping[str, str] | None = None, timeout: float = 5.0,
             conn: http.client.HTTPConnection | None = None):
    parts = urlsplit(base)
    own = conn is None
    if own:
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    prefix = parts.path.rstrip("/")
    encode_chunked = body is not None and not isinstance(body, bytes)
    conn.request(method, prefix + target, body=body, headers=dict(headers or {}),
                 encode_chunked=encode_chunked)
    response = conn.getresponse()
    data = response.read()
    if own:
        conn.close()
    return response, data


def check_server(base_url: str, *, lifespan: bool = False, timeout: float = 5.0) -> list[str]:
    """Check an HTTP server that serves the chapter 08 app suite at ``base_url``.

    The server must run ``app_suite:app`` from ``code/08_asgi_messages`` (see
    :data:`APP_SUITE_DIR`, :data:`APP_SUITE`).  Real HTTP requests check: a plain response
    with Content-Length; 404; echo of an empty, a small, a large (256 KiB) and a chunked
    (Transfer-Encoding: chunked) request body; a streamed countdown (many body messages,
    no Content-Length); the scope as the app saw it (method, decoded path vs raw_path,
    query_string bytes, lower-cased headers, client, http_version); two requests on one
    keep-alive connection.  With ``lifespan=True`` it also checks that lifespan startup ran
    and its state reached the request.  Returns one line per problem; ``[]`` means all good.
    """
    problems: list[str] = []
    base = base_url.rstrip("/")

    def check(name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except AssertionError as exc:
            problems.append(f"{name}: {exc}")
        except Exception as exc:  # noqa: BLE001 - a broken server may fail in any way
            problems.append(f"{name}: {type(exc).__name__}: {exc}")

    def hello() -> None:
        resp, data = _request(base, "GET", "/hello", timeout=timeout)
        assert resp.status == 200, f"expected status 200, got {resp.status}"
        assert data == b"Hello, ASGI!\n", f"expected body b'Hello, ASGI!\\n', got {data[:80]!r}"
        assert resp.getheader("content-type", "").startswith("text/plain"), (
            f"expected the app's Content-Type text/plain, got {resp.getheader('content-type')!r}")
        assert resp.getheader("content-length") == str(len(data)), (
            f"the app set Content-Length {len(data)}; the server sent "
            f"{resp.getheader('content-length')!r}")

    def not_found() -> None:
        resp, data = _request(base, "GET", "/no/such/page", timeout=timeout)
        assert resp.status == 404, f"expected 404 for an unknown path, got {resp.status}"
        assert b"not found" in data.lower(), f"expected a 'Not found' body, got {data[:80]!r}"

    def echo(body: bytes | list[bytes], label: str) -> Callable[[], None]:
        def run() -> None:
            whole = body if isinstance(body, bytes) else b"".join(body)
            resp, data = _request(base, "POST", "/echo", body=body,
                                  headers={"Content-Type": "application/octet-stream"},
                                  timeout=timeout)
            assert resp.status == 200, f"{label}: expected status 200, got {resp.status}"
            assert data == whole, (
                f"{label}: sent {len(whole)} bytes, got {len(data)} back -- every "
                "http.request message (more_body=True until the last) must reach the app")
        return run

    def countdown() -> None:
        resp, data = _request(base, "GET", "/countdown?from=5", timeout=timeout)
        assert resp.status == 200, f"expected status 200, got {resp.status}"
        assert data == b"5\n4\n3\n2\n1\nliftoff!\n", f"expected 5..1 and liftoff!, got {data!r}"
        assert resp.getheader("content-length") is None, (
            "a streamed response without a Content-Length from the app must not get one")
        assert (resp.getheader("transfer-encoding") or "").lower() == "chunked", (
            "HTTP/1.1 response of unknown length: expected Transfer-Encoding: chunked, got "
            f"{resp.getheader('transfer-encoding')!r}")

    def info() -> None:
        resp, data = _request(base, "GET", "/info/caf%C3%A9?a=1&b=two%20words&a=3",
                              headers={"X-Course-Test": "Mixed-Case Value"}, timeout=timeout)
        assert resp.status == 200, f"expected status 200, got {resp.status}"
        seen = json.loads(data)
        expected = {"type": "http", "method": "GET", "path": "/info/café",
                    "raw_path": "/info/caf%C3%A9", "query_string": "a=1&b=two%20words&a=3",
                    "http_version": "1.1", "scheme": "http"}
        for key, value in expected.items():
            assert seen.get(key) == value, (
                f"scope[{key!r}]: expected {value!r}, got {seen.get(key)!r}")
        names = [name for name, _ in seen["headers"]]
        assert all(name == name.lower() for name in names), (
            f"header names in the scope must be lower-case, got {names}")
        assert ["x-course-test", "Mixed-Case Value"] in seen["headers"], (
            f"expected header ['x-course-test', 'Mixed-Case Value'] in the scope, "
            f"got {seen['headers']}")
        assert any(name == "host" for name in names), "the Host header must be in the scope"
        client = seen.get("client")
        assert client and client[0] == "127.0.0.1" and isinstance(client[1], int), (
            f"scope['client'] should be ['127.0.0.1', <port>], got {client!r}")
        assert seen.get("asgi_version", "").startswith("3"), (
            f"scope['asgi']['version'] should be '3.0', got {seen.get('asgi_version')!r}")

    def keep_alive() -> None:
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
        try:
            for n in (1, 2):
                resp, data = _request(base, "GET", "/hello", conn=conn)
                assert resp.status == 200 and data == b"Hello, ASGI!\n", (
                    f"request {n} on one kept-alive connection: got {resp.status} {data[:60]!r}")
            resp, data = _request(base, "POST", "/echo", body=b"third", conn=conn)
            assert data == b"third", f"request 3 on one connection: got {data[:60]!r}"
        finally:
            conn.close()

    def lifespan_state() -> None:
        resp, data = _request(base, "GET", "/info", timeout=timeout)
        state = json.loads(data).get("state")
        assert state and state.get("lifespan") == "started", (
            f"lifespan startup should have put {{'lifespan': 'started'}} in the state copied into "
            f"each request's scope, got {state!r}")

    check("GET /hello", hello)
    check("GET /no/such/page", not_found)
    check("POST /echo (empty body)", echo(b"", "empty body"))
    check("POST /echo (small body)", echo(b"ping " * 20, "small body"))
    check("POST /echo (256 KiB body)", echo(bytes(range(256)) * 1024, "256 KiB body"))
    check("POST /echo (chunked upload)",
          echo([b"first chunk,", b"second chunk,", b"third"], "chunked upload"))
    check("GET /countdown?from=5", countdown)
    check("GET /info/caf%C3%A9?…", info)
    check("keep-alive: 3 requests on one connection", keep_alive)
    if lifespan:
        check("lifespan state in GET /info", lifespan_state)
    return problems
