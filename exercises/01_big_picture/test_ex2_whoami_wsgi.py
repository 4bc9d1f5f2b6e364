"""Graded tests for exercise 1.2: the WSGI app finds the visitor behind nginx."""

import json

import pytest
import requests

from course import servers
from course.nginx import Nginx
from course.testing import call_wsgi

PROXY = """
server {
    listen 127.0.0.1:{{port}};
    location / {
        proxy_pass http://127.0.0.1:{{app_port}};
        proxy_http_version 1.1;
        proxy_set_header Host $host:$server_port;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto https;   # as if nginx had terminated TLS
    }
}
"""


def answer(response):
    assert response.status_code == 200, f"expected status 200, got {response.status}"
    ctype = response.header("Content-Type") or ""
    assert ctype.startswith("application/json"), (
        f"expected Content-Type application/json, got {ctype!r}")
    length = response.header("Content-Length")
    assert length == str(len(response.body)), (
        f"Content-Length must count the body's bytes: the body has {len(response.body)} "
        f"bytes, Content-Length says {length!r} (RFC 9110 §8.6)")
    try:
        return json.loads(response.body)
    except ValueError:
        pytest.fail(f"the body is not JSON: {response.body[:200]!r}")


def test_without_a_proxy_it_reports_remote_addr_and_wsgi_scheme(exercise):
    got = answer(call_wsgi(exercise.app, path="/cart", REMOTE_ADDR="10.1.2.3",
                           headers={"Host": "shop.test"}))
    expected = {"interface": "WSGI", "client": "10.1.2.3", "scheme": "http",
                "host": "shop.test", "path": "/cart"}
    assert got == expected, f"expected {expected}, got {got}"


def test_forwarded_headers_win_and_the_last_hop_is_the_client(exercise):
    got = answer(call_wsgi(exercise.app, path="/", REMOTE_ADDR="127.0.0.1", headers={
        "Host": "shop.test", "X-Forwarded-For": "203.0.113.9, 198.51.100.7",
        "X-Forwarded-Proto": "https"}))
    assert got.get("client") == "198.51.100.7", (
        f"REMOTE_ADDR 127.0.0.1 is a trusted proxy and sent X-Forwarded-For '203.0.113.9, "
        f"198.51.100.7': expected the last entry, the one our own proxy appended; got "
        f"{got.get('client')!r}")
    assert got.get("scheme") == "https", (
        f"X-Forwarded-Proto https: expected 'https', got {got.get('scheme')!r}")


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(exercise):
    got = answer(call_wsgi(exercise.app, path="/", REMOTE_ADDR="203.0.113.50", headers={
        "Host": "shop.test", "X-Forwarded-For": "10.0.0.1", "X-Forwarded-Proto": "https"}))
    assert got.get("client") == "203.0.113.50", (
        "REMOTE_ADDR 203.0.113.50 is not one of TRUSTED_PROXIES, so its 'X-Forwarded-For: "
        "10.0.0.1' is whatever that visitor typed: expected client '203.0.113.50' "
        f"(REMOTE_ADDR), got {got.get('client')!r}")
    assert got.get("scheme") == "http", (
        "an untrusted peer's 'X-Forwarded-Proto: https' must be ignored: expected scheme "
        f"'http' (wsgi.url_scheme), got {got.get('scheme')!r}")


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1"])
def test_a_trusted_peer_without_forwarded_headers_is_the_client(exercise, peer):
    got = answer(call_wsgi(exercise.app, path="/", REMOTE_ADDR=peer,
                           headers={"Host": "shop.test"}))
    assert (got.get("client"), got.get("scheme")) == (peer, "http"), (
        f"REMOTE_ADDR {peer!r} (trusted) and no X-Forwarded-* headers: expected client "
        f"{peer!r} and scheme 'http', got {got.get('client')!r} and {got.get('scheme')!r}")


def test_forwarded_headers_from_ipv6_loopback_are_trusted(exercise):
    got = answer(call_wsgi(exercise.app, path="/", REMOTE_ADDR="::1", headers={
        "Host": "shop.test", "X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}))
    assert (got.get("client"), got.get("scheme")) == ("198.51.100.7", "https"), (
        "'::1' is in TRUSTED_PROXIES (nginx may connect over IPv6 loopback): expected client "
        f"'198.51.100.7' and scheme 'https', got {got.get('client')!r} and "
        f"{got.get('scheme')!r}")


def test_content_length_counts_bytes_of_a_non_ascii_path(exercise):
    wire = "/café".encode().decode("latin-1")      # PEP 3333 native string
    response = call_wsgi(exercise.app, path=wire)
    answer(response)


def test_path_includes_script_name(exercise):
    got = answer(call_wsgi(exercise.app, path="/items/7", SCRIPT_NAME="/shop"))
    assert got.get("path") == "/shop/items/7", (
        f"SCRIPT_NAME '/shop' + PATH_INFO '/items/7': expected '/shop/items/7', "
        f"got {got.get('path')!r}")


def test_under_gunicorn_behind_nginx(exercise, exercise_file):
    with servers.gunicorn(f"{exercise_file.stem}:app", chdir=exercise_file.parent) as app, \
            Nginx(PROXY, app_port=app.port) as web:
        r = requests.get(web.url + "/whoami", headers={"X-Forwarded-For": "6.6.6.6"}, timeout=5)
        assert r.status_code == 200, (
            f"through nginx → gunicorn: expected 200, got {r.status_code}. gunicorn said:\n"
            + app.output()[-1500:])
        got = r.json()
    assert got.get("client") == "127.0.0.1", (
        "the visitor sent a fake 'X-Forwarded-For: 6.6.6.6'; nginx appended the real address "
        f"(127.0.0.1). Expected client '127.0.0.1', got {got.get('client')!r}")
    assert got.get("scheme") == "https", (
        f"nginx sent X-Forwarded-Proto https; got {got.get('scheme')!r}")
    assert got.get("host") == f"127.0.0.1:{web.port}", (
        f"Host: expected 127.0.0.1:{web.port}, got {got.get('host')!r}")
    assert got.get("path") == "/whoami", f"expected path '/whoami', got {got.get('path')!r}"
