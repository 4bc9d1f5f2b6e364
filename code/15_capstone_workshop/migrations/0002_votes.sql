-- One row per vote: counting rows keeps every vote (and when it was cast), and an INSERT
-- never conflicts with another writer's UPDATE of the same counter.
CREATE TABLE vote (
    id        INTEGER PRIMARY KEY,
    choice_id INTEGER NOT NULL REFERENCES choice (id) ON DELETE CASCADE,
    cast_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX vote_by_choice ON vote (choice_id);
