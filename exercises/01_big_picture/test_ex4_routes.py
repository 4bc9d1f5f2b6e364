"""Graded tests for exercise 1.4: real nginx, with your config, in front of real gunicorn and uvicorn."""

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
    assert "front door" in r.text, f"GET /: expected a body containing 'front door', got {r.text[:100]!r}"
    assert r.headers.get("Content-Type", "").startswith("text/plain"), (
        f"GET /: expected Content-Type text/plain, got {r.headers.get('Content-Type')!r} "
        "(hint: default_type inside the location)")


def test_shop_reaches_wsgi_with_the_prefix_removed(web):
    r = get(web, "/shop/cart?x=1")
    assert r.status_code == 200, f"GET /shop/cart: expected 200 from gunicorn, got {r.status_code}"
    seen = r.json()
    assert seen.get("interface") == "WSGI", f"/shop/ must go to gunicorn (WSGI), it reached {seen.get('interface')}"
    assert (seen["path"], seen["query"]) == ("/cart", "x=1"), (
        f"GET /shop/cart?x=1: the app should see path '/cart' and query 'x=1', it saw "
        f"{seen['path']!r} and {seen['query']!r} (proxy_pass with a URI part replaces the prefix)")


def test_live_reaches_asgi_with_the_path_unchanged(web):
    r = get(web, "/live/feed")
    assert r.status_code == 200, f"GET /live/feed: expected 200 from uvicorn, got {r.status_code}"
    seen = r.json()
    assert seen.get("interface") == "ASGI", f"/live/ must go to uvicorn (ASGI), it reached {seen.get('interface')}"
    assert seen["path"] == "/live/feed", f"the app should see '/live/feed', it saw {seen['path']!r}"
    assert seen["http_version"] == "1.1", (
        f"nginx spoke HTTP/{seen['http_version']} to uvicorn; set proxy_http_version 1.1 "
        "(nginx before 1.30 defaults to 1.0, which has no keep-alive and no chunked bodies)")


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
        f"{path}: the app should see the client's Host {expected_host!r}, it saw {got.get('host')!r}")
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
