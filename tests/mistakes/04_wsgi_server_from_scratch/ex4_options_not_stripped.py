"""Mistake: splits on ',' without stripping spaces: 'keep-alive, close' misses ' close'"""

from __future__ import annotations


def connection_tokens(headers: list[tuple[str, str]]) -> set[str]:
    values = [value for name, value in headers if name.lower() == "connection"]
    return {token.lower() for value in values for token in value.split(",")} - {""}


def keep_alive(version: str, headers: list[tuple[str, str]],
               framing: str = "content-length") -> bool:
    if framing == "close":
        return False
    tokens = connection_tokens(headers)
    if version == "HTTP/1.1":
        return "close" not in tokens
    if version == "HTTP/1.0":
        return "keep-alive" in tokens and "close" not in tokens
    return False
