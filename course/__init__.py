"""The course toolkit: what notebooks, chapter scripts, tests and the learner CLI share.

Tools that notebooks, chapter scripts and tests import (type these):

    servers   start/stop real servers on 127.0.0.1 and a free port (uvicorn, gunicorn, a
              chapter script, anything); ``serve`` runs an ASGI app in the foreground
    nginx     a real nginx from a config template, in a temporary prefix
    load      bounded load generation: a Python client, or wrk when installed
    bench     interleaved benchmark runs: medians and pair-by-pair ratios with their spread
    testing   the WSGI driver: ``call_wsgi`` under wsgiref.validate, ``make_environ``,
              ``raw_http`` (bytes in, bytes out over a socket)
    asgi      the ASGI driver: ``call_asgi``, ``call_lifespan``, ``http_scope``, checking
              every message against the ASGI spec
    modules   ``load_path``: import a file by path (``code/`` is not a package)
    settings  ``ROOT`` and the ``[tool.course]`` settings of pyproject.toml

Grading (``course.grading``): ``toc`` (course.toml), ``pytest_plugin`` (the ``exercise``
fixture, timeouts, "not done yet" messages), ``runner`` (``grade``), ``progress``.

Teaching output (``course.teaching``): ``generated`` (render, check, write), ``readme``,
``nav``, ``classroom``, ``book``, ``handout``, ``gradebook``, ``notebooks`` (execute).

The command line (``course.cli``, ``python -m course``): ``registry`` (the command table),
``learner`` (list, check, hint, watch, reset, report, lab, doctor), ``teacher`` (execute,
readme, nav, book, classroom, schedule, gradebook, handout, generate), ``doctor``.
"""

from course.settings import ROOT

__all__ = ["ROOT"]
__version__ = "0.1.0"
