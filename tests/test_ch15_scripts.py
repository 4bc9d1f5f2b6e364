"""Chapter 15's script and modules: run_all.py brings the app up and takes it all down.

``run_all.py`` starts nginx, gunicorn (``wsgi_entry.py``) and uvicorn through ``stack.py``;
Ctrl-C must stop every one of them -- no process may outlive the demo.
"""

from __future__ import annotations

import json
import signal
import urllib.request
from pathlib import Path

import psutil

from course import servers
from course.modules import load_path

CODE = Path(__file__).resolve().parent.parent / "code" / "15_capstone_workshop"


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_ch15_run_all_serves_the_demo_and_ctrl_c_stops_every_process():
    with servers.script(CODE / "run_all.py", ready_timeout=60) as demo:
        output = demo.output()
        assert f"Listening on {demo.url}" in output, output
        status, page = get(f"{demo.url}/polls/1")
        assert status == 200 and b"Which server runs your WSGI app" in page, page[:300]
        status, script = get(f"{demo.url}/static/live.js")
        assert status == 200 and b"/live/ws/" in script
        vote = urllib.request.Request(f"{demo.url}/api/polls/1/votes", method="POST",
                                      data=json.dumps({"choice_id": 1}).encode(),
                                      headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(vote, timeout=10) as response:
            assert response.status == 201
            assert json.loads(response.read())["choices"][0]["votes"] == 1
        family = psutil.Process(demo.pid).children(recursive=True)
        names = " ".join(" ".join(p.cmdline()) for p in family)
        assert "nginx" in names and "gunicorn" in names and "uvicorn" in names, names

        demo.send_signal(signal.SIGINT)            # Ctrl-C
        exit_code = demo.proc.wait(timeout=30)
        assert exit_code == 0, demo.output()
        assert "stopped." in demo.output()
        _, still_running = psutil.wait_procs(family, timeout=5)
        assert not still_running, f"outlived run_all.py: {still_running}"


def test_ch15_wsgi_entry_builds_the_pages_app_from_the_stage_files(tmp_path, monkeypatch):
    solutions = CODE.parent.parent / "solutions" / "15_capstone_workshop"
    store = load_path(solutions / "ex2_store.py", "ch15_test_store")
    connection = store.connect(tmp_path / "polls.db")
    store.migrate(connection)
    store.create_poll(connection, "Entry point?", ["yes", "no"])
    connection.close()
    monkeypatch.setenv("POLLS_STORE_FILE", str(solutions / "ex2_store.py"))
    monkeypatch.setenv("POLLS_PAGES_FILE", str(solutions / "ex3_pages.py"))
    monkeypatch.setenv("POLLS_NOTIFY_FILE", str(solutions / "ex5_notify.py"))
    monkeypatch.setenv("POLLS_PUBLISH_URL", f"http://127.0.0.1:{servers.free_port()}/x")
    monkeypatch.setenv("POLLS_DB", str(tmp_path / "polls.db"))
    entry = load_path(CODE / "wsgi_entry.py", "ch15_test_wsgi_entry", reuse=False)
    client = entry.app.test_client()
    response = client.get("/api/polls/1")
    assert response.status_code == 200 and response.json["question"] == "Entry point?"
    response = client.post("/api/polls/1/votes", json={"choice_id": 1})  # live service down:
    assert response.status_code == 201, response.data                    # the vote still counts
