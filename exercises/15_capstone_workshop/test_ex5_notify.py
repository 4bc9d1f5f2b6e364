"""Graded tests for exercise 15.5: the pages app tells the live service about each vote.

The first tests call your ``make_notifier()`` against small stand-in live services (one
that records what it gets, one that is down, one that answers 500, one that never answers).
The last two run the whole app -- nginx, your pages app under gunicorn, your live service
under uvicorn -- and cast a vote through the HTML form: a WebSocket client, an SSE client
and then a second browser page must see it within a second.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from websockets.asyncio.client import connect

from course.servers import free_port

POLL = {"id": 7, "question": "Tabs or spaces?",
        "choices": [{"id": 1, "text": "Tabs", "votes": 3}, {"id": 2, "text": "Spaces", "votes": 5}]}
LIVE_WITHIN_SECONDS = 1.0
WARNING_LOGGER = "polls.notify"


# -- stand-in live services ---------------------------------------------------------------
@contextmanager
def stand_in(status: int) -> Iterator[tuple[str, list[dict]]]:
    """An HTTP server on 127.0.0.1 that records each request and answers ``status``.

    Yields (publish_url, the requests it received).
    """
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            received.append({"path": self.path,
                             "content_type": self.headers.get("Content-Type", ""),
                             "body": self.rfile.read(length)})
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/live/publish", received
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent_service(gives_up_after: float = 3.0) -> Iterator[str]:
    """Accepts connections and never answers; yields its publish URL.

    It hangs up on each connection after ``gives_up_after`` seconds, so a notifier with no
    timeout is caught taking that long instead of hanging the test.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[tuple[float, socket.socket]] = []
    done = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not done.is_set():
            for accepted_at, conn in held:
                if time.monotonic() - accepted_at > gives_up_after:
                    conn.close()
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            held.append((time.monotonic(), conn))

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/live/publish"
    finally:
        done.set()
        thread.join(5)
        for _, conn in held:
            conn.close()
        listener.close()


def notify_with(exercise, url: str, timeout: float = 0.5):
    notify = exercise.make_notifier(url, timeout=timeout)
    assert callable(notify), f"make_notifier() returned {notify!r}, not a function"
    return notify


def call_without_raising(notify, situation: str) -> float:
    """Call notify(POLL); fail if it raises; return how long it took."""
    started = time.monotonic()
    try:
        notify(POLL)
    except Exception as exc:  # noqa: BLE001 -- any exception is the failure here
        pytest.fail(f"notify(poll) raised {type(exc).__name__}: {exc} when {situation} -- "
                    "the vote is already saved: log a warning, never raise", pytrace=False)
    return time.monotonic() - started


def assert_warned(caplog: pytest.LogCaptureFixture, situation: str) -> None:
    warnings = [record for record in caplog.records
                if record.name == WARNING_LOGGER and record.levelno >= logging.WARNING]
    assert warnings, (f"when {situation}, log a warning on logging.getLogger("
                      f"{WARNING_LOGGER!r}) so someone notices; nothing was logged there")


# -- the notifier on its own --------------------------------------------------------------
def test_notify_posts_the_poll_as_json(exercise):
    with stand_in(202) as (url, received):
        result = notify_with(exercise, url)(POLL)
    assert result is None, f"notify(poll) should return None, got {result!r}"
    assert len(received) == 1, f"expected exactly one POST per notify(poll), got {len(received)}"
    post = received[0]
    assert post["path"] == "/live/publish", (
        f"expected the POST to go to publish_url's path /live/publish, got {post['path']}")
    content_type = post["content_type"].split(";")[0].strip()
    assert content_type == "application/json", (
        f"expected Content-Type: application/json (the live service reads JSON), "
        f"got {post['content_type']!r}")
    try:
        body = json.loads(post["body"])
    except ValueError:
        pytest.fail(f"the body is not JSON: {post['body'][:80]!r}", pytrace=False)
    assert body == POLL, (f"expected the whole poll dict as the body (the live service pushes "
                          f"it to the browsers as it is), got {body!r}")


def test_a_live_service_that_is_down_is_logged_not_raised(exercise, caplog):
    caplog.set_level(logging.WARNING, logger=WARNING_LOGGER)
    url = f"http://127.0.0.1:{free_port()}/live/publish"   # nothing listens there
    call_without_raising(notify_with(exercise, url), "the live service was down")
    assert_warned(caplog, "the live service is down (connection refused)")


def test_an_error_status_is_logged_not_raised(exercise, caplog):
    caplog.set_level(logging.WARNING, logger=WARNING_LOGGER)
    with stand_in(502) as (url, received):
        call_without_raising(notify_with(exercise, url), "the live service answered 502")
    assert len(received) == 1, f"expected one POST, got {len(received)}"
    assert_warned(caplog, "the live service answers 502 (nginx with no live service behind it)")


def test_a_silent_live_service_does_not_hold_the_vote_up(exercise, caplog):
    caplog.set_level(logging.WARNING, logger=WARNING_LOGGER)
    timeout = 0.3
    with silent_service() as url:
        took = call_without_raising(notify_with(exercise, url, timeout=timeout),
                                    "the live service never answered")
    assert took < timeout + 0.7, (
        f"notify(poll) took {took:.1f} s against a live service that never answers; with "
        f"timeout={timeout} it must give up after about {timeout} s: pass the timeout to "
        "urlopen(), or every vote waits for a stuck live service")
    assert_warned(caplog, "the live service does not answer in time")


# -- the whole app --------------------------------------------------------------------------
def vote_through_the_form(base_url: str, poll_id: int, choice_id: int) -> int:
    """POST the poll page's form the way a browser does; the status (not following 303)."""
    form = urllib.parse.urlencode({"choice": choice_id}).encode()
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        response = client.post(f"{base_url}/polls/{poll_id}/vote", content=form,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    return response.status_code


async def receive_vote(ws_url: str, sse_url: str, cast) -> tuple[dict, dict, float]:
    """Connect a WebSocket and an SSE client, cast the vote, return what each got and when."""
    async with connect(ws_url) as ws, httpx.AsyncClient(timeout=10) as http:
        async with http.stream("GET", sse_url) as sse:
            lines = sse.aiter_lines()
            started = time.monotonic()
            await asyncio.to_thread(cast)

            async def next_sse_poll() -> dict:
                async for line in lines:
                    if line.startswith("data:"):
                        return json.loads(line.removeprefix("data:").strip())
                raise AssertionError("the SSE stream ended")

            ws_poll = json.loads(await asyncio.wait_for(ws.recv(), LIVE_WITHIN_SECONDS))
            sse_poll = await asyncio.wait_for(next_sse_poll(), LIVE_WITHIN_SECONDS)
            return ws_poll, sse_poll, time.monotonic() - started


def wait_for_listeners(stack, poll_id: int, count: int) -> None:
    deadline = time.monotonic() + 10
    while stack.live_stats().get("polls", {}).get(str(poll_id), 0) < count:
        assert time.monotonic() < deadline, "the live service never counted the test's clients"
        time.sleep(0.05)


def test_a_form_vote_reaches_websocket_and_sse_clients_through_nginx(start_stack):
    stack = start_stack()
    poll = stack.create_poll("Which half answers this page?", ["WSGI", "ASGI"])
    choice = poll["choices"][1]

    def cast() -> None:
        wait_for_listeners(stack, poll["id"], 2)
        status = vote_through_the_form(stack.url, poll["id"], choice["id"])
        assert status == 303, f"the form vote answered {status}, not 303 (stage 15.3)"

    try:
        ws_poll, sse_poll, took = asyncio.run(receive_vote(
            f"{stack.ws_url}/live/ws/{poll['id']}", f"{stack.url}/live/sse/{poll['id']}", cast))
    except TimeoutError:
        pytest.fail(f"a vote cast through the form did not reach the live clients within "
                    f"{LIVE_WITHIN_SECONDS:g} s: does the pages app call notify(poll), and does "
                    "notify POST it to the publish URL?", pytrace=False)
    votes = {c["id"]: c["votes"] for c in ws_poll["choices"]}
    assert votes[choice["id"]] == 1, f"the WebSocket client got {ws_poll}, without the vote"
    assert sse_poll == ws_poll, f"SSE got {sse_poll}, the WebSocket {ws_poll}: not the same poll"
    assert took < LIVE_WITHIN_SECONDS, f"the vote took {took:.2f} s to arrive"


def test_a_vote_in_one_page_appears_live_in_another(start_stack, browser_context):
    stack = start_stack()
    poll = stack.create_poll("Seen live in the other window?", ["yes", "no"])
    choice = poll["choices"][0]
    page_url = f"{stack.url}/polls/{poll['id']}"
    voter, watcher = browser_context.new_page(), browser_context.new_page()
    for page in (voter, watcher):
        page.goto(page_url, wait_until="load")
        page.wait_for_selector("body[data-live=open]", timeout=10_000)
    wait_for_listeners(stack, poll["id"], 2)
    counter = f"#votes-{choice['id']}"
    assert watcher.inner_text(counter).strip() == "0", "a fresh poll should show 0 votes"
    voter.click(f"button[name=choice][value='{choice['id']}']")
    voter.wait_for_load_state("load")
    try:
        watcher.wait_for_function(
            f"document.querySelector({counter!r}).textContent.trim() === '1'",
            timeout=LIVE_WITHIN_SECONDS * 1000)
    except Exception:  # noqa: BLE001 -- Playwright's TimeoutError
        pytest.fail(f"the other page still shows {watcher.inner_text(counter)!r} votes "
                    f"{LIVE_WITHIN_SECONDS:g} s after the vote: the vote never reached it live",
                    pytrace=False)
    assert voter.inner_text(counter).strip() == "1", (
        "the page that voted should show its own vote after the 303 redirect")
