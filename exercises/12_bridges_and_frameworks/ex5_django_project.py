"""Exercise 12.5 -- one Django project, two entry points: WSGI and ASGI.

A Django project's ``wsgi.py`` and ``asgi.py`` each hand a server one callable.  This file is
a whole project in one module (settings, a view, the URLs); give it both entry points and a
streaming view that streams under ASGI.  The graders run it for real: gunicorn serves
``ex5_django_project:wsgi_application``, uvicorn serves ``ex5_django_project:asgi_application``.
The rules:

1. ``wsgi_application`` is what ``wsgi.py`` would expose (``get_wsgi_application()``), and
   ``asgi_application`` what ``asgi.py`` would expose (``get_asgi_application()``), both
   made after the settings below.
2. ``GET /hello/`` answers ``Hello from Django`` under both servers.  With ``DEBUG=False``
   Django answers 400 to any Host not in ``ALLOWED_HOSTS``: let ``127.0.0.1`` in.
3. ``GET /numbers/`` answers ``1\\n2\\n3\\n4\\n5\\n`` as a ``StreamingHttpResponse``, one line
   every ``PAUSE`` seconds, under both servers.
4. Under ASGI it must really stream: the first line reaches the client while the others
   are still being made.  Read ``StreamingHttpResponse.__aiter__`` in
   ``django/http/response.py``: a *sync* iterator is consumed whole, with
   ``sync_to_async(list)``, before the first byte is sent.

Try it: ``python -m course check 12``.
"""

from __future__ import annotations

import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

PAUSE = 0.2

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="exercise-12-5-not-a-secret",
        ALLOWED_HOSTS=[],         # TODO(exercise 12.5): let 127.0.0.1 in
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["django.middleware.common.CommonMiddleware"],  # checks the Host
        INSTALLED_APPS=[],
    )
    django.setup()


def hello(request):
    return HttpResponse("Hello from Django", content_type="text/plain")


def numbers(request):
    raise NotImplementedError("exercise 12.5: return a StreamingHttpResponse fed by an async "
                              "generator of the lines 1..5")


urlpatterns = [
    path("hello/", hello),
    path("numbers/", numbers),
]

wsgi_application = None           # TODO(exercise 12.5): what wsgi.py exposes
asgi_application = None           # TODO(exercise 12.5): what asgi.py exposes
