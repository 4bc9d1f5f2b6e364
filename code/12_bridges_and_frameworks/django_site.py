"""A one-file Django 5.2 project served two ways: WSGI (gunicorn) and ASGI (uvicorn).

Run it (a one-shot script; it starts and stops both servers on free ports):

    python code/12_bridges_and_frameworks/django_site.py

Or serve it yourself from this folder and try the views with curl:

    gunicorn django_site:wsgi_application         # what wsgi.py gives a server
    uvicorn django_site:asgi_application          # what asgi.py gives a server
    curl localhost:8000/sync/  localhost:8000/async/  localhost:8000/stream-sync/

The views: ``/sync/`` (a ``def`` view that blocks ``SLOW`` s), ``/async/`` (an ``async def``
view that awaits ``SLOW`` s), ``/stream-sync/`` and ``/stream-async/`` (a
``StreamingHttpResponse`` fed by a sync or an async generator, three parts ``SLOW`` s
apart) and ``/wait/`` (an async view that waits until the client leaves).  One sync-only
middleware, ``ThreadHops``, notes the thread every layer ran in.

The script sends four concurrent requests to ``/sync/`` and ``/async/`` under each server
and prints the total time, the threads used, and for each streaming view the time to the
first byte.  What to look for, read from ``django/core/handlers/asgi.py`` and
``django/http/response.py``:

* under ASGI every request runs in ``ThreadSensitiveContext()``, so a sync view goes to
  ``sync_to_async(thread_sensitive=True)`` in a thread of *its own request*: sync views
  still overlap;
* ``StreamingHttpResponse.__aiter__`` consumes a *sync* iterator with
  ``sync_to_async(list)`` -- the whole list before the first byte (and a warning);
* a client that leaves makes ``listen_for_disconnect`` raise ``RequestAborted``, and
  Django cancels the view's task: an async view sees ``CancelledError``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from pathlib import Path

import django
from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

HERE = Path(__file__).resolve().parent
SLOW = 0.5

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="chapter-12-not-a-secret",
        ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[f"{__name__}.ThreadHops"],
        INSTALLED_APPS=[],
    )
    django.setup()


def _thread() -> str:
    return threading.current_thread().name


class ThreadHops:
    """A sync-only middleware (the old style): it records the thread it ran in."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request.hops = [f"middleware: {_thread()}"]
        return self.get_response(request)


def _answer(request, view: str) -> HttpResponse:
    hops = [*getattr(request, "hops", []), f"{view}: {_thread()}"]
    return HttpResponse(json.dumps({"hops": hops}), content_type="application/json")


def sync_view(request):
    time.sleep(SLOW)                       # a blocking call
    return _answer(request, "sync view")


async def async_view(request):
    await asyncio.sleep(SLOW)              # a non-blocking wait
    return _answer(request, "async view")


def _parts_sync():
    for number in range(3):
        yield f"part {number} {time.monotonic():.3f}\n"
        time.sleep(SLOW)


async def _parts_async():
    for number in range(3):
        yield f"part {number} {time.monotonic():.3f}\n"
        await asyncio.sleep(SLOW)


def stream_sync(request):
    return StreamingHttpResponse(_parts_sync(), content_type="text/plain")


def stream_async(request):
    return StreamingHttpResponse(_parts_async(), content_type="text/plain")


async def wait_view(request):
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        print("wait_view: cancelled -- the client left (RequestAborted)", flush=True)
        raise
    return HttpResponse("nobody left")


urlpatterns = [
    path("sync/", sync_view),
    path("async/", async_view),
    path("stream-sync/", stream_sync),
    path("stream-async/", stream_async),
    path("wait/", wait_view),
]

# what a project's wsgi.py and asgi.py hand to the server
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

wsgi_application = get_wsgi_application()
asgi_application = get_asgi_application()


# ------------------------------------------------------------------ measuring both ways

async def _concurrent(url: str, count: int = 4) -> dict:
    import httpx
    async with httpx.AsyncClient(timeout=30) as client:
        started = time.monotonic()
        answers = await asyncio.gather(*(client.get(url) for _ in range(count)))
        elapsed = time.monotonic() - started
    hops = [answer.json()["hops"] for answer in answers]
    return {"seconds": elapsed, "hops": hops[0],
            "view_threads": len({h[-1] for h in hops})}


def _first_byte(url: str) -> dict:
    import httpx
    started = time.monotonic()
    with httpx.stream("GET", url, timeout=30) as response:
        chunks = response.iter_raw()
        next(chunks)
        first = time.monotonic() - started
        for _ in chunks:
            pass
    return {"first_byte": first, "total": time.monotonic() - started}


def measure(url: str) -> dict:
    return {"sync": asyncio.run(_concurrent(url + "/sync/")),
            "async": asyncio.run(_concurrent(url + "/async/")),
            "stream-sync": _first_byte(url + "/stream-sync/"),
            "stream-async": _first_byte(url + "/stream-async/")}


def run_both() -> dict:
    sys.path.insert(0, str(HERE.parents[1]))  # find `course` from a clone
    from course import servers
    results = {}
    with servers.gunicorn("django_site:wsgi_application", chdir=HERE) as server:
        results["gunicorn (WSGI, 1 sync worker)"] = measure(server.url)
    with servers.uvicorn("django_site:asgi_application", app_dir=HERE) as server:
        results["uvicorn (ASGI)"] = measure(server.url)
    return results


def render(results: dict) -> str:
    lines = [f"{'server':<32}{'view':<14}{'4 at once':<11}{'view threads':<14}"
             f"{'first byte':<12}total"]
    for server, rows in results.items():
        for view in ("sync", "async"):
            row = rows[view]
            lines.append(f"{server:<32}{'/' + view + '/':<14}{row['seconds']:<11.2f}"
                         f"{row['view_threads']:<14}")
        for view in ("stream-sync", "stream-async"):
            row = rows[view]
            lines.append(f"{server:<32}{'/' + view + '/':<14}{'':<11}{'':<14}"
                         f"{row['first_byte']:<12.2f}{row['total']:.2f}")
    for server, rows in results.items():
        lines.append(f"{server}: one /sync/ request ran in {rows['sync']['hops']}")
        lines.append(f"{server}: one /async/ request ran in {rows['async']['hops']}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(run_both()))
