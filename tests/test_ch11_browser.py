"""Chapter 11: a real EventSource in headless Chromium reconnects and resumes with
Last-Event-ID after the server drops it -- no event lost, none repeated."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from course import servers
from course.grading import toc

CODE = toc.ROOT / "code" / "11_streaming_and_long_lived"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]

playwright_api = pytest.importorskip("playwright.sync_api")


def loopback_only(route) -> None:
    host = urlsplit(route.request.url).hostname
    if host in ("127.0.0.1", "::1", "localhost"):
        route.continue_()
    else:
        route.abort()


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_ch11_eventsource_resumes_without_losing_or_repeating():
    count, drop_after = 10, 3
    with servers.script(CODE / "sse_server.py") as server:
        with playwright_api.sync_playwright() as play:
            browser = play.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                page = browser.new_page()
                page.route("**/*", loopback_only)
                page.goto(f"{server.url}/?count={count}&every=0.02&drop_after={drop_after}")
                # the page's EventSource is CLOSED (2) once the server answers 204
                page.wait_for_function(
                    f"window.received.length >= {count} && "
                    "document.getElementById('state').textContent === 'closed'",
                    timeout=20_000)
                received = page.evaluate("window.received")
                opened = page.evaluate("window.opened")
            finally:
                browser.close()
        log = server.output()
    ids = [int(event["id"]) for event in received]
    assert ids == list(range(1, count + 1)), f"events lost or repeated: ids {ids}"
    assert [event["data"] for event in received] == [f"tick {n}" for n in ids]
    resumed_from = [int(n) for n in re.findall(r"Last-Event-ID (\d+), sending from", log)]
    assert resumed_from == [3, 6, 9], (
        f"the browser should reconnect three times with Last-Event-ID 3, 6, 9:\n{log}")
    assert opened == 4, f"four connections (one + three reconnects) expected, saw {opened}"
    assert "Last-Event-ID 10, nothing left: 204" in log, log
