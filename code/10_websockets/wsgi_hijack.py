"""WebSockets under WSGI anyway: take the raw socket out of ``environ`` (gunicorn sync worker).

Run it (it starts gunicorn with ONE sync worker, in this process):

    python code/10_websockets/wsgi_hijack.py --port 8000

It prints ``Listening on http://127.0.0.1:8000``.  Then try:

    python -m websockets ws://127.0.0.1:8000/          # refused: '/' is a plain WSGI page (200)
    python -m websockets ws://127.0.0.1:8000/echo      # works: type a line, it comes back
    curl -m 2 http://127.0.0.1:8000/                   # while the echo is open: no answer

PEP 3333 has no way to hand a connection over: the app returns an iterable of bytes and the
server owns the socket.  gunicorn puts that socket in ``environ["gunicorn.socket"]`` (werkzeug's
dev server: ``environ["werkzeug.socket"]``), and gunicorn passes ``Upgrade: websocket`` and
``Connection: upgrade`` through from the app's headers (gunicorn/http/wsgi.py).  So this app
answers ``101 Switching Protocols`` through ``start_response``, then, inside its body
iterator, reads and writes frames on the raw socket itself (frames.py).

The cost is the point: the worker is busy for as long as the WebSocket stays open.  With one
sync worker, every other request waits; with gthread, each open socket holds one thread.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import frames
from frames import Opcode, ProtocolError


def raw_socket(environ) -> socket.socket | None:
    return environ.get("gunicorn.socket") or environ.get("werkzeug.socket")


def echo_frames(sock: socket.socket) -> None:
    """Echo messages on a hijacked socket until the client closes (this thread is held)."""
    reader = frames.FrameReader(require_mask=True)
    assembler = frames.MessageAssembler()
    while True:
        data = sock.recv(65536)
        if not data:
            return
        reader.feed(data)
        try:
            frame = reader.next_frame()
            while frame is not None:
                message = assembler.add(frame)
                if message is not None and not reply(sock, *message):
                    return
                frame = reader.next_frame()
        except ProtocolError as error:
            sock.sendall(frames.encode_frame(Opcode.CLOSE, frames.close_payload(error.code)))
            return


def reply(sock: socket.socket, opcode: Opcode, payload) -> bool:
    """Answer one message; False when the conversation is over."""
    if opcode is Opcode.TEXT:
        sock.sendall(frames.encode_frame(Opcode.TEXT, payload.encode("utf-8")))
    elif opcode is Opcode.BINARY:
        sock.sendall(frames.encode_frame(Opcode.BINARY, payload))
    elif opcode is Opcode.PING:
        sock.sendall(frames.encode_frame(Opcode.PONG, payload))
    elif opcode is Opcode.CLOSE:
        code, _reason = payload
        echoed = b"" if code == 1005 else frames.close_payload(code)
        sock.sendall(frames.encode_frame(Opcode.CLOSE, echoed))
        return False
    return True


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    upgrade = environ.get("HTTP_UPGRADE", "").lower()
    if path != "/echo":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"a plain WSGI page; the WebSocket echo is at /echo\n"]
    sock = raw_socket(environ)
    key = environ.get("HTTP_SEC_WEBSOCKET_KEY", "")
    if upgrade != "websocket" or not frames.valid_client_key(key):
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"/echo needs a WebSocket handshake\n"]
    if sock is None:
        start_response("501 Not Implemented", [("Content-Type", "text/plain")])
        return [b"this server does not put its socket in environ\n"]
    start_response("101 Switching Protocols", [
        ("Upgrade", "websocket"), ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", frames.accept_key(key))])
    return hijacked_body(sock)


def hijacked_body(sock: socket.socket):
    yield b""            # gunicorn writes the 101 head when the first body item comes
    echo_frames(sock)    # ...and from here on, the socket is ours


def main() -> None:
    from gunicorn.app.base import BaseApplication

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    args = parser.parse_args()

    def when_ready(server) -> None:
        print(f"Listening on http://{args.host}:{args.port}", flush=True)

    class Gunicorn(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", 1)
            self.cfg.set("worker_class", args.worker_class)
            self.cfg.set("when_ready", when_ready)
            self.cfg.set("timeout", 0)           # no worker timeout: the socket may idle

        def load(self):
            return app

    Gunicorn().run()


if __name__ == "__main__":
    main()
