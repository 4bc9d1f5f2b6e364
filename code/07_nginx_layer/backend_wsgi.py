"""A tiny WSGI backend under gunicorn: who answered, what it was told, and a file server.

Run it and ask it something:

    python code/07_nginx_layer/backend_wsgi.py --port 8001 --name w1
    curl -s http://127.0.0.1:8001/hello
    curl -s http://127.0.0.1:8001/files/hello.txt
    curl -s -H 'X-Forwarded-Proto: https' http://127.0.0.1:8001/ | grep scheme

It runs under real gunicorn (one *sync* worker by default: one request at a time -- the
kind of worker nginx's buffering protects). Answers are JSON like ``backend_asgi.py``'s:
``backend``, ``pid``, ``method``, ``path``, ``query``, ``http_version``, ``remote_addr``
(``REMOTE_ADDR``), ``scheme`` (``wsgi.url_scheme``), ``headers`` and ``body_bytes``.

* ``/files/NAME`` -- the app serving a static file from ``--static-dir`` (default: the
  ``static/`` folder next to this script) with ``wsgi.file_wrapper``: what Django/Flask do when
  nobody put nginx in front.  Compare with nginx serving the same file (the notebook measures it).
* ``/big?mb=16`` -- a large response (16 MiB of ``x``), for the response-buffering experiment;
* ``/slow?seconds=2`` -- sleeps first (and blocks this sync worker meanwhile).

What gunicorn does with X-Forwarded-*: when the peer's address is in ``forwarded_allow_ips``
(default ``127.0.0.1,::1``) it sets ``wsgi.url_scheme`` from ``X-Forwarded-Proto``; it never
rewrites ``REMOTE_ADDR`` -- the client's address stays in the X-Forwarded-For header.  Try the
last curl with ``--forwarded-allow-ips 10.9.9.9`` (nginx not trusted) and see ``scheme`` stay http.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import time
from pathlib import Path
from urllib.parse import parse_qs

NAME = os.environ.get("BACKEND_NAME", "wsgi")
STATIC_DIR = Path(os.environ.get("STATIC_DIR", Path(__file__).resolve().parent / "static"))


def describe(environ: dict, body_bytes: int) -> dict:
    headers = {key[5:].replace("_", "-").lower(): value
               for key, value in environ.items() if key.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return {
        "backend": NAME,
        "pid": os.getpid(),
        "method": environ["REQUEST_METHOD"],
        "path": environ.get("PATH_INFO", ""),
        "query": environ.get("QUERY_STRING", ""),
        "http_version": environ.get("SERVER_PROTOCOL", "").removeprefix("HTTP/"),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "scheme": environ["wsgi.url_scheme"],
        "headers": headers,
        "body_bytes": body_bytes,
    }


def read_body(environ: dict) -> int:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    stream, total = environ["wsgi.input"], 0
    while total < length:
        chunk = stream.read(min(65536, length - total))
        if not chunk:
            break
        total += len(chunk)
    return total


def serve_file(environ: dict, start_response, name: str):
    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR.resolve() not in path.parents or not path.is_file():
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such file\n"]
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    start_response("200 OK", [("Content-Type", ctype),
                              ("Content-Length", str(path.stat().st_size))])
    handle = path.open("rb")
    wrapper = environ.get("wsgi.file_wrapper")
    return wrapper(handle, 65536) if wrapper else iter(lambda: handle.read(65536), b"")


def app(environ: dict, start_response):
    path = environ.get("PATH_INFO", "")
    body_bytes = read_body(environ)
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path.startswith("/files/"):
        return serve_file(environ, start_response, path.removeprefix("/files/"))
    if path == "/big":
        size = int(float(query.get("mb", ["16"])[0]) * 1024 * 1024)
        start_response("200 OK", [("Content-Type", "application/octet-stream"),
                                  ("Content-Length", str(size)), ("X-Backend", NAME)])
        block = b"x" * 65536
        return (block[: min(65536, size - sent)] for sent in range(0, size, 65536))
    if path == "/slow":
        time.sleep(min(float(query.get("seconds", ["1"])[0]), 30))
    payload = json.dumps(describe(environ, body_bytes), indent=1).encode() + b"\n"
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(payload))), ("X-Backend", NAME)])
    return [payload]


def main() -> None:
    global NAME, STATIC_DIR
    from gunicorn.app.base import BaseApplication

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--name", default=NAME)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--static-dir", default=str(STATIC_DIR))
    parser.add_argument("--forwarded-allow-ips", default="127.0.0.1,::1")
    args = parser.parse_args()
    NAME, STATIC_DIR = args.name, Path(args.static_dir)

    class Gunicorn(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("worker_class", "sync")
            self.cfg.set("forwarded_allow_ips", args.forwarded_allow_ips)
            self.cfg.set("when_ready", lambda arbiter: print(
                f"Listening on http://{args.host}:{args.port} (backend {NAME}, gunicorn sync "
                f"x{args.workers})", flush=True))

        def load(self):
            return app

    Gunicorn().run()     # gunicorn stops its workers on Ctrl-C (SIGINT) and SIGTERM


if __name__ == "__main__":
    main()
