"""Mistake: exposes the WSGI handler as the ASGI entry point too.

See the stub in ``exercises/12_bridges_and_frameworks/ex5_django_project.py`` for the rules.
"""

from __future__ import annotations

import asyncio

import django
from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

PAUSE = 0.2

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="exercise-12-5-not-a-secret",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["django.middleware.common.CommonMiddleware"],  # checks the Host
        INSTALLED_APPS=[],
    )
    django.setup()


def hello(request):
    return HttpResponse("Hello from Django", content_type="text/plain")


async def lines():
    for number in range(1, 6):
        yield f"{number}\n"
        if number < 5:
            await asyncio.sleep(PAUSE)


def numbers(request):
    return StreamingHttpResponse(lines(), content_type="text/plain")


urlpatterns = [
    path("hello/", hello),
    path("numbers/", numbers),
]

from django.core.wsgi import get_wsgi_application  # noqa: E402

wsgi_application = get_wsgi_application()
asgi_application = get_wsgi_application()
