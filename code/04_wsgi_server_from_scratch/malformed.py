"""Throw malformed HTTP requests at a running server and check every answer.

Run a server, then this script against it:

    python code/04_wsgi_server_from_scratch/server.py --timeout 1 &
    python code/04_wsgi_server_from_scratch/malformed.py --port 8000

What you should see: one line per case (name, expected status, what came back, ok/FAIL) and
a summary "N/N malformed requests answered as expected; a normal request still works".
A case passes when the server answers with exactly one response whose status is one of the
expected ones, then closes the connection -- so no byte of the bad request can be read as a
second request (request smuggling) -- and a normal request right after still gets 200.

``CASES`` is a plain list, reused by the chapter's tests and by the graded test of exercise
4.5.  Slow cases (``slow=True``) send part of a request and wait: the server must give up
after its own timeout (408), so run it with a short one (``--timeout 1``).
"""

from __future__ import annotations

import argparse
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

GOOD = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    expect: frozenset[int]             # acceptable status codes (RFC 9112 allows some choice)
    slow: bool = False                 # the client stops sending: only a timeout ends it
    rule: str = ""

    @property
    def expected(self) -> str:
        return "/".join(str(s) for s in sorted(self.expect))


def case(name: str, data: bytes, *statuses: int, slow: bool = False, rule: str = "") -> Case:
    return Case(name, data, frozenset(statuses or (400,)), slow, rule)


def req(*lines: str, body: bytes = b"", line: str = "POST / HTTP/1.1") -> bytes:
    return ("\r\n".join([line, "Host: localhost", *lines]) + "\r\n\r\n").encode("latin-1") + body


SMUGGLED = b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n"

CASES: list[Case] = [
    # -- framing: how long is the body?  Two answers = request smuggling (RFC 9112 §6.3)
    case("CL and TE together", req("Content-Length: 4", "Transfer-Encoding: chunked",
                                   body=SMUGGLED), rule="RFC 9112 §6.3"),
    case("TE and CL together", req("Transfer-Encoding: chunked", "Content-Length: 4",
                                   body=SMUGGLED), rule="RFC 9112 §6.3"),
    case("two different Content-Lengths", req("Content-Length: 3", "Content-Length: 40",
                                              body=b"abc"), rule="RFC 9112 §6.3"),
    case("two equal Content-Lengths", req("Content-Length: 3", "Content-Length: 3", body=b"abc")),
    case("Content-Length list", req("Content-Length: 3, 3", body=b"abc")),
    case("negative Content-Length", req("Content-Length: -1")),
    case("hex Content-Length", req("Content-Length: 0x3", body=b"abc")),
    case("Content-Length with a sign", req("Content-Length: +3", body=b"abc")),
    case("Content-Length with letters", req("Content-Length: 3abc", body=b"abc")),
    case("non-ASCII digit in Content-Length", req("Content-Length: \xb2", body=b"ab")),
    case("huge Content-Length", req("Content-Length: 99999999999"), 400, 413),
    case("TE gzip only", req("Transfer-Encoding: gzip", body=b"abc"), 400, 501),
    case("TE chunked, gzip", req("Transfer-Encoding: chunked, gzip", body=SMUGGLED), 400, 501),
    case("TE gzip, chunked", req("Transfer-Encoding: gzip, chunked", body=SMUGGLED), 400, 501),
    case("TE xchunked", req("Transfer-Encoding: xchunked", body=SMUGGLED), 400, 501),
    case("TE in HTTP/1.0", req("Transfer-Encoding: chunked", body=b"3\r\nabc\r\n0\r\n\r\n",
                               line="POST / HTTP/1.0")),
    case("empty TE with Content-Length", req("Transfer-Encoding:", "Content-Length: 4",
                                             body=SMUGGLED), rule="RFC 9112 §6.3"),
    case("empty Transfer-Encoding", req("Transfer-Encoding:"), 400, 501, rule="RFC 9112 §6.3"),
    # -- chunked bodies (RFC 9112 §7.1)
    case("chunk size not hex", req("Transfer-Encoding: chunked", body=b"zz\r\nabc\r\n0\r\n\r\n")),
    case("negative chunk size", req("Transfer-Encoding: chunked", body=b"-3\r\nabc\r\n0\r\n\r\n")),
    case("chunk size 0x prefix", req("Transfer-Encoding: chunked",
                                     body=b"0x3\r\nabc\r\n0\r\n\r\n")),
    case("chunk size overflow", req("Transfer-Encoding: chunked",
                                    body=b"1" * 40 + b"\r\nabc\r\n0\r\n\r\n"), 400, 413),
    case("chunk size with leading space", req("Transfer-Encoding: chunked",
                                              body=b" 3\r\nabc\r\n0\r\n\r\n")),
    case("chunk data longer than its size", req("Transfer-Encoding: chunked",
                                                body=b"3\r\nabcdef\r\n0\r\n\r\n")),
    case("endless chunk-size line", req("Transfer-Encoding: chunked", body=b"1" * 70000),
         400, 413, rule="RFC 9112 §7.1: a server limits what it buffers"),
    case("chunked body too large", req("Transfer-Encoding: chunked", body=b"7FFFFFFF\r\n"),
         400, 413),
    # -- trailer fields (RFC 9110 §6.5.1): framing, routing, ... may not come after the body
    case("Content-Length as a trailer", req("Transfer-Encoding: chunked",
                                            body=b"3\r\nabc\r\n0\r\nContent-Length: 3\r\n\r\n"),
         rule="RFC 9110 §6.5.1"),
    case("Host as a trailer", req("Transfer-Encoding: chunked",
                                  body=b"3\r\nabc\r\n0\r\nHost: evil.example\r\n\r\n"),
         rule="RFC 9110 §6.5.1"),
    case("Transfer-Encoding as a trailer",
         req("Transfer-Encoding: chunked",
             body=b"3\r\nabc\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n"),
         rule="RFC 9110 §6.5.1"),
    case("malformed trailer line", req("Transfer-Encoding: chunked",
                                       body=b"3\r\nabc\r\n0\r\nnot a field\r\n\r\n"),
         rule="RFC 9112 §7.1.2"),
    # -- field lines (RFC 9112 §5, RFC 9110 §5.5)
    case("obs-fold", req("X-Folded: first", " second")),
    case("space before the colon", req("X-Space : value")),
    case("field line without a colon", req("this is not a header")),
    case("empty field name", req(": value")),
    case("NUL in a value", req("X-Evil: a\x00b")),
    case("bare CR in a value", req("X-Evil: a\rb")),
    case("bare LF inside the head", req("X-One: a\nX-Two: b")),
    case("DEL in a value", req("X-Evil: a\x7fb")),
    case("non-ASCII field name", req("X-\xe9t\xe9: x")),
    case("no Host in HTTP/1.1", b"GET / HTTP/1.1\r\nX-A: b\r\n\r\n", rule="RFC 9112 §3.2"),
    case("two Host fields", req("Host: evil.example")),
    case("absolute-form with two Host fields",
         req("Host: evil.example", line="GET http://localhost/ HTTP/1.1"), rule="RFC 9112 §3.2"),
    case("absolute-form without Host", b"GET http://localhost/ HTTP/1.1\r\n\r\n",
         rule="RFC 9112 §3.2: Host is required even with an absolute-form target"),
    case("two Content-Type fields", req("Content-Type: text/plain", "Content-Type: text/html",
                                        "Content-Length: 0"), rule="RFC 9110 §5.3"),
    # -- the request line (RFC 9112 §3)
    case("control character in the target", req(line="GET /a\x01b HTTP/1.1")),
    case("space in the target", req(line="GET /a b HTTP/1.1")),
    case("two spaces after the method", req(line="GET  / HTTP/1.1")),
    case("no version (HTTP/0.9 style)", b"GET /\r\n\r\n"),
    case("bad version HTTP/1.x", req(line="GET / HTTP/1.x")),
    case("lower-case version", req(line="GET / http/1.1")),
    case("version HTTP/2.0", req(line="GET / HTTP/2.0"), 400, 505),
    case("version HTTP/11.1", req(line="GET / HTTP/11.1"), 400, 505),
    case("HTTP/1.2 without Host", b"GET / HTTP/1.2\r\n\r\n", 400, 505,
         rule="RFC 9110 §2.5: HTTP/1.2 is read as HTTP/1.1, which needs a Host"),
    case("bare LFs before the request line", b"\n\n" + GOOD,
         rule="RFC 9112 §2.2: only an empty line (CRLF) may come before the request line"),
    case("LF and CR mix before the request line", b"\n\n\r\r\n" + GOOD,
         rule="RFC 9112 §2.2"),
    case("bad character in the method", req(line="GE(T / HTTP/1.1")),
    # -- the target's form must fit the method (RFC 9112 §3.2)
    case("* with GET", req(line="GET * HTTP/1.1"), rule="RFC 9112 §3.2.4"),
    case("host:port with GET", req(line="GET localhost:80 HTTP/1.1"), rule="RFC 9112 §3.2.3"),
    case("target without a leading /", req(line="GET index.html HTTP/1.1"),
         rule="RFC 9112 §3.2.1"),
    case("CONNECT with a path", req(line="CONNECT / HTTP/1.1"), rule="RFC 9112 §3.2.3"),
    case("TLS bytes on a plain HTTP port", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
         + b"\x00" * 40 + b"\r\n\r\n"),
    # -- sizes (RFC 9110 §15.5.15, RFC 6585 §5)
    case("request line too long", req(line="GET /" + "a" * 20000 + " HTTP/1.1"), 400, 414, 431),
    case("one huge header field", req("X-Big: " + "b" * 20000), 400, 431),
    case("endless header field (no CRLF)", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 100000,
         400, 431, rule="RFC 9112 §2.3: a server limits what it buffers"),
    case("too many header fields", req(*[f"X-N{i}: {i}" for i in range(500)]), 400, 431),
    case("head larger than 64 KiB", req(*[f"X-L{i}: " + "c" * 4000 for i in range(40)]),
         400, 431),
    case("head just over 64 KiB", req(*[f"X-L{i}: " + "c" * 4000 for i in range(17)]), 400, 431,
         rule="RFC 6585 §5: the server's 64 KiB head limit"),
    case("request line longer than 64 KiB", req(line="GET /" + "a" * 150000 + " HTTP/1.1"), 414,
         rule="RFC 9112 §3: the server's 8 KiB request-line limit"),
    # -- slow clients: only the server's timeout ends these
    case("slow loris: a head that never ends", b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A: b",
         408, slow=True),
    case("body shorter than its Content-Length", req("Content-Length: 10", body=b"abc"),
         408, 400, slow=True),
]


@dataclass
class Outcome:
    case: Case
    status: int | None                 # the first status line's code, None if no answer
    responses: int                     # how many status lines came back
    closed: bool                       # did the server close the connection?
    followup_ok: bool                  # did a normal request right after get 200?
    raw: bytes = b""

    @property
    def ok(self) -> bool:
        return (self.status in self.case.expect and self.responses == 1 and self.closed
                and self.followup_ok)

    def describe(self) -> str:
        problems = []
        if self.status not in self.case.expect:
            problems.append(f"status {self.status} (expected {self.case.expected})")
        if self.responses > 1:
            problems.append(f"{self.responses} responses: a smuggled request was answered")
        if not self.closed:
            problems.append("the connection was left open")
        if not self.followup_ok:
            problems.append("a normal request afterwards failed")
        return "; ".join(problems) or "ok"


def _exchange(host: str, port: int, data: bytes, timeout: float) -> tuple[bytes, bool]:
    """Send ``data``; read until the server closes (True) or ``timeout`` passes (False)."""
    received = bytearray()
    with socket.create_connection((host, port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:                         # refused before we finished: fine
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return bytes(received), False
            except OSError:
                return bytes(received), True    # reset: the server closed
            if not chunk:
                return bytes(received), True
            received += chunk
        return bytes(received), False


def probe(port: int, c: Case, *, host: str = "127.0.0.1", timeout: float = 3.0) -> Outcome:
    raw, closed = _exchange(host, port, c.data, timeout)
    statuses = [line.split(b" ")[1] for line in raw.split(b"\r\n")
                if line.startswith(b"HTTP/1.") and line.count(b" ") >= 1]
    status = int(statuses[0]) if statuses and statuses[0].isdigit() else None
    follow, _ = _exchange(host, port, GOOD, timeout)
    return Outcome(c, status, len(statuses), closed, follow.startswith(b"HTTP/1.1 200")
                   or follow.startswith(b"HTTP/1.0 200"), raw)


def run_all(port: int, cases: list[Case] | None = None, *, host: str = "127.0.0.1",
            timeout: float = 3.0, parallel: int = 16) -> list[Outcome]:
    """Probe every case, ``parallel`` at a time (the server must cope with that too)."""
    cases = CASES if cases is None else cases
    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(lambda c: probe(port, c, host=host, timeout=timeout), cases))


def main() -> None:
    parser = argparse.ArgumentParser(description="malformed requests against a server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--timeout", type=float, default=8.0,
                        help="seconds to wait for each answer (more than the server's timeout)")
    args = parser.parse_args()
    outcomes = run_all(args.port, host=args.host, timeout=args.timeout)
    for o in outcomes:
        got = "no answer" if o.status is None else str(o.status)
        print(f"{o.case.name:<42} expect {o.case.expected:<12} got {got:<10} "
              f"{'ok' if o.ok else 'FAIL: ' + o.describe()}")
    passed = sum(o.ok for o in outcomes)
    alive = probe(args.port, case("normal", GOOD, 200), host=args.host).status == 200
    print(f"\n{passed}/{len(outcomes)} malformed requests answered as expected; "
          f"a normal request {'still works' if alive else 'FAILS afterwards'}")
    raise SystemExit(0 if passed == len(outcomes) and alive else 1)


if __name__ == "__main__":
    main()
