"""Graded tests for exercise 15.2: the SQLite store (WAL, migrations, votes, validation)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from functools import partial

import pytest

from course.settings import ROOT

MIGRATIONS = ROOT / "code" / "15_capstone_workshop" / "migrations"
THREADS, VOTES_EACH = 8, 25

# a third migration that fails half-way: its first statement works, its second does not
BROKEN_MIGRATION = """
CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO no_such_table (name) VALUES ('oops');
"""


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows}


def _version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _vote_rows(db) -> list[int]:
    """The choice_id of every vote row, read with a connection of our own."""
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT choice_id FROM vote ORDER BY id")]


def _refused(call, expected: type[Exception], what: str, rule: str) -> None:
    """``call()`` must raise ``expected``; anything else fails the test with ``what``."""
    try:
        call()
    except expected:
        return
    except Exception as exc:
        raise AssertionError(f"{what}: expected {expected.__name__}, got "
                             f"{type(exc).__name__}: {exc}") from None
    raise AssertionError(f"{what} was accepted: raise {expected.__name__} -- {rule}")


def _migrated(exercise, tmp_path, name: str = "polls.db"):
    db = tmp_path / name
    conn = exercise.connect(db)
    try:
        exercise.migrate(conn)
    except sqlite3.Error as exc:
        conn.close()
        pytest.fail(f"migrate() on a new database raised {type(exc).__name__}: {exc}",
                    pytrace=False)
    return db, conn


@pytest.fixture
def store(exercise, tmp_path):
    """(db path, a migrated connection) -- closed at the end."""
    db, conn = _migrated(exercise, tmp_path)
    yield db, conn
    conn.close()


# --- rule 1: connect -------------------------------------------------------------------------

def test_connect_uses_wal(exercise, tmp_path):
    conn = exercise.connect(tmp_path / "polls.db")
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()
    assert mode.lower() == "wal", (
        f"PRAGMA journal_mode is {mode!r}, expected 'wal': in WAL mode readers never block the "
        "writer (and the writer never blocks readers) -- run PRAGMA journal_mode=WAL in connect()")


def test_connect_turns_foreign_keys_on(exercise, tmp_path):
    conn = exercise.connect(tmp_path / "polls.db")
    try:
        on = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    finally:
        conn.close()
    assert on == 1, (
        "PRAGMA foreign_keys is 0: SQLite ignores REFERENCES unless each connection turns "
        "PRAGMA foreign_keys=ON (a choice of a deleted poll would stay behind)")


def test_connect_waits_for_the_write_lock(exercise, tmp_path):
    conn = exercise.connect(tmp_path / "polls.db")
    try:
        timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    finally:
        conn.close()
    assert timeout == 5000, (
        f"PRAGMA busy_timeout is {timeout}, expected 5000 (ms): with 0 a writer that finds the "
        "database locked fails at once with 'database is locked' instead of waiting its turn "
        "(sqlite3.connect's timeout argument, in seconds, sets it too)")


def test_connect_is_autocommit_rows_and_any_thread(exercise, tmp_path):
    conn = exercise.connect(tmp_path / "polls.db")
    try:
        assert conn.isolation_level is None, (
            f"isolation_level is {conn.isolation_level!r}, expected None: autocommit, so that "
            "your own BEGIN IMMEDIATE / COMMIT decide where transactions start and end")
        assert conn.row_factory is sqlite3.Row, (
            f"row_factory is {conn.row_factory!r}, expected sqlite3.Row (rows by column name)")
        seen: list[object] = []

        def use() -> None:
            try:
                seen.append(conn.execute("SELECT 42").fetchone()[0])
            except sqlite3.Error as exc:
                seen.append(exc)
        thread = threading.Thread(target=use)
        thread.start()
        thread.join(10)
        assert seen == [42], (
            f"using the connection from another thread gave {seen}: open it with "
            "check_same_thread=False (a WSGI server may end a request on another thread than "
            "the one that began it)")
    finally:
        conn.close()


# --- rules 2 and 3: migrations ---------------------------------------------------------------

def test_migrate_a_new_database_reaches_version_2(exercise, tmp_path):
    conn = exercise.connect(tmp_path / "polls.db")
    try:
        reached = exercise.migrate(conn)
        assert reached == 2, f"migrate() returned {reached!r}, expected 2 (the highest NNNN)"
        assert _version(conn) == 2, (
            f"PRAGMA user_version is {_version(conn)} after migrating, expected 2: set it in "
            "each migration's transaction, it is how the next run knows what is done")
        missing = {"poll", "choice", "vote"} - _tables(conn)
        assert not missing, f"after migrate() the tables {sorted(missing)} do not exist"
    finally:
        conn.close()


def test_migrate_twice_is_a_no_op(exercise, store):
    db, conn = store
    with sqlite3.connect(db) as other:
        other.execute("INSERT INTO poll (question) VALUES ('still here?')")
    try:
        again = exercise.migrate(conn)
    except sqlite3.Error as exc:
        raise AssertionError(
            f"the second migrate() raised {type(exc).__name__}: {exc} -- it ran the migrations "
            "again: apply only the files numbered higher than PRAGMA user_version") from None
    assert again == 2, f"the second migrate() returned {again!r}, expected 2"
    rows = conn.execute("SELECT question FROM poll").fetchall()
    assert [row[0] for row in rows] == ["still here?"], (
        f"a second migrate() changed the data: polls are now {[tuple(r) for r in rows]}")


def test_migrate_from_version_1_applies_only_the_rest(exercise, tmp_path):
    only_first = tmp_path / "only_first"
    only_first.mkdir()
    shutil.copy(MIGRATIONS / "0001_polls.sql", only_first)
    conn = exercise.connect(tmp_path / "polls.db")
    try:
        assert exercise.migrate(conn, only_first) == 1, "with only 0001_polls.sql: version 1"
        assert _version(conn) == 1, f"PRAGMA user_version is {_version(conn)}, expected 1"
        try:
            reached = exercise.migrate(conn, MIGRATIONS)
        except sqlite3.Error as exc:
            raise AssertionError(
                f"migrating a version-1 database raised {type(exc).__name__}: {exc} -- apply "
                "only the migrations numbered higher than PRAGMA user_version") from None
        assert reached == 2 and _version(conn) == 2, (
            f"a version-1 database: migrate() returned {reached}, user_version "
            f"{_version(conn)}; expected 2 and 2")
        assert "vote" in _tables(conn), "0002_votes.sql was not applied: no table vote"
    finally:
        conn.close()


def test_a_failing_migration_changes_nothing(exercise, tmp_path):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations)
    (migrations / "0003_tags.sql").write_text(BROKEN_MIGRATION)
    (migrations / "notes.txt").write_text("not a migration: ignored\n")
    db = tmp_path / "polls.db"
    conn = exercise.connect(db)
    try:
        with pytest.raises(sqlite3.Error) as raised:
            exercise.migrate(conn, migrations)
        assert "no_such_table" in str(raised.value), (
            f"expected 0003_tags.sql's own error (no such table: no_such_table), got "
            f"{raised.value!r}")
        assert not conn.in_transaction, (
            "after the failed migration the connection is still inside a transaction: "
            "ROLLBACK before re-raising")
        assert _version(conn) == 2, (
            f"PRAGMA user_version is {_version(conn)} after 0003 failed, expected 2: "
            "0001 and 0002 are done, 0003 is not")
        assert "tag" not in _tables(conn), (
            "0003_tags.sql failed on its 2nd statement but its table tag exists: a migration "
            "must be atomic -- BEGIN; its SQL; PRAGMA user_version = 3; COMMIT -- and rolled "
            "back on error")
    finally:
        conn.close()
    with sqlite3.connect(db) as other:
        assert _version(other) == 2 and "tag" not in _tables(other), (
            "another connection sees the half-done migration 0003 (table tag or version 3)")


# --- rules 4 and 5: polls --------------------------------------------------------------------

def _shape(poll) -> str:
    return repr(poll)[:400]


def test_create_and_get_a_poll(exercise, store):
    db, conn = store
    poll = exercise.create_poll(conn, "  Tabs or spaces? ", ["Tabs ", " Spaces", "Both"])
    assert isinstance(poll, dict) and isinstance(poll.get("id"), int), (
        f"create_poll() must return the poll dict with an int id, got {_shape(poll)}")
    choice_ids = [c.get("id") for c in poll.get("choices", [])]
    assert len(choice_ids) == 3, (
        f"create_poll() with 3 choices returned {len(choice_ids)} of them: {_shape(poll)} -- "
        "every choice is listed, one with no votes too (0 votes: a LEFT JOIN, not a JOIN)")
    expected = {"id": poll["id"], "question": "Tabs or spaces?",
                "choices": [{"id": choice_ids[0], "text": "Tabs", "votes": 0},
                            {"id": choice_ids[1], "text": "Spaces", "votes": 0},
                            {"id": choice_ids[2], "text": "Both", "votes": 0}]}
    assert poll == expected, (
        f"create_poll() returned {_shape(poll)}\nexpected (spaces stripped, choices in the "
        f"order given, 0 votes each) {expected}")
    assert len(set(choice_ids)) == 3 and all(isinstance(i, int) for i in choice_ids), (
        f"choice ids must be distinct ints, got {choice_ids}")
    got = exercise.get_poll(conn, poll["id"])
    assert got == expected, f"get_poll() returned {_shape(got)}, expected {expected}"
    assert exercise.get_poll(conn, poll["id"] + 1000) is None, (
        "get_poll() of an id no poll has must return None")


def test_choices_keep_their_position_and_count_their_votes(exercise, store):
    db, conn = store
    poll = exercise.create_poll(conn, "Best fruit?", ["Zucchini", "apple", "Mango"])
    zucchini, apple, mango = (c["id"] for c in poll["choices"])
    for choice in (mango, mango, zucchini):
        exercise.cast_vote(conn, poll["id"], choice)
    got = exercise.get_poll(conn, poll["id"])
    pairs = [(c["text"], c["votes"]) for c in got["choices"]]
    assert pairs == [("Zucchini", 1), ("apple", 0), ("Mango", 2)], (
        f"get_poll() choices are {pairs}, expected [('Zucchini', 1), ('apple', 0), "
        "('Mango', 2)]: position order (not by text, not by votes), and a choice with no "
        "votes is listed with 0 (a LEFT JOIN, not a JOIN)")


def test_list_polls_newest_first_with_their_totals(exercise, store):
    db, conn = store
    assert exercise.list_polls(conn) == [], "no polls yet: list_polls() must return []"
    first = exercise.create_poll(conn, "First?", ["a", "b"])
    second = exercise.create_poll(conn, "Second?", ["c", "d"])
    third = exercise.create_poll(conn, "Third?", ["e", "f"])
    exercise.cast_vote(conn, first["id"], first["choices"][0]["id"])
    exercise.cast_vote(conn, first["id"], first["choices"][1]["id"])
    exercise.cast_vote(conn, third["id"], third["choices"][1]["id"])
    got = exercise.list_polls(conn)
    expected = [{"id": third["id"], "question": "Third?", "votes": 1},
                {"id": second["id"], "question": "Second?", "votes": 0},
                {"id": first["id"], "question": "First?", "votes": 2}]
    assert got == expected, (
        f"list_polls() returned {got}\nexpected newest first, each with its total votes "
        f"(0 included): {expected}")


GOOD_QUESTION = "Tabs or spaces?"
GOOD_CHOICES = ["Tabs", "Spaces"]
BAD_INPUTS = [
    ("an empty question", "", GOOD_CHOICES),
    ("a question of spaces", "   ", GOOD_CHOICES),
    ("a question of 201 characters", "q" * 201, GOOD_CHOICES),
    ("a question that is not a string", 42, GOOD_CHOICES),
    ("one choice", GOOD_QUESTION, ["Tabs"]),
    ("11 choices", GOOD_QUESTION, [f"choice {n}" for n in range(11)]),
    ("choices as one string", GOOD_QUESTION, "Tabs\nSpaces"),
    ("an empty choice", GOOD_QUESTION, ["Tabs", ""]),
    ("a choice of spaces", GOOD_QUESTION, ["Tabs", "   "]),
    ("a choice of 101 characters", GOOD_QUESTION, ["Tabs", "c" * 101]),
    ("a choice that is not a string", GOOD_QUESTION, ["Tabs", 3]),
    ("the same choice twice", GOOD_QUESTION, ["Tabs", "Spaces", "Tabs"]),
    ("the same choice in another case", GOOD_QUESTION, ["Tabs", "tabs"]),
    ("the same choice with spaces around", GOOD_QUESTION, ["Tabs", " Tabs "]),
]


def test_create_poll_refuses_bad_input_and_writes_nothing(exercise, store):
    db, conn = store
    accepted = []
    for what, question, choices in BAD_INPUTS:
        try:
            exercise.create_poll(conn, question, choices)
        except ValueError:
            continue
        accepted.append(what)
    assert not accepted, (
        f"create_poll() accepted {', '.join(accepted)}: each must raise ValueError (rule 4)")
    left = exercise.list_polls(conn)
    assert left == [], (
        f"refused polls were saved anyway: {left} -- validate everything before writing")
    with sqlite3.connect(db) as other:
        choices = other.execute("SELECT count(*) FROM choice").fetchone()[0]
    assert choices == 0, f"refused polls left {choices} choice rows behind"


def test_create_poll_accepts_the_limits(exercise, store):
    db, conn = store
    cases = [("q" * 200, GOOD_CHOICES), (GOOD_QUESTION, [f"choice {n}" for n in range(10)]),
             (GOOD_QUESTION, ["c" * 100, "Spaces"])]
    for question, choices in cases:
        try:
            poll = exercise.create_poll(conn, question, choices)
        except ValueError as exc:
            raise AssertionError(
                f"create_poll() refused a valid poll ({len(question)}-character question, "
                f"{len(choices)} choices, longest {max(map(len, choices))}): {exc}") from None
        assert len(poll["choices"]) == len(choices)


# --- rules 6 and 7: votes --------------------------------------------------------------------

def test_each_vote_is_one_row_and_returns_the_poll_after_it(exercise, store):
    db, conn = store
    poll = exercise.create_poll(conn, "Tea or coffee?", ["Tea", "Coffee"])
    tea, coffee = (c["id"] for c in poll["choices"])
    after = None
    for choice in (coffee, tea, coffee):
        after = exercise.cast_vote(conn, poll["id"], choice)
    assert _vote_rows(db) == [coffee, tea, coffee], (
        f"the vote table holds choice ids {_vote_rows(db)}, expected one row per vote: "
        f"{[coffee, tea, coffee]}")
    expected = {"id": poll["id"], "question": "Tea or coffee?",
                "choices": [{"id": tea, "text": "Tea", "votes": 1},
                            {"id": coffee, "text": "Coffee", "votes": 2}]}
    assert after == expected, (
        f"cast_vote() returned {_shape(after)}, expected the poll after the vote: {expected}")


def test_the_returned_poll_is_read_before_commit(exercise, store):
    db, conn = store
    poll = exercise.create_poll(conn, "Tea or coffee?", ["Tea", "Coffee"])
    tea, coffee = (c["id"] for c in poll["choices"])
    other = sqlite3.connect(db, isolation_level=None)
    state = {"committed": False, "sneaked": False}

    def after_commit_someone_votes(sql: str) -> None:
        # another client's vote lands the moment this vote is committed
        if state["committed"] and not state["sneaked"]:
            state["sneaked"] = True
            other.execute("INSERT INTO vote (choice_id) VALUES (?)", (coffee,))
        if sql.lstrip().upper().startswith(("COMMIT", "END")):
            state["committed"] = True

    conn.set_trace_callback(after_commit_someone_votes)
    try:
        after = exercise.cast_vote(conn, poll["id"], tea)
    finally:
        conn.set_trace_callback(None)
        other.close()
    votes = {c["text"]: c["votes"] for c in after["choices"]}
    assert votes == {"Tea": 1, "Coffee": 0}, (
        f"cast_vote() returned the votes {votes}, expected {{'Tea': 1, 'Coffee': 0}}: it read "
        "the poll after COMMIT, and another client's vote, cast after this one, is in it. "
        "Read the poll inside the transaction, before COMMIT (rule 6): each vote's answer "
        "(and its live update) must show the count right after *that* vote")


def test_a_choice_of_another_poll_is_refused(exercise, store):
    db, conn = store
    tabs = exercise.create_poll(conn, "Tabs or spaces?", ["Tabs", "Spaces"])
    tea = exercise.create_poll(conn, "Tea or coffee?", ["Tea", "Coffee"])
    for choice_id, what in ((tea["choices"][0]["id"], "a choice of another poll"),
                            (tea["choices"][1]["id"] + 1000, "a choice id that does not exist")):
        _refused(partial(exercise.cast_vote, conn, tabs["id"], choice_id),
                 exercise.UnknownChoice,
                 f"a vote in poll {tabs['id']} for {what}",
                 "a vote may only go to one of the poll's own choices (rule 7)")
        assert not conn.in_transaction, (
            f"after refusing {what} the connection is still inside a transaction (holding "
            "the write lock): ROLLBACK before raising")
    assert _vote_rows(db) == [], f"refused votes wrote rows: {_vote_rows(db)}"


def test_a_vote_for_an_unknown_poll_is_refused(exercise, store):
    db, conn = store
    poll = exercise.create_poll(conn, "Tabs or spaces?", ["Tabs", "Spaces"])
    _refused(lambda: exercise.cast_vote(conn, poll["id"] + 1000, poll["choices"][0]["id"]),
             exercise.UnknownPoll, f"a vote for poll {poll['id'] + 1000}, which does not exist",
             "(rule 7)")
    assert not conn.in_transaction, (
        "after refusing the vote the connection is still inside a transaction: ROLLBACK")
    assert _vote_rows(db) == [], f"the refused vote wrote rows: {_vote_rows(db)}"
    again = exercise.cast_vote(conn, poll["id"], poll["choices"][0]["id"])
    assert again["choices"][0]["votes"] == 1, "a good vote after a refused one is counted"


# --- rule 8: concurrency ---------------------------------------------------------------------

def test_concurrent_votes_on_their_own_connections_are_all_counted(exercise, store):
    db, conn = store
    poll = exercise.create_poll(conn, "Tabs or spaces?", ["Tabs", "Spaces"])
    choices = [c["id"] for c in poll["choices"]]
    start = threading.Barrier(THREADS)
    errors: list[str] = []
    totals: list[int] = []

    def voter(n: int) -> None:
        own = exercise.connect(db)
        try:
            start.wait(10)
            for k in range(VOTES_EACH):
                try:
                    after = exercise.cast_vote(own, poll["id"], choices[(n + k) % 2])
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                else:
                    totals.append(sum(c["votes"] for c in after["choices"]))
        finally:
            own.close()

    threads = [threading.Thread(target=voter, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(25)
    assert not any(thread.is_alive() for thread in threads), "the voting threads never finished"
    cast = THREADS * VOTES_EACH
    locked = [error for error in errors if "locked" in error]
    assert not locked, (
        f"{len(locked)} of {cast} concurrent votes failed with {locked[0]!r}: with "
        "busy_timeout a writer waits for the lock, but a transaction that read first (plain "
        "BEGIN) cannot wait -- take the write lock first with BEGIN IMMEDIATE (rule 8)")
    assert not errors, f"{len(errors)} of {cast} concurrent votes failed, e.g. {errors[0]!r}"
    rows = len(_vote_rows(db))
    counted = sum(c["votes"] for c in exercise.get_poll(conn, poll["id"])["choices"])
    assert rows == cast and counted == cast, (
        f"{THREADS} threads x {VOTES_EACH} votes = {cast}, but the vote table has {rows} rows "
        f"and get_poll() counts {counted}")
    assert sorted(totals) == list(range(1, cast + 1)), (
        "each vote's answer should show the total right after that vote (1, 2, … "
        f"{cast}, each once); got {len(set(totals))} distinct totals -- read the poll inside "
        "the vote's transaction")
