"""gunicorn's way in to the pages app: ``gunicorn wsgi_entry:app`` (run by ``stack.py``).

The capstone's stages are separate files, so this module puts them together, reading which
files to use from the environment that ``PollsStack`` sets:

    POLLS_STORE_FILE   stage 2, the SQLite store         (ex2_store.py)
    POLLS_PAGES_FILE   stage 3, the Flask app factory    (ex3_pages.py)
    POLLS_NOTIFY_FILE  stage 5, the bridge to the live service (ex5_notify.py; optional)
    POLLS_PUBLISH_URL  where stage 5 posts each poll after a vote (nginx's internal listener)
    POLLS_DB           the SQLite database file (already migrated: deploying migrates, not the app)

Each gunicorn worker imports this module once, so each worker builds its own app.
"""

from __future__ import annotations

import os

from course.modules import load_path

store = load_path(os.environ["POLLS_STORE_FILE"], "polls_store")
pages = load_path(os.environ["POLLS_PAGES_FILE"], "polls_pages")

notify = None
notify_file = os.environ.get("POLLS_NOTIFY_FILE")
if notify_file:
    bridge = load_path(notify_file, "polls_notify")
    notify = bridge.make_notifier(os.environ["POLLS_PUBLISH_URL"])

app = pages.create_app(store, os.environ["POLLS_DB"], notify)
