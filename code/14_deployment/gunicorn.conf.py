"""gunicorn's settings for the WSGI half of chapter 14's stack (``gunicorn -c gunicorn.conf.py``).

A settings file is plain Python: gunicorn reads the module-level names it knows.  Each value
below can be overridden from the environment (the systemd unit and the chapter's scripts do
that), so the same file serves on a laptop and on a server:

    APP_BIND=127.0.0.1:8001 gunicorn -c code/14_deployment/gunicorn.conf.py \\
        --chdir code/14_deployment app:wsgi_app

Why each line is there:

* ``bind`` -- loopback (or a unix socket, ``unix:/run/app/wsgi.sock``): only nginx talks to
  the app server, never the internet;
* ``workers`` -- sync workers, one request each: the concurrency budget is ``workers``;
* ``timeout`` / ``graceful_timeout`` -- a stuck worker is killed after ``timeout`` s; on
  ``HUP``/``TERM`` a worker gets ``graceful_timeout`` s to finish its request;
* ``forwarded_allow_ips`` -- the X-Forwarded-Proto of *only* these peers (nginx, on this
  machine) sets ``wsgi.url_scheme``; anybody else's is ignored;
* ``accesslog`` with ``%({x-request-id}i)s`` -- gunicorn's own log line carries nginx's request id;
* ``preload_app = False`` -- on ``HUP`` new workers import the app afresh (new code);
  with ``True`` a ``HUP`` would keep serving the code the master loaded at start.
"""

import os

bind = [os.environ.get("APP_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("APP_WORKERS", "2"))
worker_class = "sync"
timeout = 30
graceful_timeout = 10
keepalive = 2
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s request_id=%({x-request-id}i)s'
preload_app = False
proc_name = "course-ch14-wsgi"
