"""An ASGI app that shows what the server made of your bytes; run under real uvicorn.

    python code/02_http_on_the_wire/wire_echo.py [--port 8000]
    # or: uvicorn --app-dir code/02_http_on_the_wire wire_echo:app --port 8000

Every request is answered with a plain-text report: the request line as uvicorn parsed it,
each header in the order uvicorn handed it to the app (names lower-cased, duplicates
kept), and how the body arrived (how many ``http.request`` messages, how many bytes).
Try it:

    curl -s http://127.0.0.1:8000/x -H 'X-A: 1' -H 'X-A: 2'
    curl -s http://127.0.0.1:8000/up -H 'Transfer-Encoding: chunked' -d 'hello'
    H='POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n'
    B='5\\r\\nhello\\r\\n0\\r\\n\\r\\n'
    python code/02_http_on_the_wire/raw_client.py "$H$B"
"""
import argparse
import asyncio


async def app(scope, receive, send):
    if scope["type"] != "http":            # lifespan: nothing to set up
        return
    messages, body = 0, b""
    while True:
        event = await receive()
        if event["type"] != "http.request":
            return                          # the client went away
        messages += 1
        body += event.get("body", b"")
        if not event.get("more_body"):
            break
    target = scope["raw_path"].decode("latin-1")
    if scope["query_string"]:
        target += "?" + scope["query_string"].decode("latin-1")
    lines = [f"{scope['method']} {target} HTTP/{scope['http_version']}"]
    lines += [f"{k.decode('latin-1')}: {v.decode('latin-1')}" for k, v in scope["headers"]]
    lines.append(f"-- body: {len(body)} bytes in {messages} http.request message(s): {body[:60]!r}")
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


async def _serve(host: str, port: int) -> None:
    import uvicorn
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():
        await asyncio.sleep(0.05)
    if server.started:
        print(f"Listening on http://{host}:{port}", flush=True)
    await task


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="echo what uvicorn parsed")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    try:
        asyncio.run(_serve(args.host, args.port))   # uvicorn handles Ctrl-C and SIGTERM
    except KeyboardInterrupt:
        pass
