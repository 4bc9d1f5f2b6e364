"""Exercise 5.1 -- a ``Server-Timing`` middleware that plays by PEP 3333's middleware rules.

Write ``server_timing(app, metric="app")``: it returns a new WSGI app that calls ``app`` and
adds one response header,

    Server-Timing: app;dur=12.345

where ``dur`` is the number of **milliseconds** from the moment your middleware was called
until ``app`` called ``start_response`` -- the time the app needed to decide on its status
and headers.  (Browsers show it in the developer tools' network timing panel.  A header can
only report what happened *before* the headers were sent; the body comes later.)

The rules (PEP 3333, "Middleware: Components that Play Both Sides" and "Middleware Handling
of Block Boundaries"):

1. Keep every header the app sent; add yours at the end.  Pass ``exc_info`` on to the
   server's ``start_response`` unchanged.
2. Return an iterable as soon as ``app`` returns one: do not read the body first.  The app
   may even call ``start_response`` lazily, on the first iteration of a generator.
3. Yield one value for each value the app yields (the same bytes, in the same order,
   empty ones included): never join, split or buffer chunks.
4. If the app's iterable has a ``close()`` method, it must be called when the server calls
   ``close()`` on yours -- also when the server stops early (the client went away).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def server_timing(app: WSGIApp, metric: str = "app") -> WSGIApp:
    """Return a WSGI app that calls ``app`` and adds ``Server-Timing: <metric>;dur=<ms>``."""
    raise NotImplementedError("exercise 5.1: return a middleware that wraps start_response "
                              "to add Server-Timing, and passes the body and close() through")
