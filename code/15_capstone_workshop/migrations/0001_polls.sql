-- A poll is a question with an ordered list of choices.
CREATE TABLE poll (
    id         INTEGER PRIMARY KEY,
    question   TEXT NOT NULL CHECK (length(question) BETWEEN 1 AND 200),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE choice (
    id       INTEGER PRIMARY KEY,
    poll_id  INTEGER NOT NULL REFERENCES poll (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text     TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 100),
    UNIQUE (poll_id, position)
);
