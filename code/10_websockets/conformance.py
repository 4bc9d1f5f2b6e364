"""Send broken (and tricky) frames to a WebSocket echo endpoint; print the close code it answers.

Run it against any echo server, e.g. the chapter's own or uvicorn serving chat.py:

    python code/10_websockets/ws_server.py --port 8000 &
    python code/10_websockets/conformance.py ws://127.0.0.1:8000/echo

It prints one row per case: what RFC 6455 expects, what the server did, ✓ or ✗, and at the
end whether the server still echoes on a fresh connection (one bad client must not take the
server down).  The frames are written by hand on a raw socket (frames.py), because a proper
client library refuses to send broken frames.

Use ``--max-message N`` to say how big a message the server accepts (the "too big" case sends
N + 1 bytes): uvicorn's default ``--ws-max-size`` is 16 MiB, ours 1 MiB.
"""

from __future__ import annotations

import argparse
import base64
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import frames
from frames import Opcode, client_frame


@dataclass
class Case:
    name: str
    data: bytes
    expected: str          # a close code, or "echo <text>" / "pong <payload>" for good cases


def close_frame(code: int, reason: bytes = b"") -> bytes:
    return client_frame(Opcode.CLOSE, code.to_bytes(2, "big") + reason)


def cases(max_message: int) -> list[Case]:
    text = Opcode.TEXT
    return [
        Case("fragmented text + ping between", client_frame(text, b"hel", fin=False)
             + client_frame(Opcode.PING, b"p") + client_frame(Opcode.CONTINUATION, b"lo"),
             "pong p, echo hello"),
        Case("unmasked client frame", frames.encode_frame(text, b"hi"), "1002"),
        Case("RSV1 set, no extension", bytes([0xC1]) + client_frame(text, b"hi")[1:], "1002"),
        Case("unknown opcode 0x3", client_frame(0x3, b""), "1002"),
        Case("fragmented ping", client_frame(Opcode.PING, b"p", fin=False), "1002"),
        Case("ping payload 126 bytes", client_frame(Opcode.PING, b"x" * 126), "1002"),
        Case("continuation with nothing to continue",
             client_frame(Opcode.CONTINUATION, b"x"), "1002"),
        Case("new text inside a fragmented one", client_frame(text, b"a", fin=False)
             + client_frame(text, b"b"), "1002"),
        Case("text that is not UTF-8", client_frame(text, b"caf\xe9"), "1007"),
        Case("UTF-8 split across fragments", client_frame(text, b"caf\xc3", fin=False)
             + client_frame(Opcode.CONTINUATION, b"\xa9"), "echo café"),
        Case("close code 999", close_frame(999), "1002"),
        Case("close code 1005 on the wire", close_frame(1005), "1002"),
        Case("close reason not UTF-8", close_frame(1000, b"\xff"), "1007"),
        Case("close code 4000 (private use)", close_frame(4000), "4000"),
        Case(f"message of {max_message + 1} bytes",
             client_frame(Opcode.BINARY, b"x" * (max_message + 1)), "1009"),
    ]


def handshake(host: str, port: int, path: str) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n")
    sock.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"no handshake answer, got {head!r}")
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        raise ConnectionError(f"handshake refused: {head.splitlines()[0]!r}")
    return sock


def what_came_back(sock: socket.socket, wanted: int) -> str:
    """Read server frames: the echoes/pongs (up to ``wanted``), or the close code."""
    reader = frames.FrameReader(require_mask=False, max_frame=1 << 26)
    seen = []
    while True:
        try:
            data = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            data = b""
        if not data:
            return ", ".join(seen) or "no close frame"
        reader.feed(data)
        frame = reader.next_frame()
        while frame is not None:
            if frame.opcode is Opcode.CLOSE:
                code = int.from_bytes(frame.payload[:2], "big") if frame.payload else 1005
                return str(code)
            if frame.opcode is Opcode.PONG:
                seen.append(f"pong {frame.payload.decode()}")
            elif frame.opcode is Opcode.TEXT:
                seen.append(f"echo {frame.payload.decode()}")
            if len(seen) == wanted:
                return ", ".join(seen)
            frame = reader.next_frame()


def run_case(url: str, case: Case) -> str:
    parts = urlsplit(url)
    sock = handshake(parts.hostname, parts.port, parts.path or "/")
    try:
        try:
            sock.sendall(case.data)
        except (BrokenPipeError, ConnectionResetError):
            pass                      # the server closed before reading it all: fine
        wanted = case.expected.count(",") + 1
        return what_came_back(sock, wanted)
    finally:
        sock.close()


def still_echoes(url: str) -> bool:
    parts = urlsplit(url)
    sock = handshake(parts.hostname, parts.port, parts.path or "/")
    try:
        sock.sendall(client_frame(Opcode.TEXT, b"still there?"))
        return what_came_back(sock, 1) == "echo still there?"
    finally:
        sock.sendall(close_frame(1000))
        sock.close()


def run_all(url: str, max_message: int = 1 << 20) -> list[dict]:
    rows = []
    for case in cases(max_message):
        got = run_case(url, case)
        rows.append({"case": case.name, "expected": case.expected, "got": got,
                     "ok": got == case.expected})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("url", help="ws://host:port/path of an echo endpoint")
    parser.add_argument("--max-message", type=int, default=1 << 20)
    args = parser.parse_args()
    rows = run_all(args.url, args.max_message)
    width = max(len(row["case"]) for row in rows)
    print(f"{'case':{width}}  {'RFC 6455 expects':18}  {'server did':18}")
    for row in rows:
        mark = "✓" if row["ok"] else "✗"
        print(f"{row['case']:{width}}  {row['expected']:18}  {row['got']:18}  {mark}")
    print(f"{sum(r['ok'] for r in rows)}/{len(rows)} as expected; "
          f"still echoes on a new connection: {'yes' if still_echoes(args.url) else 'NO'}")


if __name__ == "__main__":
    main()
