"""Graded tests for exercise 15.3: the pages and the JSON API (Flask, on your stage-2 store).

Most tests run your ``create_app()`` in this process through Flask's test client, over a
temporary SQLite database migrated by your ``ex2_store.migrate()``; they count the
connections your app opens through ``store.connect`` and the calls of ``notify``.  The last
one runs the app under gunicorn (gthread, 2 workers x 4 threads) and votes through HTTP
from 8 threads at once.
"""

from __future__ import annotations

import http.client
import json
import sqlite3
import threading
import time
import types
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import flask
import pytest
from flask.testing import FlaskClient

from course import servers
from course.settings import ROOT

HERE = ROOT / "code" / "15_capstone_workshop"       # wsgi_entry.py: gunicorn's way in
MIGRATIONS = HERE / "migrations"
THREADS, VOTES_EACH = 8, 5
SCRIPT_QUESTION = '<script>alert("pwned")</script> & friends?'
SCRIPT_CHOICE = "<b>bold</b>"


# --- the app under test ----------------------------------------------------------------------

@dataclass
class Harness:
    """Your app over a fresh database, with the connections it opened and notify's calls."""

    app: flask.Flask
    client: FlaskClient
    db: Path
    store: types.ModuleType
    opened: list[sqlite3.Connection] = field(default_factory=list)
    notified: list[dict] = field(default_factory=list)
    saved_when_notified: list[int] = field(default_factory=list)

    def seed(self, question: str, choices: list[str]) -> dict:
        """A poll made with the store directly (not through the app)."""
        conn = self.store.connect(self.db)
        try:
            return self.store.create_poll(conn, question, choices)
        finally:
            conn.close()

    def poll(self, poll_id: int) -> dict | None:
        conn = self.store.connect(self.db)
        try:
            return self.store.get_poll(conn, poll_id)
        finally:
            conn.close()

    def vote_rows(self) -> int:
        with sqlite3.connect(self.db) as conn:
            return conn.execute("SELECT count(*) FROM vote").fetchone()[0]

    def poll_rows(self) -> int:
        with sqlite3.connect(self.db) as conn:
            return conn.execute("SELECT count(*) FROM poll").fetchone()[0]

    def request(self, method: str, path: str, **kwargs):
        """One request; checks rule 1 (one connection, opened and closed by it) on the way."""
        before = len(self.opened)
        response = self.client.open(path, method=method, **kwargs)
        opened = self.opened[before:]
        case = f"{method} {path}"
        assert len(opened) <= 1, (
            f"rule 1: {case} opened {len(opened)} connections with store.connect(), expected "
            "one for the whole request: open it on first use and keep it on flask.g")
        for conn in opened:
            assert _closed(conn), (
                f"rule 1: {case} left its connection open after the request ended: close it "
                "in @app.teardown_appcontext (gunicorn would leak one per request)")
        return response


def _closed(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


@pytest.fixture
def make_app(exercise, earlier_stage, tmp_path) -> Iterator[Callable[..., Harness]]:
    """``make_app(notify=True)`` -- your app over a new migrated database (a Harness).

    ``store.connect`` is wrapped to remember each connection it opens; ``notify`` records
    each poll it is given and how many vote rows the database held at that moment.
    """
    store = earlier_stage(2)
    made: list[Harness] = []

    def make(notify: bool = True) -> Harness:
        db = tmp_path / f"polls{len(made)}.db"
        counting = types.ModuleType(store.__name__)
        counting.__dict__.update(store.__dict__)
        opened: list[sqlite3.Connection] = []
        notified: list[dict] = []
        saved_when_notified: list[int] = []

        def connect(path):
            conn = store.connect(path)
            opened.append(conn)
            return conn

        def record(poll: dict) -> None:
            notified.append(json.loads(json.dumps(poll)))
            with sqlite3.connect(db) as own:
                saved_when_notified.append(own.execute("SELECT count(*) FROM vote").fetchone()[0])

        counting.connect = connect  # type: ignore[attr-defined]
        app = exercise.create_app(counting, db, record if notify else None)
        conn = store.connect(db)
        try:
            store.migrate(conn, MIGRATIONS)
        finally:
            conn.close()
        app.testing = True
        harness = Harness(app, app.test_client(), db, store, opened, notified,
                          saved_when_notified)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        for conn in harness.opened:
            try:
                conn.close()
            except sqlite3.Error:
                pass


# --- reading the pages -----------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.text_parts).strip()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if child.tag == tag and all(child.attrs.get(k) == v for k, v in attrs.items()):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {name: value for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        for node in self.stack:
            node.text_parts.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _is_html(response, case: str) -> str:
    content_type = response.headers.get("Content-Type", "")
    assert content_type.replace(" ", "").lower() == "text/html;charset=utf-8", (
        f"rule 2: {case} should answer Content-Type 'text/html; charset=utf-8', got "
        f"{content_type!r}")
    return response.get_data(as_text=True)


def _location_path(response) -> str:
    return urllib.parse.urlsplit(response.headers.get("Location", "")).path


def _see_other(response, case: str, where: str, rule: str = "rule 2") -> None:
    assert response.status_code == 303, (
        f"{rule}: {case} should answer 303 See Other with Location {where} (POST/Redirect/GET: "
        f"reloading the page must not post again), got {response.status_code}")
    assert _location_path(response) == where, (
        f"{rule}: {case} answered 303 with Location {response.headers.get('Location')!r}, "
        f"expected {where}")


def _json_error(response, status: int, case: str, rule: str = "rule 5") -> None:
    assert response.status_code == status, (
        f"{rule}: {case} should answer {status}, got {response.status_code}: "
        f"{response.get_data(as_text=True)[:200]!r}")
    content_type = response.headers.get("Content-Type", "")
    assert content_type.split(";")[0].strip() == "application/json", (
        f"{rule}: {case} answered {status} with Content-Type {content_type!r}: every error "
        "under /api/ is JSON (application/json), never an HTML page")
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"], (
        f"{rule}: {case} should answer the JSON {{\"error\": \"<why>\"}}, got "
        f"{response.get_data(as_text=True)[:200]!r}")


# --- rule 1: one connection per request ------------------------------------------------------

def test_each_request_opens_one_connection_and_closes_it(make_app):
    h = make_app()
    poll = h.seed("Tea or coffee?", ["Tea", "Coffee"])
    cases = [("GET", "/", {}), ("GET", f"/polls/{poll['id']}", {}),
             ("POST", f"/polls/{poll['id']}/vote", {"data": {"choice": poll["choices"][0]["id"]}}),
             ("GET", "/api/polls", {}), ("GET", f"/api/polls/{poll['id']}", {}),
             ("POST", f"/api/polls/{poll['id']}/votes",
              {"json": {"choice_id": poll["choices"][1]["id"]}})]
    for method, path, kwargs in cases:
        before = len(h.opened)
        response = h.request(method, path, **kwargs)
        assert response.status_code < 400, (
            f"rule 2/5: {method} {path} answered {response.status_code}")
        assert len(h.opened) - before == 1, (
            f"rule 1: {method} {path} opened {len(h.opened) - before} connections with "
            "store.connect(db_path), expected exactly 1: one connection per request, opened on "
            "first use -- never one connection made in create_app() and shared by every request "
            "(gunicorn runs them on many threads at once)")
    distinct = {id(conn) for conn in h.opened}
    assert len(distinct) == len(h.opened), (
        "rule 1: two requests got the same connection object: never share one")


def test_healthz_needs_no_database(make_app):
    h = make_app()
    response = h.request("GET", "/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True).strip() == "ok", (
        f"rule 6: GET /healthz should answer 200 'ok', got {response.status_code} "
        f"{response.get_data(as_text=True)[:100]!r}")


# --- rules 2 and 3: the pages ----------------------------------------------------------------

def test_index_lists_polls_newest_first_and_has_the_form(make_app):
    h = make_app()
    polls = [h.seed(q, ["yes", "no"]) for q in ("First?", "Second?", "Third?")]
    response = h.request("GET", "/")
    assert response.status_code == 200, f"rule 2: GET / answered {response.status_code}"
    page = parse(_is_html(response, "GET /"))
    wanted = {f"/polls/{p['id']}": p["question"] for p in polls}
    links = [(a.attrs.get("href"), a.text) for a in page.find_all("a")
             if a.attrs.get("href") in wanted]
    expected = [(f"/polls/{p['id']}", p["question"]) for p in reversed(polls)]
    assert links == expected, (
        f"rule 2: GET / should link each poll, newest first, as <a href=\"/polls/ID\">"
        f"QUESTION</a>: expected {expected}, got {links}")
    forms = page.find_all("form", action="/polls")
    assert forms and (forms[0].attrs.get("method") or "").lower() == "post", (
        "rule 2: GET / should have a <form method=\"post\" action=\"/polls\"> to create a poll")
    names = {node.attrs.get("name") for tag in ("input", "textarea")
             for node in forms[0].find_all(tag)}
    assert "question" in names and forms[0].find_all("textarea", name="choices"), (
        f"rule 2: the create form needs a field named question and a <textarea "
        f"name=\"choices\">, it has the fields {sorted(n for n in names if n)}")


def test_form_creates_a_poll_and_redirects_to_it(make_app):
    h = make_app()
    response = h.request("POST", "/polls", data={
        "question": "Best editor?", "choices": "  vim \r\n\r\nemacs\n   \nnano\n"})
    poll_id = h.poll_rows()
    _see_other(response, "POST /polls (a valid poll)", f"/polls/{poll_id}")
    got = h.poll(poll_id)
    texts = [c["text"] for c in got["choices"]] if got else None
    assert got and got["question"] == "Best editor?" and texts == ["vim", "emacs", "nano"], (
        f"rule 2: the form's choices are one per line, stripped, blank lines skipped: expected "
        f"['vim', 'emacs', 'nano'], the store holds {got}")


def test_form_with_an_invalid_poll_answers_400_and_says_why(make_app):
    h = make_app()
    scratch = h.store.connect(h.db)
    try:
        h.store.create_poll(scratch, "Only one choice?", ["lonely"])
        why = None
    except ValueError as exc:
        why = str(exc)
    finally:
        scratch.close()
    assert why, "your store accepted a poll with one choice (stage 15.2 refuses it)"
    response = h.request("POST", "/polls",
                         data={"question": "Only one choice?", "choices": "lonely\n\n"})
    assert response.status_code == 400, (
        f"rule 2: POST /polls with one choice should answer 400 (the store raised "
        f"ValueError: {why}), got {response.status_code}")
    text = parse(_is_html(response, "POST /polls (invalid)")).text
    assert why in text, (
        f"rule 2: the 400 page should say why the poll was refused ({why!r}); it says "
        f"{' '.join(text.split())[:300]!r}")
    assert h.poll_rows() == 0, "rule 2: an invalid poll must not be saved"


def test_poll_page_follows_the_contract(make_app):
    h = make_app()
    h.seed("Filler?", ["a", "b"])
    poll = h.seed("Tabs or spaces?", ["Tabs", "Spaces", "Both"])
    pid = poll["id"]
    for choice, votes in zip(poll["choices"], (2, 0, 1), strict=True):
        for _ in range(votes):
            conn = h.store.connect(h.db)
            try:
                h.store.cast_vote(conn, pid, choice["id"])
            finally:
                conn.close()
    response = h.request("GET", f"/polls/{pid}")
    assert response.status_code == 200, f"rule 2: GET /polls/{pid} answered {response.status_code}"
    page = parse(_is_html(response, f"GET /polls/{pid}"))
    bodies = page.find_all("body")
    assert bodies and bodies[0].attrs.get("data-poll-id") == str(pid), (
        f"rule 3: the poll page needs <body data-poll-id=\"{pid}\">, got "
        f"{bodies[0].attrs if bodies else 'no <body>'}")
    h1 = page.find_all("h1")
    assert any(node.text == "Tabs or spaces?" for node in h1), (
        f"rule 3: the question goes in <h1>, the <h1>s say {[n.text for n in h1]}")
    spans = [(s.attrs.get("id"), s.text) for s in page.find_all("span")
             if "votes" in (s.attrs.get("class") or "").split()]
    expected = [(f"votes-{c['id']}", str(n)) for c, n in zip(poll["choices"], (2, 0, 1),
                                                             strict=True)]
    assert spans == expected, (
        f"rule 3: each choice, in order, needs <span class=\"votes\" id=\"votes-CHOICEID\">"
        f"VOTES</span>: expected {expected}, got {spans}")
    buttons = []
    for form in page.find_all("form"):
        if form.attrs.get("action") == f"/polls/{pid}/vote" and \
                (form.attrs.get("method") or "").lower() == "post":
            buttons += [(b.attrs.get("name"), b.attrs.get("value"), b.text)
                        for b in form.find_all("button")]
    expected_buttons = [("choice", str(c["id"]), c["text"]) for c in poll["choices"]]
    assert buttons == expected_buttons, (
        f"rule 3: each choice, in order, needs <form method=\"post\" action=\"/polls/{pid}/vote\">"
        f"<button name=\"choice\" value=\"CHOICEID\">TEXT</button></form>: expected "
        f"{expected_buttons}, got {buttons}")
    scripts = [s.attrs for s in page.find_all("script", src="/static/live.js")]
    assert scripts and "defer" in scripts[0], (
        "rule 3: the poll page needs <script src=\"/static/live.js\" defer></script>")
    links = [node for node in page.find_all("link", href="/static/style.css")
             if (node.attrs.get("rel") or "").lower() == "stylesheet"]
    assert links, "rule 3: the poll page needs <link rel=\"stylesheet\" href=\"/static/style.css\">"


def test_unknown_poll_page_is_404(make_app):
    h = make_app()
    response = h.request("GET", "/polls/42")
    assert response.status_code == 404, (
        f"rule 2: GET /polls/42 (no such poll) should answer 404, got {response.status_code}")


def test_form_vote_is_saved_and_redirects_see_other(make_app):
    h = make_app()
    poll = h.seed("Tea or coffee?", ["Tea", "Coffee"])
    pid, coffee = poll["id"], poll["choices"][1]["id"]
    response = h.request("POST", f"/polls/{pid}/vote", data={"choice": str(coffee)})
    _see_other(response, f"POST /polls/{pid}/vote", f"/polls/{pid}")
    votes = [c["votes"] for c in h.poll(pid)["choices"]]
    assert votes == [0, 1], f"rule 2: after one vote for Coffee the counts are {votes}, not [0, 1]"


@pytest.mark.parametrize("case, form, status", [
    ("no field choice", {}, 400),
    ("choice=abc", {"choice": "abc"}, 400),
    ("choice='' (empty)", {"choice": ""}, 400),
    ("a choice of another poll", {"choice": "OTHER"}, 400),
    ("a choice id no poll has", {"choice": "999"}, 400),
    ("a poll that does not exist", {"choice": "1"}, 404),
])
def test_form_vote_refusals(make_app, case, form, status):
    h = make_app()
    poll = h.seed("Tea or coffee?", ["Tea", "Coffee"])
    other = h.seed("Cats or dogs?", ["Cats", "Dogs"])
    pid = 999 if status == 404 else poll["id"]
    form = {k: (str(other["choices"][0]["id"]) if v == "OTHER" else v) for k, v in form.items()}
    response = h.request("POST", f"/polls/{pid}/vote", data=form)
    assert response.status_code == status, (
        f"rule 2: POST /polls/{pid}/vote with {case} should answer {status}, got "
        f"{response.status_code}")
    assert h.vote_rows() == 0, f"rule 2: POST /polls/{pid}/vote with {case} saved a vote"
    assert h.notified == [], f"rule 7: a refused vote ({case}) called notify({h.notified[0]})"


# --- rule 4: escaping ------------------------------------------------------------------------

def test_what_users_typed_is_escaped_on_every_page(make_app):
    h = make_app()
    poll = h.seed(SCRIPT_QUESTION, [SCRIPT_CHOICE, "plain"])
    pages = [("GET /", h.request("GET", "/")),
             (f"GET /polls/{poll['id']}", h.request("GET", f"/polls/{poll['id']}")),
             ("POST /polls (invalid, shown again)",
              h.request("POST", "/polls", data={"question": SCRIPT_QUESTION,
                                                "choices": SCRIPT_CHOICE}))]
    for case, response in pages:
        raw = response.get_data(as_text=True)
        for typed in ("<script>alert", "<b>bold</b>"):
            assert typed not in raw, (
                f"rule 4: {case} contains {typed!r} as HTML: escape what users typed "
                "({{ value }} in Jinja, never |safe or Markup)")
    shown = parse(h.request("GET", f"/polls/{poll['id']}").get_data(as_text=True))
    assert any(node.text == SCRIPT_QUESTION for node in shown.find_all("h1")), (
        f"rule 4: the question {SCRIPT_QUESTION!r} should show as text in the <h1> (escaped "
        "once: &lt;script&gt;, not removed, not escaped twice)")


# --- rule 5: the JSON API --------------------------------------------------------------------

def test_api_lists_creates_and_reads_polls(make_app):
    h = make_app()
    first = h.seed("First?", ["a", "b"])
    response = h.request("POST", "/api/polls",
                         json={"question": "Second?", "choices": ["x", "y", "z"]})
    assert response.status_code == 201, (
        f"rule 5: POST /api/polls (a valid poll) should answer 201, got {response.status_code} "
        f"{response.get_data(as_text=True)[:200]!r}")
    created = response.get_json(silent=True)
    assert isinstance(created, dict) and "id" in created, (
        f"rule 5: POST /api/polls should answer the poll as JSON, got {created!r}")
    assert created == h.poll(created["id"]), (
        f"rule 5: POST /api/polls answered {created}, the store holds {h.poll(created['id'])}")
    assert _location_path(response) == f"/api/polls/{created['id']}", (
        f"rule 5: POST /api/polls should answer Location /api/polls/{created['id']}, got "
        f"{response.headers.get('Location')!r}")
    listed = h.request("GET", "/api/polls")
    assert listed.status_code == 200 and listed.is_json, (
        f"rule 5: GET /api/polls should answer 200 JSON, got {listed.status_code} "
        f"{listed.headers.get('Content-Type')}")
    expected = [{"id": created["id"], "question": "Second?", "votes": 0},
                {"id": first["id"], "question": "First?", "votes": 0}]
    assert listed.get_json() == expected, (
        f"rule 5: GET /api/polls should answer list_polls() (newest first): expected "
        f"{expected}, got {listed.get_json()}")
    one = h.request("GET", f"/api/polls/{first['id']}")
    assert one.status_code == 200 and one.get_json(silent=True) == first, (
        f"rule 5: GET /api/polls/{first['id']} should answer 200 and the poll {first}, got "
        f"{one.status_code} {one.get_data(as_text=True)[:200]!r}")


@pytest.mark.parametrize("case, body", [
    ("a JSON list", json.dumps(["Q?", ["a", "b"]])),
    ("a body that is not JSON", "question=Q&choices=a"),
    ("one choice (the store refuses it)", json.dumps({"question": "Q?", "choices": ["a"]})),
    ("no question", json.dumps({"choices": ["a", "b"]})),
])
def test_api_create_refusals_are_json_400(make_app, case, body):
    h = make_app()
    response = h.request("POST", "/api/polls", data=body, content_type="application/json")
    _json_error(response, 400, f"POST /api/polls with {case}")
    assert h.poll_rows() == 0, f"rule 5: POST /api/polls with {case} saved a poll"


def test_api_vote_answers_201_with_the_poll_after_it(make_app):
    h = make_app()
    poll = h.seed("Tea or coffee?", ["Tea", "Coffee"])
    pid, coffee = poll["id"], poll["choices"][1]["id"]
    response = h.request("POST", f"/api/polls/{pid}/votes", json={"choice_id": coffee})
    assert response.status_code == 201, (
        f"rule 5: POST /api/polls/{pid}/votes {{\"choice_id\": {coffee}}} should answer 201, "
        f"got {response.status_code} {response.get_data(as_text=True)[:200]!r}")
    assert response.get_json(silent=True) == h.poll(pid), (
        f"rule 5: the vote should answer the poll after it, {h.poll(pid)}; got "
        f"{response.get_data(as_text=True)[:300]!r}")


@pytest.mark.parametrize("case, body, status", [
    ("a body that is not JSON", "choice_id=1", 400),
    ("a JSON list", "[1]", 400),
    ("no choice_id", "{}", 400),
    ("choice_id true", '{"choice_id": true}', 400),
    ('choice_id "3" (a string)', '{"choice_id": "3"}', 400),
    ("choice_id 1.0", '{"choice_id": 1.0}', 400),
    ("choice_id null", '{"choice_id": null}', 400),
    ("a choice of another poll", '{"choice_id": OTHER}', 400),
    ("a choice id no poll has", '{"choice_id": 999}', 400),
    ("a poll that does not exist", '{"choice_id": 1}', 404),
])
def test_api_vote_refusals_are_json(make_app, case, body, status):
    h = make_app()
    # choices 1, 2, 3: a vote that slips `true` or "3" through would land on a real choice
    poll = h.seed("Pick a number?", ["one", "two", "three"])
    other = h.seed("Cats or dogs?", ["Cats", "Dogs"])
    pid = 999 if status == 404 else poll["id"]
    body = body.replace("OTHER", str(other["choices"][0]["id"]))
    response = h.request("POST", f"/api/polls/{pid}/votes", data=body,
                         content_type="application/json")
    _json_error(response, status, f"POST /api/polls/{pid}/votes with {case}")
    assert h.vote_rows() == 0, f"rule 5: POST /api/polls/{pid}/votes with {case} saved a vote"
    assert h.notified == [], f"rule 7: a refused vote ({case}) called notify({h.notified[0]})"


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/polls/42", 404),
    ("GET", "/api/no-such-thing", 404),
    ("GET", "/api/polls/abc", 404),
    ("DELETE", "/api/polls", 405),
    ("GET", "/api/polls/1/votes", 405),
])
def test_api_errors_are_json_even_flasks_own(make_app, method, path, status):
    h = make_app()
    h.seed("Tea or coffee?", ["Tea", "Coffee"])
    _json_error(h.request(method, path), status, f"{method} {path}")


# --- rule 7: notify --------------------------------------------------------------------------

def test_notify_once_after_each_accepted_vote_with_the_poll(make_app):
    h = make_app()
    poll = h.seed("Tea or coffee?", ["Tea", "Coffee"])
    pid, tea, coffee = poll["id"], poll["choices"][0]["id"], poll["choices"][1]["id"]
    h.request("POST", f"/polls/{pid}/vote", data={"choice": str(tea)})
    assert len(h.notified) == 1, (
        f"rule 7: a form vote should call notify(poll) exactly once, it was called "
        f"{len(h.notified)} times")
    assert h.notified[0] == h.poll(pid), (
        f"rule 7: notify() got {h.notified[0]}, expected the poll after the vote, {h.poll(pid)}")
    assert h.saved_when_notified[0] == 1, (
        "rule 7: notify() was called before the vote was saved: call it with what "
        "cast_vote() returned")
    response = h.request("POST", f"/api/polls/{pid}/votes", json={"choice_id": coffee})
    assert len(h.notified) == 2, (
        f"rule 7: an API vote should call notify(poll) exactly once; after a form vote and an "
        f"API vote it was called {len(h.notified)} times")
    assert h.notified[1] == response.get_json(silent=True) == h.poll(pid), (
        f"rule 7: notify() got {h.notified[1]}, expected the poll after the vote, {h.poll(pid)}")
    assert h.saved_when_notified[1] == 2, (
        "rule 7: notify() was called before the API vote was saved")


def test_without_notify_votes_still_work(make_app):
    h = make_app(notify=False)
    poll = h.seed("Tea or coffee?", ["Tea", "Coffee"])
    pid, tea = poll["id"], poll["choices"][0]["id"]
    form = h.request("POST", f"/polls/{pid}/vote", data={"choice": str(tea)})
    _see_other(form, f"POST /polls/{pid}/vote (notify=None)", f"/polls/{pid}", "rule 7")
    api = h.request("POST", f"/api/polls/{pid}/votes", json={"choice_id": tea})
    assert api.status_code == 201, (
        f"rule 7: with notify=None (nobody listens) an API vote should still answer 201, got "
        f"{api.status_code}")
    assert h.vote_rows() == 2, f"rule 7: with notify=None, {h.vote_rows()} of 2 votes saved"


# --- rule 8: under gunicorn gthread ----------------------------------------------------------

def _post_vote(port: int, poll_id: int, choice_id: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", f"/polls/{poll_id}/vote",
                     body=urllib.parse.urlencode({"choice": choice_id}),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def test_concurrent_votes_under_gunicorn_gthread_are_all_counted(
        exercise_file, make_app):
    h = make_app(notify=False)              # your app builds in this process first
    poll = h.seed("Counted under load?", ["yes", "no"])
    choices = [c["id"] for c in poll["choices"]]
    env = {"POLLS_STORE_FILE": str(Path(h.store.__file__)),
           "POLLS_PAGES_FILE": str(exercise_file), "POLLS_DB": str(h.db)}
    try:
        server = servers.gunicorn("wsgi_entry:app", chdir=HERE, workers=2,
                                  worker_class="gthread", threads=4, env=env)
    except servers.ServerError as exc:
        pytest.fail(f"rule 8: gunicorn could not start your app: {exc}", pytrace=False)
    with server:
        deadline = time.monotonic() + 15
        while not _healthy(server.port):
            assert server.alive and time.monotonic() < deadline, (
                f"rule 8: under gunicorn, GET /healthz never answered 200:\n{server.output()}")
            time.sleep(0.05)   # polling interval while the workers boot
        statuses: list[int | str] = []
        lock = threading.Lock()
        go = threading.Barrier(THREADS)

        def voter(n: int) -> None:
            go.wait()
            for k in range(VOTES_EACH):
                try:
                    status: int | str = _post_vote(server.port, poll["id"],
                                                   choices[(n + k) % 2])
                except OSError as exc:
                    status = f"{type(exc).__name__}: {exc}"
                with lock:
                    statuses.append(status)

        threads = [threading.Thread(target=voter, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        total = THREADS * VOTES_EACH
        bad = [s for s in statuses if s != 303]
        assert not bad and len(statuses) == total, (
            f"rule 8: {len(bad)} of {total} concurrent form votes under gunicorn gthread "
            f"(2 workers x 4 threads) did not answer 303: {sorted(map(str, bad))[:5]} -- "
            f"a connection per request, never one shared by threads.\n"
            f"{server.output()[-1500:]}")
    counted = sum(c["votes"] for c in h.poll(poll["id"])["choices"])
    assert counted == total == h.vote_rows(), (
        f"rule 8: {total} votes answered 303 but the poll counts {counted} "
        f"({h.vote_rows()} vote rows)")
