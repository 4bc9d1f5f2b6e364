"""A tiny Flask app, served two ways: Flask's development server, and gunicorn.

Flask's own server (``app.run()``, Werkzeug's development server)::

    python code/05_wsgi_middleware_and_frameworks/flask_hello.py          # 127.0.0.1:8000

It prints Werkzeug's own warning -- "This is a development server. Do not use it in a
production deployment." -- then serves.  The same ``app`` object is a WSGI callable, so a
production server can load it instead::

    gunicorn --chdir code/05_wsgi_middleware_and_frameworks --workers 2 flask_hello:app

Then try::

    curl -i http://127.0.0.1:8000/                # Hello from Flask, and which server ran it
    curl -i http://127.0.0.1:8000/nope            # Flask's 404 page
    curl -i -X POST http://127.0.0.1:8000/        # 405 with an Allow header, like our framework

``/`` reports ``SERVER_SOFTWARE`` and the process id, so you can see which server (and, under
gunicorn with several workers, which worker) answered.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from flask import Flask, request

app = Flask(__name__)


@app.get("/")
def hello() -> dict:
    return {"hello": "from Flask", "server": request.environ.get("SERVER_SOFTWARE", "?"),
            "pid": os.getpid(), "script_name": request.script_root}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Listening on http://{args.host}:{args.port}  (Flask's development server)",
          flush=True)
    app.run(host=args.host, port=args.port)  # fine on a laptop; the chapter says why not more


if __name__ == "__main__":
    main()
