"""Exercise 3.4 -- a POST echo that reads exactly CONTENT_LENGTH bytes.

``environ["wsgi.input"]`` is the connection itself (or a view of it): reading too little
leaves body bytes where the server expects the next request; reading too much -- or calling
``read()`` with no size -- can block until the client gives up.  PEP 3333: an app should
not read more than ``CONTENT_LENGTH`` bytes.

The task
--------
``POST`` with a body answers ``200 OK`` with that same body, the request's ``CONTENT_TYPE``
as ``Content-Type`` (``application/octet-stream`` when there is none) and a correct
``Content-Length``.

The rules:

* any other method: ``405 Method Not Allowed`` with ``Allow: POST``;
* ``CONTENT_LENGTH`` missing or empty: ``411 Length Required`` (a chunked upload arrives
  this way under some servers; we don't accept those here);
* ``CONTENT_LENGTH`` that is not plain ASCII digits (``"abc"``, ``"-1"``, ``"+5"``):
  ``400 Bad Request``;
* more than ``MAX_BODY`` bytes: ``413 Content Too Large`` -- decided from the header,
  *before* reading anything;
* read with ``wsgi.input.read(n)`` -- always with a size -- until you have ``CONTENT_LENGTH``
  bytes; a read may return fewer bytes than asked, so loop; if the stream ends early (the
  client went away), answer ``400 Bad Request``;
* never read past ``CONTENT_LENGTH``.

Error bodies are short ``text/plain`` messages.  Check it: ``python -m course check 3``
(one test runs your app under real gunicorn).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MAX_BODY = 1_000_000


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    raise NotImplementedError(
        "exercise 3.4: check the method and CONTENT_LENGTH, then read exactly that many bytes")
