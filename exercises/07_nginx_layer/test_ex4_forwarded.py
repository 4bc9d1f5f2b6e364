"""Graded tests for exercise 7.4: the app learns the client's address, host and scheme."""

from __future__ import annotations

import pytest


@pytest.fixture
def web(start_backends, start_nginx):
    # uvicorn trusts X-Forwarded-For/-Proto from 127.0.0.1 (its default --forwarded-allow-ips):
    # nginx, here.  Any other peer's X-Forwarded-* headers are ignored.
    (app,) = start_backends("app")
    return start_nginx(backend=f"127.0.0.1:{app.port}")


def report(web, http, source: str, headers: dict[str, str] | None = None) -> dict:
    status, _, body = http(web.port, "/whoami", source=source,
                           headers={"Host": "shop.example", **(headers or {})})
    seen = http.json(body)
    assert status == 200 and seen is not None, (
        f"GET /whoami should be proxied to the app; got {status} {body[:80]!r}")
    return seen


def test_app_receives_the_forwarding_headers(web, http, client_address):
    seen = report(web, http, client_address)["headers"]
    assert seen.get("host") == "shop.example", (
        f"the app saw Host {seen.get('host')!r}, the client asked for 'shop.example': "
        "proxy_set_header Host $host; (without it nginx sends the upstream's address)")
    last_hop = seen.get("x-forwarded-for", "").split(",")[-1].strip()
    assert last_hop == client_address, (
        f"X-Forwarded-For should end with the client's address {client_address}, the app saw "
        f"{seen.get('x-forwarded-for')!r}: proxy_set_header X-Forwarded-For "
        "$proxy_add_x_forwarded_for; (or $remote_addr)")
    assert seen.get("x-forwarded-proto") == "http", (
        f"X-Forwarded-Proto should be the scheme the client used ('http' here), the app saw "
        f"{seen.get('x-forwarded-proto')!r}: proxy_set_header X-Forwarded-Proto $scheme;")


def test_app_server_sees_the_client_not_nginx(web, http, client_address):
    seen = report(web, http, client_address)
    assert seen["client"][0] == client_address, (
        f"uvicorn reported the client as {seen['client'][0]}, but the request came from "
        f"{client_address}: it can only know that from nginx's X-Forwarded-For")


def test_client_cannot_spoof_the_scheme(web, http, client_address):
    seen = report(web, http, client_address, headers={"X-Forwarded-Proto": "https"})
    assert seen["scheme"] == "http", (
        "a client sent its own 'X-Forwarded-Proto: https' over plain http and the app believed "
        f"it (scheme {seen['scheme']!r}): nginx must overwrite the header with $scheme, since "
        "the app server trusts whatever nginx passes on")
    if client_address != "127.0.0.1":
        seen = report(web, http, client_address, headers={"X-Forwarded-For": "203.0.113.66"})
        assert seen["client"][0] == client_address, (
            f"a client claimed 'X-Forwarded-For: 203.0.113.66' and the app saw client "
            f"{seen['client'][0]}; the real client was {client_address}")
