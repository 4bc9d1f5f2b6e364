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
``wsgi.input.read(CONTENT_LENGTH)``. Without a ``CONTENT_LENGTH`` (a chunked upload: gunicorn
decodes it and sets no length) the body is read to its end only when the server promises that
the stream ends there (``wsgi.input_terminated``, which gunicorn sets); wsgiref's stream is the
socket itself, where a read without a size waits for the client to close the connection.

    curl -s -H 'Transfer-Encoding: chunked' -d 'name=ada' http://127.0.0.1:8000/form
        # under gunicorn: no CONTENT_LENGTH, wsgi.input_terminated = True, body (8 bytes)
"""
from hello import serve

# PEP 3333 CGI variables: the first nine must be present unless empty; the rest are optional
CGI_KEYS = {"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE",
            "CONTENT_LENGTH", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
            "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_USER", "GATEWAY_INTERFACE", "SERVER_SOFTWARE"}


MAX_BODY = 1_000_000


def read_body(environ):
    """The request body, or None when it is not acceptable (a bad or too large length)."""
    length = environ.get("CONTENT_LENGTH", "")
    stream = environ["wsgi.input"]
    if length == "":
        if not environ.get("wsgi.input_terminated"):
            return b""                      # no length and no end-of-body promise: no body
        body = stream.read(MAX_BODY + 1)    # the server ends the stream where the body ends
        return body if len(body) <= MAX_BODY else None
    if not all("0" <= char <= "9" for char in length):
        return None                         # not a decimal length ("+5", " 5", "²" ...)
    if int(length) > MAX_BODY:
        return None
    return stream.read(int(length))


def app(environ, start_response):
    body = read_body(environ)
    if body is None:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"bad Content-Length or body too large\n"]
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
