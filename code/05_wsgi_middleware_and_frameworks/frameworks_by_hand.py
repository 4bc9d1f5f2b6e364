"""Flask and Django are WSGI callables: call them by hand, with no server at all.

Run it (a one-shot script; it opens no socket)::

    python code/05_wsgi_middleware_and_frameworks/frameworks_by_hand.py

What you should see, for each framework, the status line, the headers and the body it
returned when called as ``app(environ, start_response)`` with a hand-made environ:

* ``flask GET /hello/ada``  -> ``200 OK`` and JSON;
* ``django GET /hello/ada/`` -> ``200 OK`` and JSON (Django configured in code: no project,
  no settings.py, no manage.py -- ``settings.configure()`` and ``get_wsgi_application()``);
* both mounted side by side in ONE process under ``/flask`` and ``/django`` by a 10-line
  ``Mount`` middleware, each building its own URLs from ``SCRIPT_NAME``;
* Werkzeug's ``ProxyFix`` turning a trusted proxy's ``X-Forwarded-For`` into ``remote_addr``.

Try changing the environ in ``call()`` (the method, ``PATH_INFO``, a header) and run again.
"""

from __future__ import annotations

import io
import json
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from middleware import Mount  # noqa: E402


def environ_for(method: str, path: str, **extra: str) -> dict:
    """The environ a server would build for ``METHOD path`` from 127.0.0.1 (PEP 3333)."""
    env = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    env.update(extra)
    return env


def call(app, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
    """Do what gunicorn does for one request: call, iterate, close."""
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers
        return lambda data: None      # the legacy write() callable; nobody here uses it

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return seen["status"], seen["headers"], body


# ----------------------------------------------------------------------------- Flask
def make_flask_app():
    from flask import Flask, request, url_for

    flask_app = Flask("by_hand")

    @flask_app.get("/hello/<name>")
    def hello(name: str) -> dict:
        return {"framework": "flask", "hello": name, "client": request.remote_addr,
                "my_url": url_for("hello", name=name)}

    return flask_app


# ----------------------------------------------------------------------------- Django
def make_django_app():
    """Django with settings in code: enough for a URLconf and one view, nothing else."""
    from django.conf import settings

    if not settings.configured:
        urls = types.ModuleType("ch05_django_urls")   # the URLconf: a module with urlpatterns
        sys.modules[urls.__name__] = urls
        settings.configure(
            DEBUG=False, SECRET_KEY="not-a-secret-chapter-05", ALLOWED_HOSTS=["127.0.0.1"],
            ROOT_URLCONF=urls.__name__, INSTALLED_APPS=[], MIDDLEWARE=[],
            USE_TZ=True,
        )
        from django.http import JsonResponse
        from django.urls import path, reverse

        def hello(request, name: str):
            return JsonResponse({"framework": "django", "hello": name,
                                 "client": request.META["REMOTE_ADDR"],
                                 "my_url": reverse("hello", args=[name])})

        urls.urlpatterns = [path("hello/<str:name>/", hello, name="hello")]
    from django.core.wsgi import get_wsgi_application
    return get_wsgi_application()       # calls django.setup(), returns a WSGIHandler


def show(label: str, response: tuple[str, list[tuple[str, str]], bytes]) -> None:
    status, headers, body = response
    print(f"{label:34} -> {status}")
    for name, value in headers:
        print(f"{'':37}{name}: {value}")
    print(f"{'':37}{body.decode(errors='replace')[:120]}")


def main() -> None:
    flask_app, django_app = make_flask_app(), make_django_app()
    print(f"flask_app  is a {type(flask_app).__module__}.{type(flask_app).__name__}; "
          f"callable: {callable(flask_app)}")
    print(f"django_app is a {type(django_app).__module__}.{type(django_app).__name__}; "
          f"callable: {callable(django_app)}\n")
    show("flask GET /hello/ada", call(flask_app, environ_for("GET", "/hello/ada")))
    show("django GET /hello/ada/", call(django_app, environ_for("GET", "/hello/ada/")))

    both = Mount({"/flask": flask_app, "/django": django_app})
    print("\none process, two frameworks, mounted by middleware:")
    show("GET /flask/hello/grace", call(both, environ_for("GET", "/flask/hello/grace")))
    show("GET /django/hello/grace/", call(both, environ_for("GET", "/django/hello/grace/")))

    from werkzeug.middleware.proxy_fix import ProxyFix
    print("\nWerkzeug's ProxyFix(x_for=1): trusts exactly one proxy hop:")
    proxied = ProxyFix(flask_app, x_for=1)
    env = environ_for("GET", "/hello/ada", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    response = call(proxied, env)
    show("XFF '6.6.6.6, 203.0.113.7'", response)
    print(f"\nclient seen through ProxyFix: {json.loads(response[2])['client']} "
          "(the entry our one proxy appended, not the spoofable first one)")

if __name__ == "__main__":
    main()
