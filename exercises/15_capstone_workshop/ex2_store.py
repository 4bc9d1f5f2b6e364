"""Exercise 15.2 -- the polls store: SQLite in WAL mode, migrations, one row per vote.

Only the WSGI half of the app touches the database, and it does so from many threads (gunicorn
gthread) and several processes at once.  SQLite handles that if each thread has its own
connection and each connection is set up right.  The schema comes from the SQL files in
``code/15_capstone_workshop/migrations/`` (``0001_polls.sql``: tables ``poll`` and ``choice``;
``0002_votes.sql``: table ``vote``, one row per vote).  Read them first.

The poll dict -- the one JSON shape of the whole app (API answers, live messages)::

    {"id": 1, "question": "Tabs or spaces?",
     "choices": [{"id": 1, "text": "Tabs", "votes": 3}, {"id": 2, "text": "Spaces", "votes": 5}]}

The rules:

1. ``connect(path)`` returns a new ``sqlite3.Connection`` opened with
   ``isolation_level=None`` (autocommit: you write ``BEGIN``/``COMMIT`` yourself) and
   ``check_same_thread=False``, with ``row_factory = sqlite3.Row``, and these pragmas:
   ``journal_mode=WAL`` (readers and the writer no longer block each other),
   ``foreign_keys=ON`` (SQLite's default is OFF, for every new connection) and
   ``busy_timeout=5000`` (a writer waits up to 5 s for the lock instead of failing at once
   with "database is locked"; ``sqlite3.connect``'s ``timeout`` argument -- seconds, 5.0 by
   default -- sets the same number: make sure it ends up 5000 ms).
2. ``migrate(conn, migrations_dir=MIGRATIONS_DIR)``: a migration is a file ``NNNN_name.sql``
   (other files are ignored); the database's version is ``PRAGMA user_version`` (0 for a new
   file).  Apply every migration whose number is higher than the version, in number order,
   and return the version reached.  Run again, it applies nothing (and returns the same
   version).
3. Each migration is atomic: its statements and ``PRAGMA user_version = N`` commit together
   in one transaction.  If a statement fails, roll back -- the schema and the version stay
   as the previous migration left them, and the connection is not left inside a
   transaction -- and re-raise the ``sqlite3.Error``.
4. ``create_poll(conn, question, choices)`` strips surrounding spaces from the question and
   each choice and raises ``ValueError`` -- before writing anything -- when the question is
   not a string, empty or longer than ``MAX_QUESTION`` characters; when ``choices`` is not a
   list, or has fewer than ``MIN_CHOICES`` or more than ``MAX_CHOICES`` items; when a choice
   is not a string, empty or longer than ``MAX_CHOICE``; when two choices are the same
   (ignoring case: "Tabs" and "tabs").  Otherwise it saves the poll and its choices (their
   ``position`` in the order given) in one transaction and returns the poll dict.
5. ``get_poll(conn, poll_id)`` returns the poll dict (choices in position order, each with
   its number of votes, 0 included) or ``None``.  ``list_polls(conn)`` returns
   ``[{"id", "question", "votes"}, …]``, newest poll first, ``votes`` being its total.
6. ``cast_vote(conn, poll_id, choice_id)`` inserts ONE row into ``vote`` and returns the
   poll dict as it is right after this vote: read it inside the same transaction, before
   ``COMMIT``, so that a vote another client casts a moment later is not in it.
7. A poll that does not exist raises ``UnknownPoll``; a choice that is not one of *this*
   poll's choices (another poll's, or none at all) raises ``UnknownChoice``.  Either way no
   row is written and the connection is not left inside a transaction.
8. Concurrent votes are all counted: 8 threads, each with its own connection, casting 25
   votes each at the same time make 200 rows, and not one "database is locked".  Take the
   write lock *before* you read (``BEGIN IMMEDIATE``): a plain ``BEGIN`` that reads first
   and writes later cannot wait for the lock when another writer got in between -- SQLite
   fails it at once, whatever the busy timeout.

Try it: ``python -m course check 15``.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from course.settings import ROOT

MIGRATIONS_DIR = ROOT / "code" / "15_capstone_workshop" / "migrations"
MIGRATION_NAME = re.compile(r"^(\d{4})_\w+\.sql$")

MAX_QUESTION = 200
MAX_CHOICE = 100
MIN_CHOICES = 2
MAX_CHOICES = 10


class UnknownPoll(LookupError):
    """No poll has this id."""


class UnknownChoice(ValueError):
    """This choice id is not one of the poll's choices."""


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection to the polls database at ``path``, set up as rule 1 says."""
    raise NotImplementedError("exercise 15.2: open the connection, then the three pragmas")


def migrate(conn: sqlite3.Connection, migrations_dir: str | Path = MIGRATIONS_DIR) -> int:
    """Apply the migrations newer than the database's version; return the version reached."""
    raise NotImplementedError("exercise 15.2: compare PRAGMA user_version with the files, "
                              "apply each newer one atomically")


def create_poll(conn: sqlite3.Connection, question: str, choices: list[str]) -> dict:
    """Validate, then save a poll and its choices in one transaction; return the poll."""
    raise NotImplementedError("exercise 15.2: validate, insert the poll and its choices")


def list_polls(conn: sqlite3.Connection) -> list[dict]:
    """Every poll, newest first: ``{"id", "question", "votes"}`` (votes: its total)."""
    raise NotImplementedError("exercise 15.2: one query, newest first, with vote totals")


def get_poll(conn: sqlite3.Connection, poll_id: int) -> dict | None:
    """The poll dict, or None when there is no such poll."""
    raise NotImplementedError("exercise 15.2: the poll and its choices with their votes")


def cast_vote(conn: sqlite3.Connection, poll_id: int, choice_id: int) -> dict:
    """Record one vote (one new row); return the poll as it is right after this vote."""
    raise NotImplementedError("exercise 15.2: BEGIN IMMEDIATE, check, insert, read, COMMIT")
