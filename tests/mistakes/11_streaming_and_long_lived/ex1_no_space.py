"""Mistake: no space after the colon (data:hello) -- browsers accept it, but the task fixes one
space."""


from __future__ import annotations

import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def single_line(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"SSE {name} must be one line, got {value!r}")
    return value


def encode_event(data: str, *, event: str | None = None, id: str | None = None,
                 retry: int | None = None) -> bytes:
    fields = []
    if id is not None:
        if "\0" in single_line("id", id):
            raise ValueError(f"an SSE id containing NUL is ignored by browsers: {id!r}")
        fields.append(f"id: {id}")
    if event is not None:
        fields.append(f"event: {single_line('event', event)}")
    if retry is not None:
        if type(retry) is not int or retry < 0:
            raise ValueError(f"retry is a non-negative int of milliseconds, got {retry!r}")
        fields.append(f"retry: {retry}")
    for line in LINE_BREAK.split(data):
        fields.append(f"data:{line}")
    text = "\n".join(fields) + "\n\n"
    return text.encode("utf-8")


def encode_comment(text: str = "") -> bytes:
    return f": {single_line('comment', text)}\n\n".encode()
