"""Exercise 5.3 -- a WSGI router with path parameters and correct 404 and 405 answers.

Write the class ``Router``:

    router = Router()
    router.add("GET", "/users", list_users)            # each handler is a WSGI app
    router.add("GET", "/users/<int:user_id>", show_user)
    router.add("DELETE", "/users/<int:user_id>", delete_user)
    router.add("GET", "/files/<name>", show_file)
    app = router                                       # the router is itself a WSGI app

The rules:

1. A pattern is a path; a segment written ``<name>`` matches one non-empty path segment
   (anything but ``/``) and ``<int:name>`` matches one segment of digits only.  The whole
   ``PATH_INFO`` must match (``/users/7/extra`` does not match ``/users/<int:user_id>``).
2. The handler of the first route (in the order they were added) whose pattern AND method
   match is called with the same ``environ`` and ``start_response``, after setting
   ``environ["wsgiorg.routing_args"] = ((), {"user_id": 7})`` -- the wsgiorg convention for
   URL parameters; ``<int:…>`` values are ``int``, others ``str``.  Return what it returns.
3. No pattern matches the path: ``404 Not Found`` (``Content-Type: text/plain``, a body).
4. Some pattern matches the path but none for this method: ``405 Method Not Allowed`` with
   an ``Allow`` header listing every method registered for the matching patterns, sorted
   and joined by ``", "`` -- e.g. ``Allow: DELETE, GET``.  RFC 9110 §15.5.6: a 405
   response MUST carry ``Allow``.  (A 404 here would tell a client "no such thing" when
   the thing exists.)
5. Methods are compared exactly (``"GET"``); no automatic ``HEAD`` is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class Router:
    def __init__(self) -> None:
        raise NotImplementedError("exercise 5.3: keep a list of routes")

    def add(self, method: str, pattern: str, app: WSGIApp) -> None:
        """Register ``app`` for ``method`` and ``pattern`` (``<name>``, ``<int:name>``)."""
        raise NotImplementedError("exercise 5.3: turn the pattern into a matcher and store it")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        raise NotImplementedError("exercise 5.3: find the route; else 405 with Allow, or 404")
