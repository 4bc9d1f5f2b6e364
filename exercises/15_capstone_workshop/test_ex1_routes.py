"""Graded tests of exercise 15.1: your nginx config, run by a real nginx in front of two
stand-in backends (``_routes_backends.py``, each under uvicorn): ``pages`` answers every URL
with what it received, ``live`` has the WebSocket, SSE and publish endpoints."""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake, InvalidStatus

from course import servers
from course.nginx import Nginx, NginxConfigError

HERE = Path(__file__).resolve().parent
CODE = HERE.parents[1] / "code" / "15_capstone_workshop"
STATIC = CODE / "static"                              # live.js, style.css
OUTSIDE = CODE / "migrations" / "0001_polls.sql"      # next to static/, never served
PLACEHOLDERS = "{{port}}, {{internal_port}}, {{pages}}, {{live}} and {{static_root}}"
POLL = {"id": 1, "question": "Tabs or spaces?",
        "choices": [{"id": 1, "text": "Tabs", "votes": 3}, {"id": 2, "text": "Spaces", "votes": 5}]}


# -- the servers -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def backends() -> Iterator[dict[str, servers.Server]]:
    with ExitStack() as stack:
        started = {}
        for name in ("pages", "live"):
            server = servers.uvicorn(f"_routes_backends:{name}", app_dir=HERE,
                                     args=["--log-level", "warning"])
            stack.callback(server.stop, 3)
            started[name] = server
        yield started


class Site:
    """The learner's nginx: ``port`` is the public listener, ``internal_port`` the other."""

    def __init__(self, nginx: Nginx, internal_port: int) -> None:
        self.nginx = nginx
        self.port = nginx.port
        self.internal_port = internal_port


@pytest.fixture
def site(backends, exercise_file: Path) -> Iterator[Site]:
    internal_port = servers.free_port()
    with ExitStack() as stack:
        nginx = Nginx(exercise_file.read_text(), ready_timeout=5,
                      internal_port=internal_port, static_root=STATIC,
                      pages=f"127.0.0.1:{backends['pages'].port}",
                      live=f"127.0.0.1:{backends['live'].port}")
        stack.callback(nginx.stop)
        try:
            nginx.start()
        except NginxConfigError as exc:
            pytest.fail(f"{exc}\n(in {exercise_file.name})", pytrace=False)
        except KeyError as exc:
            pytest.fail(f"{exercise_file.name}: {exc.args[0]} -- the placeholders are "
                        f"{PLACEHOLDERS}", pytrace=False)
        except servers.ServerError:
            pytest.fail(f"nginx accepted {exercise_file.name} but nothing listens on "
                        "127.0.0.1:{{port}} -- write `listen 127.0.0.1:{{port}};`",
                        pytrace=False)
        yield Site(nginx, internal_port)


# -- helpers -------------------------------------------------------------------------------
def request(port: int, method: str, path: str, headers: dict | None = None,
            body: bytes | None = None, where: str = "{{port}}") -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except ConnectionRefusedError:
        pytest.fail(f"{method} {path}: nothing listens on 127.0.0.1:{where} -- "
                    f"`listen 127.0.0.1:{where};`", pytrace=False)
    finally:
        conn.close()


def as_json(body: bytes) -> dict | None:
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def who_answered(body: bytes) -> str:
    answer = as_json(body)
    return f"the {answer['app']} backend" if answer and "app" in answer else "nginx itself"


def seen_by(backend: servers.Server) -> list[str]:
    """The requests a backend has received (asked directly, not through nginx)."""
    _, _, body = request(backend.port, "GET", "/__seen__", where=str(backend.port))
    return json.loads(body)


def probe() -> str:
    """A query string no other request carries, to find this request in a backend's list."""
    return f"probe={uuid.uuid4().hex}"


def through_to_pages(site: Site, path: str, headers: dict | None = None) -> dict:
    status, _, body = request(site.port, "GET", path, headers)
    answer = as_json(body)
    assert status == 200 and answer and answer.get("app") == "pages", (
        f"GET {path} should reach the pages app at {{{{pages}}}} (200 + its JSON); got "
        f"{status} from {who_answered(body)}: {body[:100]!r} -- everything that is not "
        "/static/ or /live/ goes to pages: location / { proxy_pass http://{{pages}}; }")
    return answer


def publish_internally(site: Site) -> tuple[int, bytes, str]:
    token = probe()
    status, _, body = request(site.internal_port, "POST", f"/live/publish?{token}",
                              {"Content-Type": "application/json"},
                              json.dumps(POLL).encode(), where="{{internal_port}}")
    return status, body, token


def parse_config(text: str) -> list:
    """nginx's config as a tree: each directive is (name, args, children or None)."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|#[^\n]*|[{};]|[^\s{};]+', text)
    stack: list[list] = [[]]
    words: list[str] = []
    for token in tokens:
        if token.startswith("#"):
            continue
        if token == ";":
            if words:
                stack[-1].append((words[0], words[1:], None))
            words = []
        elif token == "{":
            block: list = []
            stack[-1].append((words[0] if words else "", words[1:], block))
            stack.append(block)
            words = []
        elif token == "}":
            if len(stack) > 1:
                stack.pop()
            words = []
        else:
            words.append(token[1:-1] if token[:1] in "\"'" and len(token) > 1 else token)
    return stack[0]


def location_for(block: list, path: str) -> tuple[str, list] | None:
    """The location nginx picks for ``path`` among ``block``'s (exact, ^~, regex, prefix)."""
    found = []
    for name, args, children in block:
        if name == "location" and children is not None and args:
            modifier, uri = (args[0], args[1]) if len(args) > 1 else ("", args[0])
            found.append((modifier, uri, children))
    for modifier, uri, children in found:
        if modifier == "=" and uri == path:
            return f"location = {uri}", children
    prefixes = [f for f in found if f[0] in ("", "^~") and path.startswith(f[1])]
    longest = max(prefixes, key=lambda f: len(f[1]), default=None)
    if longest is None or longest[0] != "^~":
        for modifier, uri, children in found:
            flags = re.IGNORECASE if modifier == "~*" else 0
            if modifier in ("~", "~*") and re.search(uri, path, flags):
                return f"location {modifier} {uri}", children
    if longest is None:
        return None
    return f"location {longest[0]} {longest[1]}".replace("  ", " "), longest[2]


def seconds(value: str) -> float:
    units = {"ms": 0.001, "": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800,
             "M": 2592000, "y": 31536000}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)(ms|[smhdwMy]?)", value))


# -- /static/ ------------------------------------------------------------------------------
def test_static_files_come_from_disk(site, backends):
    token = probe()
    for name, content_type in (("live.js", "application/javascript"), ("style.css", "text/css")):
        status, headers, body = request(site.port, "GET", f"/static/{name}?{token}")
        expected = (STATIC / name).read_bytes()
        assert status == 200 and body == expected, (
            f"GET /static/{name}: expected 200 with the {len(expected)} bytes of "
            f"{{{{static_root}}}}/{name}, got {status} with {len(body)} bytes from "
            f"{who_answered(body)} -- location /static/ {{ alias {{{{static_root}}}}/; }} "
            "(alias replaces /static/ by the directory: a slash on both sides; root would "
            "append the whole URI, /static/ included)")
        assert headers.get("content-type", "").startswith(content_type), (
            f"GET /static/{name}: Content-Type {headers.get('content-type')!r}, expected "
            f"{content_type} (nginx's mime types pick it from the file name)")
    status, _, body = request(site.port, "GET", f"/static/no-such-file.css?{token}")
    assert status == 404, (
        f"GET /static/no-such-file.css: expected nginx's 404 (the file is not in "
        f"{{{{static_root}}}}), got {status} from {who_answered(body)}")
    leaked = [line for line in seen_by(backends["pages"]) if token in line]
    assert not leaked, (
        f"the pages app received {leaked}: /static/ is nginx's alone, served from disk -- "
        "no try_files fallback, no proxy_pass in that location")


def test_static_files_carry_cache_control(site):
    for name in ("live.js", "style.css"):
        status, headers, _ = request(site.port, "GET", f"/static/{name}")
        assert status == 200, f"GET /static/{name}: expected 200, got {status}"
        cache_control = headers.get("cache-control", "")
        max_age = re.search(r"max-age=(\d+)", cache_control)
        assert max_age and int(max_age.group(1)) > 0, (
            f"GET /static/{name}: Cache-Control {cache_control or '(none)'!r}; expected a "
            "max-age of more than 0 so browsers keep the file -- `expires 1h;` in the "
            "/static/ location (it writes Cache-Control: max-age=3600 and Expires)")


def test_static_location_stays_inside_its_root(site):
    status, _, body = request(site.port, "GET", "/static/style.css")
    assert status == 200 and body == (STATIC / "style.css").read_bytes(), (
        f"GET /static/style.css: expected the file from {{{{static_root}}}}, got {status} "
        f"with {len(body)} bytes -- serve /static/ first")
    secret = OUTSIDE.read_bytes()
    path = f"/static../{OUTSIDE.parent.name}/{OUTSIDE.name}"
    status, _, body = request(site.port, "GET", path)
    assert secret not in body, (
        f"GET {path} served {OUTSIDE.relative_to(CODE)}, a file OUTSIDE {{{{static_root}}}} "
        f"({status}, {len(body)} bytes). `location /static` (no slash) matches /static.. "
        "too, and alias then makes it {{static_root}}/../ -- the classic off-by-slash hole: "
        "write `location /static/` with `alias {{static_root}}/;`")


# -- / (pages) -----------------------------------------------------------------------------
def test_pages_get_other_urls_with_host_and_forwarded_headers(site):
    for path in ("/", "/polls/1?tab=results"):
        seen = through_to_pages(site, path, {"Host": "polls.example"})
        got = seen["path"] + (f"?{seen['query']}" if seen["query"] else "")
        assert got == path, (
            f"GET {path} arrived at pages as {got!r}; it must arrive unchanged -- "
            "proxy_pass http://{{pages}}; (no URI part after the address)")
        headers = seen["headers"]
        assert headers.get("host") == "polls.example", (
            f"GET {path} with Host: polls.example reached pages with Host: "
            f"{headers.get('host')!r} -- proxy_set_header Host $host; (by default nginx "
            "sends the proxy_pass address, and the app builds wrong URLs)")
        forwarded_for = headers.get("x-forwarded-for", "")
        assert forwarded_for.split(",")[-1].strip() == "127.0.0.1", (
            f"GET {path} from 127.0.0.1 reached pages with X-Forwarded-For: "
            f"{forwarded_for or '(none)'!r}; expected it to end in the client's address "
            "127.0.0.1 -- proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; "
            "(without it the app sees every visitor as nginx)")
        assert headers.get("x-forwarded-proto") == "http", (
            f"GET {path} over plain http reached pages with X-Forwarded-Proto: "
            f"{headers.get('x-forwarded-proto')!r}; expected 'http' -- proxy_set_header "
            "X-Forwarded-Proto $scheme;")


def test_lively_is_a_pages_url(site):
    seen = through_to_pages(site, "/lively")
    assert seen["path"] == "/lively", f"GET /lively arrived at pages as {seen['path']!r}"


# -- /live/ --------------------------------------------------------------------------------
def test_plain_live_requests_go_over_http_1_1_without_upgrade(site):
    status, _, body = request(site.port, "GET", "/live/info", {"Connection": "keep-alive"})
    answer = as_json(body)
    assert status == 200 and answer and answer.get("app") == "live", (
        f"GET /live/info should reach the live service at {{{{live}}}} (200 + its JSON); got "
        f"{status} from {who_answered(body)}: {body[:100]!r} -- location /live/ "
        "{ proxy_pass http://{{live}}; }")
    assert answer["http_version"] == "1.1", (
        f"nginx spoke HTTP/{answer['http_version']} to live; proxy_http_version 1.1; (a "
        "WebSocket upgrade needs HTTP/1.1)")
    headers = answer["headers"]
    assert headers.get("connection", "").lower() != "upgrade" and "upgrade" not in headers, (
        f"a plain GET (no Upgrade) reached live with Connection: {headers.get('connection')!r}"
        f" and Upgrade: {headers.get('upgrade')!r}; a plain request must not ask for an "
        "upgrade -- map $http_upgrade $connection_upgrade { default upgrade; '' close; } and "
        "proxy_set_header Connection $connection_upgrade; (not a fixed \"upgrade\")")


def test_websocket_through_nginx(site):
    async def scenario() -> object:
        try:
            async with connect(f"ws://127.0.0.1:{site.port}/live/ws/1", open_timeout=5) as ws:
                await ws.send("through nginx")
                return await asyncio.wait_for(ws.recv(), 5)
        except InvalidStatus as refused:
            return refused.response.status_code
        except (InvalidHandshake, OSError, TimeoutError) as exc:
            return f"{type(exc).__name__}: {exc}"
    got = asyncio.run(scenario())
    assert got == "through nginx", (
        f"a WebSocket to /live/ws/1 through nginx: expected live's echo 'through nginx', got "
        f"{got!r}. A status instead of the echo means the upgrade did not reach live: "
        "Upgrade and Connection are hop-by-hop, nginx passes them on only when told -- "
        "proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "
        "$connection_upgrade;")


def test_live_read_timeout_is_long(site):
    tree = parse_config(site.nginx.rendered())
    http_block = next(children for name, _, children in tree if name == "http")

    def listens_on_port(server: list) -> bool:
        return any(name == "listen" and args and args[0].rsplit(":", 1)[-1] == str(site.port)
                   for name, args, _ in server)

    public = [children for name, _, children in http_block
              if name == "server" and children and listens_on_port(children)]
    assert public, "no server block in your config listens on 127.0.0.1:{{port}}"
    for path in ("/live/ws/1", "/live/sse/1"):
        chosen = location_for(public[0], path)
        scopes = [("http", http_block), ("server", public[0])]
        if chosen:
            scopes.append((chosen[0], chosen[1]))
        setting, where = "60s (nginx's default)", "nowhere"
        for scope, block in scopes:                       # the innermost one wins
            for name, args, _ in block:
                if name == "proxy_read_timeout" and args:
                    setting, where = args[0], scope
        value = seconds(setting) if where != "nowhere" else 60
        assert value >= 600, (
            f"{path} is handled by {chosen[0] if chosen else 'no location'}, where "
            f"proxy_read_timeout is {setting} (set in: {where}); expected at least 10 "
            "minutes -- a quiet poll's WebSocket sends nothing for minutes, and nginx cuts "
            "a proxied connection when the backend is silent that long: proxy_read_timeout "
            "1h; in /live/")


def test_publish_is_not_public(site, backends):
    token = probe()
    status, _, body = request(site.port, "POST", f"/live/publish?{token}",
                              {"Content-Type": "application/json"}, json.dumps(POLL).encode())
    reached = [line for line in seen_by(backends["live"]) if token in line]
    assert status == 404 and not reached, (
        f"POST /live/publish on the public port: expected 404 with live never asked, got "
        f"{status} from {who_answered(body)} (live received: {reached or 'nothing'}) -- "
        "anyone could push fake results to every open page; `location = /live/publish "
        "{ return 404; }` in the public server (an exact match beats the /live/ prefix)")


# -- the internal listener -----------------------------------------------------------------
def test_internal_listener_publishes_to_live(site, backends):
    status, body, token = publish_internally(site)
    answer = as_json(body)
    assert status == 202 and answer and answer.get("app") == "live", (
        f"POST /live/publish on 127.0.0.1:{{{{internal_port}}}}: expected live's 202, got "
        f"{status} from {who_answered(body)}: {body[:100]!r} -- a second server "
        "{ listen 127.0.0.1:{{internal_port}}; location = /live/publish { proxy_pass "
        "http://{{live}}; } }")
    assert json.loads(answer["published"]) == POLL, (
        f"live received the body {answer['published'][:100]!r}, not the poll that was "
        "POSTed: pass the body on as it is")
    assert any(token in line for line in seen_by(backends["live"])), (
        "live's answer came back, but live has no record of the request")


def test_internal_listener_is_on_loopback_only(site):
    status, body, _ = publish_internally(site)
    assert status == 202, (
        f"POST /live/publish on 127.0.0.1:{{{{internal_port}}}}: expected live's 202, got "
        f"{status} from {who_answered(body)}")
    try:
        with socket.create_connection(("127.0.0.2", site.internal_port), timeout=2):
            reachable = True
    except OSError:
        reachable = False
    assert not reachable, (
        "the internal listener also accepts connections at 127.0.0.2:{{internal_port}}: it "
        "listens on every interface, so any machine that can reach this one could publish "
        "fake results -- `listen 127.0.0.1:{{internal_port}};`, not `listen "
        "{{internal_port}};`")


# -- last, being the slowest (it waits for live's first event) -------------------------
FIRST_EVENT_AFTER = 1.0   # seconds between live's headers and its first event


def test_sse_stream_opens_at_once_and_events_flow(site):
    path = f"/live/sse/1?first_event_after={FIRST_EVENT_AFTER:g}"
    with socket.create_connection(("127.0.0.1", site.port), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: polls.example\r\n\r\n".encode())
        raw, ended = b"", False
        while b"\r\n\r\n" not in raw and not ended:
            chunk = sock.recv(65536)
            raw += chunk
            ended = not chunk
        head_after = time.monotonic() - started
        status_line = raw.split(b"\r\n", 1)[0].decode("latin-1")
        assert status_line.split()[1:2] == ["200"], (
            f"GET {path}: expected live's 200 event stream, got {status_line!r}")
        assert b"data:" not in raw, (
            f"GET {path}: live sends its status and headers at once and the first event "
            f"{FIRST_EVENT_AFTER:g} s later, but through nginx the headers came only "
            f"{head_after:.2f} s after the request, together with the event -- nginx held "
            "them in its buffer. A browser's EventSource stays 'connecting' until then (live "
            "sends nothing while a poll gets no votes): proxy_buffering off; in /live/")
        deadline = started + FIRST_EVENT_AFTER + 1.0
        while b"data:" not in raw and not ended and time.monotonic() < deadline:
            sock.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            raw += chunk
            ended = not chunk
        event_after = time.monotonic() - started
    assert b"data:" in raw, (
        f"GET {path}: live sent its first event {FIRST_EVENT_AFTER:g} s after the request; "
        f"through nginx it had not arrived {event_after:.2f} s after the request (stream "
        f"ended: {ended}) -- an event must go out as live sends it: proxy_buffering off;")
    assert not ended and not raw.endswith(b"0\r\n\r\n"), (
        f"GET {path}: the stream ended after the first event; it should stay open (live "
        "keeps it open until the client leaves)")
