"""Mistake: counts votes with an inner JOIN.

A choice nobody voted for has no vote row to join: it vanishes from the poll.

See the stub in ``exercises/15_capstone_workshop/ex2_store.py`` for the rules.
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
    """A connection to the polls database at ``path``, set up as the rules say."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 5000")     # first: WAL below may wait for a lock
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _migrations(migrations_dir: Path) -> list[tuple[int, Path]]:
    found = []
    for path in Path(migrations_dir).iterdir():
        match = MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def migrate(conn: sqlite3.Connection, migrations_dir: str | Path = MIGRATIONS_DIR) -> int:
    """Apply the migrations newer than the database's version; return the version reached."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, path in _migrations(Path(migrations_dir)):
        if number <= version:
            continue
        sql = path.read_text(encoding="utf-8")
        try:
            # one transaction: the file's statements and the new version, or nothing
            conn.executescript(f"BEGIN;\n{sql}\n;\nPRAGMA user_version = {number};\nCOMMIT;")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        version = number
    return version


def _clean_text(value: object, what: str, longest: int) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError(f"{what} is empty")
    if len(text) > longest:
        raise ValueError(f"{what} is longer than {longest} characters")
    return text


def create_poll(conn: sqlite3.Connection, question: str, choices: list[str]) -> dict:
    """Validate, then save a poll and its choices in one transaction; return the poll."""
    question = _clean_text(question, "the question", MAX_QUESTION)
    if not isinstance(choices, list):
        raise ValueError("choices must be a list of strings")
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise ValueError(f"a poll has {MIN_CHOICES} to {MAX_CHOICES} choices, "
                         f"not {len(choices)}")
    texts = [_clean_text(choice, f"choice {n}", MAX_CHOICE)
             for n, choice in enumerate(choices, 1)]
    if len({text.casefold() for text in texts}) != len(texts):
        raise ValueError("two choices are the same")
    conn.execute("BEGIN IMMEDIATE")
    try:
        poll_id = conn.execute("INSERT INTO poll (question) VALUES (?)", (question,)).lastrowid
        conn.executemany(
            "INSERT INTO choice (poll_id, position, text) VALUES (?, ?, ?)",
            [(poll_id, position, text) for position, text in enumerate(texts)])
        poll = _read_poll(conn, poll_id)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    assert poll is not None
    return poll


def list_polls(conn: sqlite3.Connection) -> list[dict]:
    """Every poll, newest first: ``{"id", "question", "votes"}`` (votes: its total)."""
    rows = conn.execute(
        """SELECT poll.id, poll.question, count(vote.id) AS votes
           FROM poll
           LEFT JOIN choice ON choice.poll_id = poll.id
           LEFT JOIN vote ON vote.choice_id = choice.id
           GROUP BY poll.id
           ORDER BY poll.id DESC""").fetchall()
    return [{"id": row["id"], "question": row["question"], "votes": row["votes"]}
            for row in rows]


def _read_poll(conn: sqlite3.Connection, poll_id: int) -> dict | None:
    row = conn.execute("SELECT id, question FROM poll WHERE id = ?", (poll_id,)).fetchone()
    if row is None:
        return None
    choices = conn.execute(
        """SELECT choice.id, choice.text, count(vote.id) AS votes
           FROM choice JOIN vote ON vote.choice_id = choice.id
           WHERE choice.poll_id = ?
           GROUP BY choice.id
           ORDER BY choice.position""", (poll_id,)).fetchall()
    return {"id": row["id"], "question": row["question"],
            "choices": [{"id": c["id"], "text": c["text"], "votes": c["votes"]}
                        for c in choices]}


def get_poll(conn: sqlite3.Connection, poll_id: int) -> dict | None:
    """The poll dict, or None when there is no such poll."""
    return _read_poll(conn, poll_id)


def cast_vote(conn: sqlite3.Connection, poll_id: int, choice_id: int) -> dict:
    """Record one vote (one new row); return the poll as it is right after this vote."""
    # IMMEDIATE: take the write lock before reading, so the check, the insert and the read
    # of the counts see one state of the database (a plain BEGIN reads first, and in WAL mode
    # its upgrade to a writer fails with "database is locked" if another writer got in).
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT 1 FROM poll WHERE id = ?", (poll_id,)).fetchone() is None:
            raise UnknownPoll(f"no poll {poll_id}")
        owner = conn.execute("SELECT poll_id FROM choice WHERE id = ?", (choice_id,)).fetchone()
        if owner is None or owner["poll_id"] != poll_id:
            raise UnknownChoice(f"choice {choice_id} is not a choice of poll {poll_id}")
        conn.execute("INSERT INTO vote (choice_id) VALUES (?)", (choice_id,))
        poll = _read_poll(conn, poll_id)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    assert poll is not None
    return poll
