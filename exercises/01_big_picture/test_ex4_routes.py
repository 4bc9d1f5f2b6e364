"""Graded tests for exercise 1.4: real nginx, with your config, before real gunicorn and uvicorn."""

import re
from pathlib import Path

import pytest
import requests

from course import servers
from course.nginx import Nginx, NginxConfigError

CODE = Path(__file__).resolve().parents[2] / "code" / "01_big_picture"


@pytest.fixture(scope="module")
def backends():
    with servers.gunicorn("wsgi_app:app", chdir=CODE) as wsgi, \
            servers.uvicorn("asgi_app:app", app_dir=CODE, args=["--lifespan", "off"]) as asgi:
        yield wsgi, asgi


@pytest.fixture
def web(exercise_file, backends):
    wsgi, asgi = backends
    try:
        nginx = Nginx(exercise_file.read_text(), wsgi_port=wsgi.port, asgi_port=asgi.port)
        nginx.start()
    except (NginxConfigError, KeyError) as exc:
        pytest.fail(f"{exercise_file.name}: {exc}", pytrace=False)
    yield nginx
    nginx.stop()


def get(web, path, **kw):
    return requests.get(web.url + path, timeout=5, **kw)


def test_front_door_is_answered_by_nginx_itself(web):
    r = get(web, "/")
    assert r.status_code == 200, f"GET /: expected 200 from nginx itself, got {r.status_code}"
    assert "front door" in r.text, (
        f"GET /: expected a body containing 'front door', got {r.text[:100]!r}")
    assert r.headers.get("Content-Type", "").startswith("text/plain"), (
        f"GET /: expected Content-Type text/plain, got {r.headers.get('Content-Type')!r} "
        "(hint: default_type inside the location)")


def test_shop_reaches_wsgi_with_the_prefix_removed(web):
    r = get(web, "/shop/cart?x=1")
    assert r.status_code == 200, f"GET /shop/cart: expected 200 from gunicorn, got {r.status_code}"
    seen = r.json()
    assert seen.get("interface") == "WSGI", (
        f"/shop/ must go to gunicorn (WSGI), it reached {seen.get('interface')}")
    assert (seen["path"], seen["query"]) == ("/cart", "x=1"), (
        f"GET /shop/cart?x=1: the app should see path '/cart' and query 'x=1', it saw "
        f"{seen['path']!r} and {seen['query']!r} (proxy_pass with a URI part replaces the prefix)")


def test_live_reaches_asgi_with_the_path_unchanged(web):
    r = get(web, "/live/feed")
    assert r.status_code == 200, f"GET /live/feed: expected 200 from uvicorn, got {r.status_code}"
    seen = r.json()
    assert seen.get("interface") == "ASGI", (
        f"/live/ must go to uvicorn (ASGI), it reached {seen.get('interface')}")
    assert seen["path"] == "/live/feed", f"the app should see '/live/feed', it saw {seen['path']!r}"
    assert seen["http_version"] == "1.1", (
        f"nginx spoke HTTP/{seen['http_version']} to uvicorn; set proxy_http_version 1.1 "
        "(nginx before 1.29.7 defaults to 1.0, which has no keep-alive and no chunked bodies)")


def directives(config: str) -> str:
    """The config without comments, quoted strings and {{placeholders}}: directives only."""
    text = re.sub(r"\{\{\w+\}\}", "PLACEHOLDER", config)
    text = re.sub(r'"[^"]*"', '""', text)
    return re.sub(r"#[^\n]*", "", text)


def blocks(config: str) -> list[tuple[str, str]]:
    """Each `location … { … }` of the config as (its head, its own directives)."""
    text = directives(config)
    found, stack = [], []
    for match in re.finditer(r"[{}]", text):
        if match.group() == "{":
            head_start = max(text.rfind(c, 0, match.start()) for c in ";{}") + 1
            stack.append((text[head_start:match.start()].strip(), match.end()))
        elif stack:
            head, start = stack.pop()
            if head.startswith("location"):
                inner = re.sub(r"\{[^{}]*\}", "", text[start:match.start()])
                found.append((head, inner))
    return found


def outside_locations(config: str) -> str:
    text = directives(config)
    location = re.compile(r"location[^{};]*\{[^{}]*\}")
    while location.search(text):
        text = location.sub("", text)
    return text


def test_each_proxied_route_says_http11(exercise_file):
    """nginx 1.29.7 made HTTP/1.1 its default towards backends; older ones speak 1.0."""
    config = exercise_file.read_text()
    version = re.compile(r"\bproxy_http_version\s+1\.1\s*;")
    inherited = bool(version.search(outside_locations(config)))
    proxied = [(head, inner) for head, inner in blocks(config) if "proxy_pass" in inner]
    assert proxied, "no location with proxy_pass found: the /shop/ and /live/ routes are missing"
    missing = [head for head, inner in proxied if not inherited and not version.search(inner)]
    assert not missing, (
        f"{', '.join(missing)}: no 'proxy_http_version 1.1;' (in the location or the server "
        "block). The task says: talk HTTP/1.1 to the backend. The nginx the tests run "
        "(1.29.7 or later) already does by default, but nginx before 1.29.7 speaks HTTP/1.0 "
        "(no keep-alive, no chunked bodies): say it, and the config means the same everywhere")


@pytest.mark.parametrize("path", ["/shop/who", "/live/who"])
def test_forwarding_headers_reach_the_app(web, path):
    r = get(web, path, headers={"X-Forwarded-For": "203.0.113.5"})
    assert r.status_code == 200, f"GET {path}: expected 200, got {r.status_code}"
    seen = r.json()
    headers = seen["headers"]
    pairs = headers if isinstance(headers, list) else list(headers.items())
    got = {k.lower(): v for k, v in pairs}
    expected_host = f"127.0.0.1:{web.port}"
    assert got.get("host") == expected_host, (
        f"{path}: the app should see the client's Host {expected_host!r}, it saw "
        f"{got.get('host')!r}")
    assert got.get("x-forwarded-for") == "203.0.113.5, 127.0.0.1", (
        f"{path}: X-Forwarded-For should keep what came in and append the client's address "
        f"('203.0.113.5, 127.0.0.1'); the app saw {got.get('x-forwarded-for')!r}")
    assert got.get("x-forwarded-proto") == "http", (
        f"{path}: expected X-Forwarded-Proto 'http', the app saw {got.get('x-forwarded-proto')!r}")


def test_other_paths_404_and_no_version_in_server_header(web):
    r = get(web, "/admin")
    assert r.status_code == 404, f"GET /admin: expected 404, got {r.status_code}"
    assert r.headers.get("Server") == "nginx", (
        f"expected 'Server: nginx' without a version, got {r.headers.get('Server')!r} "
        "(server_tokens off)")
