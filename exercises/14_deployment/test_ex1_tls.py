"""Graded tests for exercise 14.1: HTTPS + HTTP/2 in front of an HTTP/1.1 app, with a local CA."""

from __future__ import annotations

import json
import re
import ssl

import httpx
import pytest

from course import servers


@pytest.fixture
def web(start_app, start_nginx, tls):
    app = start_app()
    tls_port = servers.free_port()
    nginx = start_nginx(tls_port=tls_port, cert=tls.server_cert, key=tls.server_key,
                        backend=f"127.0.0.1:{app.port}")
    nginx.tls_port = tls_port
    return nginx


def https(web, tls, path: str = "/", *, http2: bool = True) -> httpx.Response:
    context = ssl.create_default_context(cafile=str(tls.ca_cert))
    try:
        with httpx.Client(verify=context, http2=http2, timeout=10) as client:
            return client.get(f"https://127.0.0.1:{web.tls_port}{path}")
    except httpx.ConnectError as exc:
        pytest.fail(f"no HTTPS on 127.0.0.1:{{{{tls_port}}}} ({exc}): listen on it with "
                    "`listen 127.0.0.1:{{tls_port}} ssl;` and give ssl_certificate/_key",
                    pytrace=False)
    except httpx.HTTPError as exc:
        pytest.fail(f"the HTTPS request failed: {type(exc).__name__}: {exc}", pytrace=False)


def test_plain_http_redirects_to_https_keeping_path_and_query(web):
    answer = httpx.get(f"{web.url}/a/b?x=1&y=2", follow_redirects=False, timeout=10)
    expected = f"https://127.0.0.1:{web.tls_port}/a/b?x=1&y=2"
    assert answer.status_code == 301, (
        f"GET http://…/a/b?x=1&y=2 should be redirected with 301; got {answer.status_code}")
    assert answer.headers.get("location") == expected, (
        f"Location should be {expected!r} (same path and query, the HTTPS port); "
        f"got {answer.headers.get('location')!r} -- $request_uri keeps both")


def test_https_offers_http2_with_a_certificate_from_the_local_ca(web, tls):
    answer = https(web, tls, "/")
    assert answer.status_code == 200, f"GET / over HTTPS: expected 200, got {answer.status_code}"
    assert answer.http_version == "HTTP/2", (
        f"an HTTP/2 client (ALPN h2) got {answer.http_version}; turn HTTP/2 on in the HTTPS "
        "server block (`http2 on;`)")


def test_https_still_speaks_http11_to_clients_without_http2(web, tls):
    answer = https(web, tls, "/", http2=False)
    assert (answer.status_code, answer.http_version) == (200, "HTTP/1.1"), (
        f"an HTTP/1.1-only client should be served too; got {answer.status_code} "
        f"{answer.http_version}")


def test_app_sees_https_over_http11(web, tls):
    answer = https(web, tls, "/whoami")
    seen = json.loads(answer.text)
    assert seen["http_version"] == "1.1", (
        f"the app should be spoken to in HTTP/1.1 (proxy_http_version 1.1); it saw "
        f"HTTP/{seen['http_version']}")
    assert seen["scheme"] == "https", (
        "the app saw scheme 'http': send X-Forwarded-Proto $scheme (the app server trusts it "
        "from 127.0.0.1), or it will build http:// links for an https site")


def test_every_https_answer_has_hsts_for_a_year(web, tls):
    for path in ("/", "/no-such-page"):
        answer = https(web, tls, path)
        value = answer.headers.get("strict-transport-security", "")
        match = re.search(r"max-age=(\d+)", value)
        assert match and int(match.group(1)) >= 31536000, (
            f"GET {path} over HTTPS (status {answer.status_code}) should carry "
            f"Strict-Transport-Security with max-age >= 31536000; got {value!r} -- add_header "
            "needs `always` to be added to error answers too (RFC 6797 §6.1)")


def test_no_hsts_over_plain_http(web):
    answer = httpx.get(f"{web.url}/", follow_redirects=False, timeout=10)
    assert answer.status_code == 301, (
        f"plain HTTP should answer with the 301 redirect to HTTPS; got {answer.status_code}")
    assert "strict-transport-security" not in answer.headers, (
        "the plain-HTTP redirect carries Strict-Transport-Security: RFC 6797 §7.2 says an "
        "HSTS host must not send it over non-secure transport -- add it in the HTTPS server only")


def test_server_header_has_no_version(web, tls):
    answer = https(web, tls, "/")
    assert answer.headers.get("server") == "nginx", (
        f"Server: {answer.headers.get('server')!r}; `server_tokens off;` hides the version")
