"""Exercise 15.3 -- the pages and the JSON API: a Flask app on top of your store.

The WSGI half of "live polls": HTML pages with forms for people, a JSON API for programs.
gunicorn (gthread) runs it behind nginx; after each vote it tells the live service, through
``notify``, so that every open page updates.  Write the app factory:

    create_app(store, db_path, notify=None) -> flask.Flask

``store`` is your stage-2 module (``ex2_store.py``: ``connect``, ``create_poll``,
``list_polls``, ``get_poll``, ``cast_vote``, ``UnknownPoll``, ``UnknownChoice``) -- use it
through that argument, never by importing it.  ``db_path`` is an SQLite file that is already
migrated (the deploy step does that, not the app).  ``notify(poll)``, when given, tells the
live service about a new count (stage 15.5 writes it).  The rules:

1. One connection per request: a request that uses the database opens exactly one
   connection, ``store.connect(db_path)``, on first use (keep it on ``flask.g``), and closes
   it when the request ends (``@app.teardown_appcontext``).  gunicorn runs requests on many
   threads at once: never share one connection between requests.
2. The pages (HTML, ``text/html; charset=utf-8``):
     GET  /                 the polls, newest first, each a link ``<a href="/polls/ID">``
                            showing its question; and a form ``<form method="post"
                            action="/polls">`` with a field ``question`` and a field
                            ``choices`` (a textarea: one choice per line).
     POST /polls            creates the poll from that form (lines are stripped, blank lines
                            skipped) -> ``303 See Other``, ``Location: /polls/ID``; an invalid
                            poll (``ValueError`` from the store) -> 400 and a page that says why.
     GET  /polls/ID         the poll page below; 404 if there is no such poll.
     POST /polls/ID/vote    form field ``choice`` (a choice id) -> ``303 See Other``,
                            ``Location: /polls/ID``: POST/Redirect/GET, so that reloading the
                            page never votes again.  404 if there is no such poll; 400 if
                            ``choice`` is missing, not an integer, or not one of this poll's.
3. The poll page -- ``code/15_capstone_workshop/static/live.js`` and the browser test find
   their way by it:
     <body data-poll-id="ID">, the question in <h1>;
     for each choice, in order: <span class="votes" id="votes-CHOICEID">VOTES</span> and
       <form method="post" action="/polls/ID/vote"><button name="choice"
       value="CHOICEID">TEXT</button></form>;
     <script src="/static/live.js" defer></script> and
     <link rel="stylesheet" href="/static/style.css"> (nginx serves /static/).
4. Everything a user typed is HTML-escaped: a question ``<script>…</script>`` shows as text
   on every page.  Jinja (``flask.render_template_string``) escapes ``{{ value }}`` for you;
   ``|safe`` or ``Markup`` turn that off.
5. The JSON API (``application/json``; the poll dict is the one of stage 15.2):
     GET  /api/polls                 ``list_polls()``
     POST /api/polls                 ``{"question": …, "choices": [...]}`` -> 201, body the
                                     poll, ``Location: /api/polls/ID``; 400 if the body is
                                     not a JSON object or the store refuses the poll.
     GET  /api/polls/ID              the poll, or 404.
     POST /api/polls/ID/votes        ``{"choice_id": <int>}`` -> 201, body the poll after the
                                     vote; 404 if there is no such poll; 400 if the body is
                                     not JSON, ``choice_id`` is missing or not an integer
                                     (``true`` is not one, nor is ``"3"``), or not one of
                                     this poll's choices.
     Every error answer under /api/ -- yours and Flask's own 404 and 405 -- is JSON
     ``{"error": "<why>"}`` with ``Content-Type: application/json``, never an HTML page.
6. ``GET /healthz`` -> 200 ``ok``.
7. After each accepted vote (form or API) call ``notify(poll)`` exactly once, with the poll
   ``cast_vote()`` returned -- after the vote is saved, never before.  A refused vote
   (400/404) calls nothing.  ``notify=None`` means nobody listens.
8. It all holds under gunicorn gthread (2 workers x 4 threads): concurrent votes through HTTP
   are all counted.

Try it: ``python -m course check 15``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import flask


def create_app(store: ModuleType, db_path: str | Path,
               notify: Callable[[dict], None] | None = None) -> flask.Flask:
    """The pages app: HTML pages and forms, the JSON API, /healthz."""
    raise NotImplementedError("exercise 15.3: make the Flask app, a connection per request, "
                              "the routes of rules 2-7")
