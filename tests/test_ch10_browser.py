"""Chapter 10 in a real browser: two Chromium pages chat through nginx and uvicorn.

chat.py (pure ASGI, under uvicorn) serves the page and the room; nginx runs the chapter's
config (code/10_websockets/nginx_websocket.conf, the ``map $http_upgrade`` idiom) in front.
Chromium is headless, and every request to a host other than loopback is blocked.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from course import servers
from course.nginx import Nginx

CODE = Path(__file__).resolve().parent.parent / "code" / "10_websockets"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.mark.slow
def test_ch10_two_pages_chat_through_nginx():
    executable = chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium: install the `chromium` package (or set $CHROMIUM)")
        pytest.skip("no Chromium here (install `chromium` or set $CHROMIUM)")
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def loopback_only(route) -> None:
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    config = (CODE / "nginx_websocket.conf").read_text()
    with servers.script(CODE / "chat.py") as app, \
            Nginx(config, backend=f"127.0.0.1:{app.port}", read_timeout="1h") as web:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context()
                context.route("**/*", loopback_only)
                ann, bob = context.new_page(), context.new_page()
                for page, name in ((ann, "ann"), (bob, "bob")):
                    page.goto(web.url + "/", wait_until="load")
                    page.fill("#name", name)
                    page.click("#join")
                    page.wait_for_selector("body[data-state=open]", timeout=10_000)
                bob.wait_for_selector("#log li:has-text('* bob joined')", timeout=10_000)
                ann.fill("#text", "hello from ann")
                ann.press("#text", "Enter")
                bob.wait_for_selector("#log li:has-text('ann: hello from ann')", timeout=10_000)
                ann.wait_for_selector("#log li:has-text('ann: hello from ann')", timeout=10_000)
                bob_lines = bob.locator("#log li").all_inner_texts()
            finally:
                browser.close()
        access = "\n".join(web.access_log())
    assert "ann: hello from ann" in bob_lines, bob_lines
    assert not blocked, f"the page asked for non-local resources: {blocked}"
    assert '"GET /chat?name=ann HTTP/1.1" 101' in access, access   # the upgrade went via nginx
