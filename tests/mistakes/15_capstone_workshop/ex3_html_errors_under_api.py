"""Mistake: no error handler: Flask's own 404 and 405 under /api/ are HTML pages.

The app's own errors are JSON, but an unknown path or method gets Werkzeug's HTML page.

Exercise 15.3 -- the pages and the JSON API (see the stub for the rules).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import flask

INDEX_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Live polls</title>
  <link rel="stylesheet" href="/static/style.css">
</head>
<body>
  <h1>Live polls</h1>
  <ul class="polls">
  {% for poll in polls %}
    <li><a href="/polls/{{ poll.id }}">{{ poll.question }}</a>
      ({{ poll.votes }} vote{{ '' if poll.votes == 1 else 's' }})</li>
  {% else %}
    <li>No polls yet: ask the first question.</li>
  {% endfor %}
  </ul>
  <h2>New poll</h2>
  {% if error %}<p class="error">{{ error }}</p>{% endif %}
  <form method="post" action="/polls">
    <p><label>Question <input name="question" maxlength="200" value="{{ question }}"></label></p>
    <p><label>Choices, one per line<br>
      <textarea name="choices" rows="5">{{ choices }}</textarea></label></p>
    <p><button>Create</button></p>
  </form>
</body>
</html>
"""

POLL_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{ poll.question }}</title>
  <link rel="stylesheet" href="/static/style.css">
  <script src="/static/live.js" defer></script>
</head>
<body data-poll-id="{{ poll.id }}">
  <p><a href="/">All polls</a> <span class="live-status"></span></p>
  <h1>{{ poll.question }}</h1>
  {% for choice in poll.choices %}
  <div class="choice">
    <form method="post" action="/polls/{{ poll.id }}/vote">
      <button name="choice" value="{{ choice.id }}">{{ choice.text }}</button>
    </form>
    <span class="votes" id="votes-{{ choice.id }}">{{ choice.votes }}</span>
  </div>
  {% endfor %}
</body>
</html>
"""


def create_app(store: ModuleType, db_path: str | Path,
               notify: Callable[[dict], None] | None = None) -> flask.Flask:
    """The pages app: HTML pages and forms, the JSON API, /healthz."""
    # nginx serves /static/ (stage 15.1): no static route here
    app = flask.Flask(__name__, static_folder=None)

    def db() -> sqlite3.Connection:
        """This request's connection, opened on first use."""
        if "db" not in flask.g:
            flask.g.db = store.connect(db_path)
        return flask.g.db

    @app.teardown_appcontext
    def close_db(error: BaseException | None) -> None:
        conn = flask.g.pop("db", None)
        if conn is not None:
            conn.close()

    def voted(poll: dict) -> None:
        if notify is not None:
            notify(poll)

    def json_error(status: int, message: str) -> flask.Response:
        response = flask.jsonify(error=message)
        response.status_code = status
        return response


    # --- pages ----------------------------------------------------------------------------

    @app.get("/")
    def index():
        return flask.render_template_string(INDEX_PAGE, polls=store.list_polls(db()),
                                            error=None, question="", choices="")

    @app.post("/polls")
    def create_from_form():
        question = flask.request.form.get("question", "")
        lines = flask.request.form.get("choices", "")
        choices = [line.strip() for line in lines.splitlines() if line.strip()]
        try:
            poll = store.create_poll(db(), question, choices)
        except ValueError as exc:
            page = flask.render_template_string(INDEX_PAGE, polls=store.list_polls(db()),
                                                error=str(exc), question=question,
                                                choices=lines)
            return page, 400
        return flask.redirect(f"/polls/{poll['id']}", 303)

    @app.get("/polls/<int:poll_id>")
    def poll_page(poll_id: int):
        poll = store.get_poll(db(), poll_id)
        if poll is None:
            flask.abort(404)
        return flask.render_template_string(POLL_PAGE, poll=poll)

    @app.post("/polls/<int:poll_id>/vote")
    def vote_from_form(poll_id: int):
        try:
            choice_id = int(flask.request.form["choice"])
        except (KeyError, ValueError):
            if store.get_poll(db(), poll_id) is None:
                flask.abort(404)
            flask.abort(400, "choose one of the poll's choices")
        try:
            poll = store.cast_vote(db(), poll_id, choice_id)
        except store.UnknownPoll:
            flask.abort(404)
        except store.UnknownChoice:
            flask.abort(400, "that is not one of this poll's choices")
        voted(poll)
        return flask.redirect(f"/polls/{poll_id}", 303)     # POST/Redirect/GET

    # --- the JSON API ---------------------------------------------------------------------

    @app.get("/api/polls")
    def api_list():
        return flask.jsonify(store.list_polls(db()))

    @app.post("/api/polls")
    def api_create():
        body = flask.request.get_json(force=True, silent=True)
        if not isinstance(body, dict):
            return json_error(400, "send a JSON object {\"question\": …, \"choices\": […]}")
        try:
            poll = store.create_poll(db(), body.get("question"), body.get("choices"))
        except ValueError as exc:
            return json_error(400, str(exc))
        response = flask.jsonify(poll)
        response.status_code = 201
        response.headers["Location"] = f"/api/polls/{poll['id']}"
        return response

    @app.get("/api/polls/<int:poll_id>")
    def api_poll(poll_id: int):
        poll = store.get_poll(db(), poll_id)
        if poll is None:
            return json_error(404, f"no poll {poll_id}")
        return flask.jsonify(poll)

    @app.post("/api/polls/<int:poll_id>/votes")
    def api_vote(poll_id: int):
        body = flask.request.get_json(force=True, silent=True)
        choice_id = body.get("choice_id") if isinstance(body, dict) else None
        if type(choice_id) is not int:           # bool is an int subclass: true is no id
            if store.get_poll(db(), poll_id) is None:
                return json_error(404, f"no poll {poll_id}")
            return json_error(400, "send a JSON object {\"choice_id\": <integer>}")
        try:
            poll = store.cast_vote(db(), poll_id, choice_id)
        except store.UnknownPoll:
            return json_error(404, f"no poll {poll_id}")
        except store.UnknownChoice:
            return json_error(400, f"choice {choice_id} is not one of poll {poll_id}'s choices")
        voted(poll)
        return flask.jsonify(poll), 201

    @app.get("/healthz")
    def healthz():
        return flask.Response("ok", mimetype="text/plain")

    return app
