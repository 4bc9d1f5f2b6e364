"""Exercise 2.3 -- write a correct HTTP/1.1 response.

The reply is bytes too, and the client frames it with the same rules a server uses for a
request: it trusts ``Content-Length`` to know where this response ends and the next one
(on a kept-alive connection) begins.  Some responses never carry a body, whatever their
headers say.

The task
--------
``build_response(status, headers, body=b"", *, method="GET") -> bytes`` returns the
complete response:

* the status line ``HTTP/1.1 <code> <reason>\\r\\n`` with the standard reason phrase
  (``http.HTTPStatus(code).phrase``; an unknown code raises ``ValueError``);
* the given headers, in the given order, as ``Name: value\\r\\n``;
* then ``Content-Length: <len(body)>\\r\\n`` -- always last, added by you;
* the empty line ``\\r\\n``, then the body.  Encode the head as latin-1.

The rules (RFC 9110 §6.4.1, §8.6, RFC 9112 §6.3):

* 1xx, 204 and 304 responses have no body and no Content-Length; passing a non-empty body
  for 1xx, 204 or 304 raises ``ValueError``;
* the response to ``HEAD`` carries the same headers as GET would -- including the
  Content-Length of the body it would have sent -- but not the body bytes;
* a header name or value containing CR, LF or NUL (or a name that is empty or contains a
  colon) raises ``ValueError``: echoing such a value would let an attacker write headers
  of their own (response splitting);
* ``Content-Length`` and ``Transfer-Encoding`` in ``headers``, in any letter case, raise
  ``ValueError``: the length is yours to compute, and chunked responses are not part of
  this exercise.

Check it: ``python -m course check 2``.
"""

from __future__ import annotations

__all__ = ["build_response"]


def build_response(status: int, headers: list[tuple[str, str]], body: bytes = b"", *,
                   method: str = "GET") -> bytes:
    raise NotImplementedError(
        "exercise 2.3: status line, the headers, Content-Length, an empty line, the body "
        "(unless the status or the method says there is none)")
