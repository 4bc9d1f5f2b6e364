"""Mistake: write() before start_response() sends the data instead of raising"""

from __future__ import annotations

from collections.abc import Callable


class ResponseWriter:
    def __init__(self, send: Callable[[bytes], None]) -> None:
        self.send = send
        self.status: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.headers_sent = False

    def start_response(self, status: str, headers: list[tuple[str, str]],
                       exc_info=None) -> Callable[[bytes], None]:
        if exc_info is not None:
            try:
                if self.headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None                    # no reference cycle through the traceback
        elif self.status is not None:
            raise AssertionError("start_response was already called; a second call needs "
                                 "exc_info (PEP 3333)")
        self.status, self.headers = status, list(headers)
        return self.write

    def _head(self) -> bytes:
        lines = [f"HTTP/1.1 {self.status}"] + [f"{k}: {v}" for k, v in self.headers]
        self.headers_sent = True
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def write(self, data: bytes) -> None:
        if not data:
            return
        self.send(data if self.headers_sent else self._head() + data)

    def finish(self) -> None:
        if self.status is None:
            raise AssertionError("the app returned without calling start_response")
        if not self.headers_sent:
            self.send(self._head())
