"""Graded tests for exercise 7.1: nginx serves /static/ from disk and proxies the rest."""

from __future__ import annotations

import pytest

HELLO = b"hello from nginx's disk\n"
CSS = b"body { color: rebeccapurple; }\n"
SECRET = b"DATABASE_PASSWORD=hunter2\n"   # next to the static directory, never to be served


@pytest.fixture
def web(tmp_path, start_backends, start_nginx):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "hello.txt").write_bytes(HELLO)
    (static / "css" / "app.css").write_bytes(CSS)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (app,) = start_backends("app")
    return start_nginx(backend=f"127.0.0.1:{app.port}", static_dir=static)


def test_static_files_come_from_disk(web, http):
    for path, content in (("/static/hello.txt", HELLO), ("/static/css/app.css", CSS)):
        status, headers, body = http(web.port, path)
        assert http.json(body) is None, (
            f"GET {path} reached the app server; files under /static/ should be read from "
            "{{static_dir}} by nginx itself (a `location /static/` with `alias {{static_dir}}/;`)")
        assert status == 200 and body == content, (
            f"GET {path}: expected 200 with the file's bytes {content!r}, "
            f"got {status} {body[:80]!r}")
    assert headers.get("content-type", "").startswith("text/css"), (
        "app.css should be sent as text/css (nginx's mime types), "
        f"got {headers.get('content-type')}")


def test_missing_static_file_is_nginx_404(web, http):
    status, _, body = http(web.port, "/static/nope.txt")
    assert http.json(body) is None, (
        "GET /static/nope.txt was passed to the app: a file missing under /static/ should be "
        "nginx's own 404, the app never asked")
    assert status == 404, f"GET /static/nope.txt: expected 404 from nginx, got {status}"


def test_everything_else_reaches_the_app_unchanged(web, http):
    status, _, body = http(web.port, "/api/orders?id=3")
    seen = http.json(body)
    assert status == 200 and seen is not None, (
        f"GET /api/orders?id=3 should be proxied to the app ({{{{backend}}}}); got {status} "
        f"{body[:80]!r}")
    assert (seen["path"], seen["query"]) == ("/api/orders", "id=3"), (
        f"the app should see the URI unchanged (path /api/orders, query id=3), saw path "
        f"{seen['path']!r} and query {seen['query']!r}: proxy_pass without a URI part keeps it")
    assert seen["http_version"] == "1.1", (
        f"nginx spoke HTTP/{seen['http_version']} to the app; set `proxy_http_version 1.1;` "
        "(older nginx defaults to 1.0: no keep-alive, no chunked responses)")


def test_server_header_hides_the_version(web, http):
    _, headers, _ = http(web.port, "/static/hello.txt")
    assert headers.get("server") == "nginx", (
        f"the Server header says {headers.get('server')!r}; with `server_tokens off;` it is just "
        "'nginx' -- no version number for an attacker to look up")


def test_no_file_outside_the_static_directory(web, http):
    status, _, body = http(web.port, "/static/hello.txt")
    assert status == 200 and body == HELLO, (
        f"GET /static/hello.txt: expected 200 with the file's bytes (serve /static/ from "
        f"{{{{static_dir}}}} first), got {status} {body[:80]!r}")
    for path in ("/static../secret.txt", "/static/../secret.txt"):
        status, _, body = http(web.port, path)
        assert SECRET not in body, (
            f"GET {path} answered {status} with the file secret.txt, which lies NEXT TO "
            "{{static_dir}}, not inside it. `location /static` (no trailing slash) with "
            "`alias {{static_dir}}/;` maps /static../secret.txt to {{static_dir}}/../secret.txt: "
            "write the location as /static/, with the slash, like the alias")
