"""Echo what the server put in environ, and the body read by CONTENT_LENGTH.

    python code/03_wsgi_callables/echo.py [--port 8000]
    gunicorn --chdir code/03_wsgi_callables echo:app

Try:

    curl -s 'http://127.0.0.1:8000/caf%C3%A9?x=1'
        # PATH_INFO arrives as the native str '/cafÃ©' (latin-1!); the app shows it as '/café'
    curl -s -d 'name=ada' http://127.0.0.1:8000/form
        # CONTENT_LENGTH 8, and the 8 body bytes read with wsgi.input.read(8)
    curl -s -H 'X-Trace: 1' http://127.0.0.1:8000/
        # the header is environ['HTTP_X_TRACE']

The reply is plain text: the request line, the CGI keys of PEP 3333 and the ``HTTP_*`` keys
the server set, the ``wsgi.*`` keys, and the body.  Other keys are counted, not shown:
wsgiref copies the whole process environment into every environ, and that may hold secrets.
The body is read with
``wsgi.input.read(CONTENT_LENGTH)`` -- never ``read()`` without a size, which on some servers
waits for the client to close the connection.
"""
from hello import serve

# PEP 3333 CGI variables: the first nine must be present unless empty; the rest are optional
CGI_KEYS = {"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE",
            "CONTENT_LENGTH", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
            "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_USER", "GATEWAY_INTERFACE", "SERVER_SOFTWARE"}


def app(environ, start_response):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 <= length <= 1_000_000:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"bad Content-Length\n"]
    body = environ["wsgi.input"].read(length) if length else b""
    path = environ.get("PATH_INFO", "")
    lines = [
        f"{environ['REQUEST_METHOD']} {path} (query {environ.get('QUERY_STRING', '')!r})",
        f"PATH_INFO as the native str : {path!r}",
        f"PATH_INFO as text (UTF-8)   : {path.encode('latin-1').decode('utf-8', 'replace')!r}",
        "",
        "CGI-style keys:",
    ]
    for key in sorted(environ):
        if key in CGI_KEYS or key.startswith("HTTP_"):
            lines.append(f"  {key} = {environ[key]!r}")
    others = [k for k in environ if k not in CGI_KEYS and not k.startswith(("HTTP_", "wsgi."))]
    if others:
        # wsgiref.simple_server copies the whole process environment (os.environ) into every
        # environ: never echo those -- they can hold secrets.
        lines.append(f"  (+ {len(others)} other keys, not shown: e.g. os.environ, which "
                     "wsgiref copies into every request)")
    lines += ["", "wsgi.* keys:"]
    for key in sorted(k for k in environ if k.startswith("wsgi.")):
        lines.append(f"  {key} = {environ[key]!r}")
    lines += ["", f"body ({len(body)} bytes): {body[:200]!r}"]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"),
                              ("Content-Length", str(len(payload)))])
    return [payload]


if __name__ == "__main__":
    serve(app, "echo environ and body")
