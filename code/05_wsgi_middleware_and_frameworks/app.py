"""A small notes API built with microframework.py, mounted at /api, wrapped in middleware.

Run it (the stdlib's wsgiref server, threaded -- a development server)::

    python code/05_wsgi_middleware_and_frameworks/app.py            # 127.0.0.1:8000
    python code/05_wsgi_middleware_and_frameworks/app.py --trust-proxy 127.0.0.1

or under a real server (the module-level ``app`` is the WSGI callable)::

    TRUSTED_PROXIES=127.0.0.1 gunicorn --chdir code/05_wsgi_middleware_and_frameworks app:app

Then try::

    curl -i http://127.0.0.1:8000/                          # index; note the X-Request-ID header
    curl -i http://127.0.0.1:8000/api/notes -d '{"text": "hi"}'
                                 # 201 Created, Location: /api/notes/1
    curl -i http://127.0.0.1:8000/api/notes/1               # the note as JSON
    curl -i http://127.0.0.1:8000/api/notes/99              # 404 Not Found
    curl -i -X PUT http://127.0.0.1:8000/api/notes          # 405, Allow: GET, HEAD, POST
    curl -s http://127.0.0.1:8000/api/whoami -H 'X-Forwarded-For: 6.6.6.6'
                                 # "client" stays 127.0.0.1 unless you passed
                                 # --trust-proxy 127.0.0.1

The server's stderr gets one line per request from the RequestId middleware: the id, the
status, the time to the headers and the time to the end of the body.

The stack, outermost first: RequestId -> TrustedProxy -> Mount("/api" -> notes API, "" -> index).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
from microframework import App, Request, Response  # noqa: E402
from middleware import Mount, RequestId, TrustedProxy  # noqa: E402

api = App()
_notes: dict[int, str] = {}
_lock = threading.Lock()


@api.route("/notes", methods=["GET", "POST"])
def notes(request: Request):
    if request.method == "POST":
        try:
            text = str(request.json()["text"])
        except (ValueError, KeyError, TypeError):
            return Response({"error": 'send JSON like {"text": "..."}'}, 400)
        with _lock:
            note_id = max(_notes, default=0) + 1
            _notes[note_id] = text
        location = request.url_for(f"/notes/{note_id}")   # /api/notes/N: we know our mount
        return Response({"id": note_id, "text": text}, 201, [("Location", location)])
    with _lock:
        return Response([{"id": i, "text": t} for i, t in sorted(_notes.items())])


@api.route("/notes/<note_id>", methods=["GET", "DELETE"])
def note(request: Request, note_id: str):
    with _lock:
        key = int(note_id) if note_id.isdigit() else -1
        if key not in _notes:
            return Response({"error": f"no note {note_id}"}, 404)
        if request.method == "DELETE":
            del _notes[key]
            return Response(b"", 204)
        return Response({"id": key, "text": _notes[key]})


@api.route("/whoami")
def whoami(request: Request):
    env = request.environ
    return Response({"client": env.get("REMOTE_ADDR"), "peer": env.get("proxy.peer"),
                     "scheme": env["wsgi.url_scheme"], "request_id": env.get("request_id"),
                     "script_name": env.get("SCRIPT_NAME"), "path_info": env.get("PATH_INFO")})


site = App()


@site.route("/")
def index(request: Request):
    return ("notes API, built on a 100-line framework\n"
            f"  {request.url_for('/api/notes')}      GET list, POST {{\"text\": ...}}\n"
            f"  {request.url_for('/api/notes/<id>')} GET, DELETE\n"
            f"  {request.url_for('/api/whoami')}     what the app believes about you\n")


def build(trusted: list[str]) -> RequestId:
    return RequestId(TrustedProxy(Mount({"/api": api}, default=site), trusted=trusted))


app = build([t for t in os.environ.get("TRUSTED_PROXIES", "").split(",") if t.strip()])


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:   # RequestId logs instead
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--trust-proxy", action="append", default=[], metavar="ADDR",
                        help="an address or network whose X-Forwarded-* headers we believe")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with make_server(args.host, args.port, build(args.trust_proxy),
                     server_class=ThreadingServer, handler_class=QuietHandler) as server:
        trusted = ", ".join(args.trust_proxy) or "nobody"
        print(f"Listening on http://{args.host}:{args.port}  (trusting X-Forwarded-* from "
              f"{trusted}; Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except (KeyboardInterrupt, SystemExit):
            pass
    print("stopped", flush=True)


if __name__ == "__main__":
    main()
