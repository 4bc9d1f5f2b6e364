"""Exercise 4.4 -- after this response, keep the connection open or close it?

Opening a TCP connection costs a round trip and the server's accept; keep-alive reuses one
connection for many requests.  Whether a connection may stay open depends on the request's
version and its ``Connection`` header (RFC 9112 §9.3):

* ``HTTP/1.1``: persistent by default; the ``close`` option closes it.
* ``HTTP/1.0``: closed by default; persistent only with the ``keep-alive`` option
  (and no ``close``).
* Any other version: close.
* ``Connection`` is a comma-separated list of case-insensitive options, and may appear
  several times (``Connection: Upgrade, Keep-Alive``): look at every option of every
  ``Connection`` field -- whole options, not substrings.
* ``framing`` is how this response's body is delimited (exercise 4.3): a ``"close"``-delimited
  body ends when the connection closes, so the connection cannot be kept.

``headers`` are the request's fields as ``(name, value)`` pairs, names in any case.
"""

from __future__ import annotations


def keep_alive(version: str, headers: list[tuple[str, str]],
               framing: str = "content-length") -> bool:
    raise NotImplementedError("exercise 4.4: decide from the version and Connection options")
