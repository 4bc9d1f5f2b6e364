"""Fixtures for chapter 10's graded tests that need real servers.

* ``backend`` -- uvicorn running ``code/10_websockets/chat.py``: a WebSocket echo at
  ``/echo`` and ``GET /headers``, which answers the request headers it saw as JSON.
* ``start_nginx(**values)`` -- real nginx running *your* ``exK_name.conf`` with ``{{port}}``
  and the other placeholders filled in; nginx's own message (and your line number) when it
  refuses the config.

Everything is stopped when the test ends.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest

from course import servers
from course.nginx import Nginx, NginxConfigError

CODE = Path(__file__).resolve().parents[2] / "code" / "10_websockets"


@pytest.fixture
def stack():
    with ExitStack() as st:
        yield st


@pytest.fixture
def backend(stack):
    server = servers.uvicorn("chat:app", app_dir=CODE, args=["--log-level", "warning"])
    stack.callback(server.stop, 3)
    return server


@pytest.fixture
def start_nginx(stack, exercise_file: Path):
    def start(**values: object) -> Nginx:
        web = Nginx(exercise_file.read_text(), ready_timeout=5, **values)
        try:
            web.start()
        except NginxConfigError as exc:
            web.stop()
            pytest.fail(f"{exc}\n(in {exercise_file.name})", pytrace=False)
        except KeyError as exc:
            web.stop()
            pytest.fail(f"{exercise_file.name}: {exc.args[0]} -- the placeholders you can use "
                        f"are {', '.join('{{' + k + '}}' for k in ['port', *values])}",
                        pytrace=False)
        except servers.ServerError:
            web.stop()
            pytest.fail(f"nginx accepted {exercise_file.name} but nothing listens on "
                        "127.0.0.1:{{port}} -- write `listen 127.0.0.1:{{port}};`", pytrace=False)
        stack.callback(web.stop)
        return web
    return start
