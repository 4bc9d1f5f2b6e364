"""A WSGI app that reports the request exactly as it reached the application.

Run it alone (the stdlib's development server):

    python code/01_big_picture/wsgi_app.py            # Listening on http://127.0.0.1:8000
    curl -s http://127.0.0.1:8000/hello?x=1

or under gunicorn, the way stack.py runs it behind nginx:

    gunicorn --chdir code/01_big_picture wsgi_app:app --bind 127.0.0.1:8001

Every answer is JSON: the interface (WSGI), the server that called us, the process id of the
worker that ran the call, the path and query as the app sees them, and every HTTP header the
request carried (rebuilt from the ``HTTP_*`` keys of ``environ``).  ``/slow?ms=200`` waits
200 ms first, to show how many calls a server runs at once.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from urllib.parse import parse_qs


def request_headers(environ: dict) -> dict[str, str]:
    """The request's headers, named as on the wire (environ keeps them as HTTP_* keys)."""
    headers = {key[5:].replace("_", "-").title(): value
               for key, value in environ.items() if key.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = environ[key]
    return headers


def app(environ: dict, start_response) -> list[bytes]:
    if environ.get("PATH_INFO") == "/slow":
        ms = parse_qs(environ.get("QUERY_STRING", "")).get("ms", ["200"])[0]
        time.sleep(min(int(ms) if ms.isdigit() else 200, 5000) / 1000)
    seen = {
        "interface": "WSGI",
        "wsgi.version": list(environ["wsgi.version"]),
        "server": environ.get("SERVER_SOFTWARE", "unknown"),
        "pid": os.getpid(),
        "method": environ["REQUEST_METHOD"],
        "script_name": environ.get("SCRIPT_NAME", ""),
        "path": environ.get("PATH_INFO", ""),
        "query": environ.get("QUERY_STRING", ""),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "url_scheme": environ["wsgi.url_scheme"],
        "headers": request_headers(environ),
    }
    body = json.dumps(seen, indent=2).encode() + b"\n"
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    with make_server(args.host, args.port, app) as httpd:
        print(f"Listening on http://{args.host}:{args.port} (wsgiref, a development server)",
              flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
