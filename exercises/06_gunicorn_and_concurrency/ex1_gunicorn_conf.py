"""Exercise 6.1 -- a gunicorn configuration file that meets a written spec.

A gunicorn config file is plain Python: gunicorn runs it and reads module-level names whose
names are settings (``bind``, ``workers``, ...; every one is documented in gunicorn's
``config.py`` and on docs.gunicorn.org under "Settings").  Run it yourself with

    COURSE_PORT=8000 gunicorn -c exercises/06_gunicorn_and_concurrency/ex1_gunicorn_conf.py \
        --chdir code/06_gunicorn_and_concurrency blocking_app:app

and see what gunicorn made of it with ``--print-config`` added to that command.

The spec (every point is checked by starting gunicorn with this file and probing it):

1. bind: ``127.0.0.1`` and the port held in the environment variable ``COURSE_PORT`` (the
   tests set it to a free port).  Never ``0.0.0.0``, never a hard-coded port.  Do not use the
   variable ``PORT``: gunicorn reads that one itself and then binds ``0.0.0.0``.
2. workers: 2 worker processes.
3. worker_class ``"gthread"`` with 4 threads per worker (8 requests in flight at once).
4. timeout: 20 s (the arbiter's liveness check), graceful_timeout: 10 s, keepalive: 5 s.
5. max_requests: 1000 with max_requests_jitter: 100 (workers recycle at 1000-1100 requests,
   not all at the same moment).
6. Access log to standard output (``accesslog = "-"``), one line per request, exactly in this
   shape (gunicorn's own ``%(p)s`` atom prints the worker pid inside angle brackets):

       ACCESS method=GET path=/probe status=200 ms=3 pid=<12345>

   i.e. the literal word ACCESS, then the request method, the URL path without the query
   string, the status code, the duration in whole milliseconds and the worker's pid.  Look up
   the atoms in the ``access_log_format`` setting's documentation.

Rules: only module-level settings; no hooks; read the port with ``os.environ``.
"""

import os  # noqa: F401  (you will need it for COURSE_PORT)

# TODO(exercise 6.1): every value below is gunicorn's default, not the spec. Change them.
bind = "127.0.0.1:8000"
workers = 1
worker_class = "sync"
threads = 1
timeout = 30
graceful_timeout = 30
keepalive = 2
max_requests = 0
max_requests_jitter = 0
accesslog = None
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
