"""Hello, world as a WSGI callable -- the whole contract in six lines.

    python code/03_wsgi_callables/hello.py [--port 8000]          # wsgiref.simple_server
    gunicorn --chdir code/03_wsgi_callables hello:app              # the same app, gunicorn

Then: ``curl -i http://127.0.0.1:8000/`` shows ``200 OK``, ``Content-Type: text/plain``,
``Content-Length: 14`` and ``Hello, World!``.  Under wsgiref the ``Server:`` header says
``WSGIServer/0.2 CPython/3.x``; under gunicorn it says ``gunicorn`` -- the app did not change.

``app`` is wrapped in nothing: ``app(environ, start_response)`` is what every WSGI server
calls.  ``wsgiref.simple_server`` is a development server (single-threaded, not reviewed for
security); use it to learn, not to serve the internet.
"""
import argparse
import signal
import sys
from wsgiref.simple_server import make_server


def app(environ, start_response):
    body = b"Hello, World!\n"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"),
                              ("Content-Length", str(len(body)))])
    return [body]


def serve(wsgi_app, description: str) -> None:
    """Serve ``wsgi_app`` with wsgiref on --host/--port until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with make_server(args.host, args.port, wsgi_app) as server:
        print(f"Listening on http://{args.host}:{args.port}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    serve(app, "hello, world under wsgiref")
