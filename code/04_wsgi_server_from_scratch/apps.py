"""The WSGI apps chapter 04 serves: ``hello`` for benchmarks, ``suite`` for correctness.

``suite`` is wrapped in ``wsgiref.validate.validator``: any PEP 3333 mistake -- by the app
*or by the server running it* -- raises an AssertionError, which the server turns into a 500.
So "every route of the suite answers as expected" means "this server is spec-correct here".

Run it under the standard library's server, to compare with ours:

    python code/04_wsgi_server_from_scratch/apps.py                 (suite on wsgiref)
    python code/04_wsgi_server_from_scratch/apps.py --app hello

Try:   curl -i http://127.0.0.1:8000/echo?x=1 -d 'hi'      (method, path, query, body as JSON)
       curl -i http://127.0.0.1:8000/stream                (a generator: chunked, or close-delimited
                                                            on wsgiref, which speaks HTTP/1.0)
       curl -i http://127.0.0.1:8000/closed                (how many bodies were close()d so far)

Run the same suite under our server or gunicorn:

    python code/04_wsgi_server_from_scratch/server.py --app apps:suite
    gunicorn --chdir code/04_wsgi_server_from_scratch apps:suite
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from wsgiref.validate import validator

HELLO = b"Hello, world!\n"


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "14")])
    return [HELLO]


_closed = {"count": 0}
_lock = threading.Lock()


class Tracked:
    """A body iterable whose close() is counted: the server must call it on every path."""

    def __init__(self, chunks, fail_after: int | None = None) -> None:
        self.chunks, self.fail_after = list(chunks), fail_after

    def __iter__(self):
        for i, chunk in enumerate(self.chunks):
            if self.fail_after is not None and i == self.fail_after:
                raise RuntimeError("the body failed half way (on purpose)")
            yield chunk

    def close(self) -> None:
        with _lock:
            _closed["count"] += 1


def _echo(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    data = {
        "method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"],
        "path_utf8": environ["PATH_INFO"].encode("latin-1").decode("utf-8", "replace"),
        "query": environ["QUERY_STRING"], "body": body.decode("latin-1"),
        "content_type": environ.get("CONTENT_TYPE", ""), "protocol": environ["SERVER_PROTOCOL"],
        "x_test": environ.get("HTTP_X_TEST"), "script_name": environ["SCRIPT_NAME"],
        "url_scheme": environ["wsgi.url_scheme"],
    }
    out = json.dumps(data).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(out)))])
    return [out]


def _suite(environ, start_response):
    path = environ["PATH_INFO"]
    text = [("Content-Type", "text/plain")]
    if path == "/":
        start_response("200 OK", text)
        return [HELLO]
    if path == "/stream":                       # no Content-Length: the server must frame it
        start_response("200 OK", text)
        return Tracked([b"one\n", b"", b"two\n", b"three\n"])
    if path == "/write":                        # the legacy write() callable, then an empty body
        write = start_response("200 OK", text)
        write(b"written ")
        write(b"with write()\n")
        return []
    if path == "/exc-info":                     # an error page chosen before any body went out
        start_response("200 OK", text)
        try:
            raise ValueError("something broke")
        except ValueError:
            start_response("500 Internal Server Error", text, sys.exc_info())
        return [b"custom error page\n"]
    if path == "/fail-late":                    # fails after the head went out: body cut short
        start_response("200 OK", text)
        return Tracked([b"first part\n", b"never sent\n"], fail_after=1)
    if path == "/closed":
        start_response("200 OK", text)
        return [str(_closed["count"]).encode()]
    if path == "/no-content":
        start_response("204 No Content", [])
        return []
    if path == "/sleep":                        # a slow endpoint: shows concurrency
        time.sleep(float(environ["QUERY_STRING"] or 0.25))
        start_response("200 OK", text)
        return [b"slept\n"]
    if path == "/big":
        start_response("200 OK", text)
        return Tracked([b"x" * 65536] * 4)
    return _echo(environ, start_response)


suite = validator(_suite)


def main() -> None:
    from wsgiref.simple_server import make_server
    parser = argparse.ArgumentParser(description="serve an app of this file with wsgiref")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--app", choices=["suite", "hello"], default="suite")
    parser.add_argument("--quiet", action="store_true", help="no access log on stderr")
    args = parser.parse_args()
    from wsgiref.simple_server import WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *a) -> None:
            pass

    handler = Quiet if args.quiet else WSGIRequestHandler
    with make_server(args.host, args.port, globals()[args.app], handler_class=handler) as httpd:
        print(f"Listening on http://{args.host}:{args.port} (wsgiref.simple_server)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main()
