"""Mistake: reads $PORT instead of $COURSE_PORT (gunicorn treats PORT specially).

Run it:

    COURSE_PORT=8000 gunicorn -c solutions/06_gunicorn_and_concurrency/ex1_gunicorn_conf.py \
        --chdir code/06_gunicorn_and_concurrency blocking_app:app

The spec is in the exercise's docstring (exercises/06_gunicorn_and_concurrency/).
"""

import os

# Loopback only, on the port the caller chose.  KeyError on purpose when COURSE_PORT is
# missing: a config that silently falls back to some port hides mistakes.
bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"

workers = 2
worker_class = "gthread"
threads = 4                 # 2 workers x 4 threads = 8 requests in flight at once

timeout = 20                # the arbiter kills a worker that stays silent this long
graceful_timeout = 10       # after HUP/TERM, workers get this long to finish their requests
keepalive = 5               # seconds an idle keep-alive connection is kept open

max_requests = 1000         # recycle a worker after ~1000 requests (caps slow memory leaks)
max_requests_jitter = 100   # ... plus randint(0, 100), so workers do not all restart at once

accesslog = "-"
access_log_format = "ACCESS method=%(m)s path=%(U)s status=%(s)s ms=%(M)s pid=%(p)s"
