"""Exercise 3.1 -- the smallest correct WSGI application.

A WSGI application is any callable ``app(environ, start_response)`` (PEP 3333).  The server
calls it once per request; the app calls ``start_response(status, headers)`` and returns an
iterable of ``bytes`` -- the body.

The task
--------
Write ``app`` so that every request gets::

    200 OK
    Content-Type: text/plain; charset=utf-8
    Content-Length: 14

    Hello, World!\\n

The rules (PEP 3333, checked by ``wsgiref.validate`` in the tests):

* ``status`` is a ``str`` like ``"200 OK"`` -- a code, a space, a reason phrase;
* ``headers`` is a ``list`` of ``(name, value)`` tuples of ``str``;
* the return value is an iterable of ``bytes`` (a list with one bytes object is perfect);
  a ``str`` or a bare ``bytes`` object is wrong (a bytes object iterates as integers).

Run it: ``python -m course check 3``; serve it by hand with
``gunicorn --chdir exercises/03_wsgi_callables ex1_hello:app``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    raise NotImplementedError(
        "exercise 3.1: call start_response('200 OK', [...]) and return [b'Hello, World!\\n']")
