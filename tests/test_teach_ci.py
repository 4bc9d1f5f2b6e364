"""The public repository's CI workflow: valid YAML, the README's test command, the matrix."""

from __future__ import annotations

import yaml

from course.grading import toc


def test_ci_workflow_runs_the_suite_on_linux_and_macos():
    doc = yaml.safe_load((toc.ROOT / ".github" / "workflows" / "ci.yml").read_text())
    assert {"push", "pull_request"} <= set(doc["on"])
    (job,) = doc["jobs"].values()
    matrix = job["strategy"]["matrix"]
    assert set(matrix["os"]) >= {"ubuntu-latest", "macos-latest"}
    assert [str(v) for v in matrix["python-version"]] == ["3.11", "3.12", "3.13"]
    assert job["runs-on"] == "${{ matrix.os }}"
    runs = [s.get("run", "") for s in job["steps"]]
    uses = [s.get("uses", "") for s in job["steps"]]
    assert any(u.startswith("actions/checkout@") for u in uses)
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "${{ matrix.python-version }}"
    install = next(i for i, r in enumerate(runs) if "pip install -r requirements-dev.txt" in r)
    lint = next(i for i, r in enumerate(runs) if "ruff check" in r and "mypy" in r)
    test = next(i for i, r in enumerate(runs) if r.strip() == "python -m pytest")
    assert install < lint < test


def test_local_ci_installs_the_dev_set_runs_the_gate_and_the_readme_command():
    run = (toc.ROOT / ".ci" / "run").read_text()
    readme = (toc.ROOT / "README.md").read_text()
    command = "python -m pip install -r requirements-dev.txt && python -m pytest"
    assert command in readme, "the README gives the test command"
    assert "pip install -q -r requirements-dev.txt" in run
    assert "ruff check ." in run and "mypy" in run
    assert "\npython -m pytest\n" in run, ".ci/run runs the README's test command"


def test_every_workflow_is_valid_yaml():
    for path in (toc.ROOT / ".github" / "workflows").glob("*.yml"):
        doc = yaml.safe_load(path.read_text())
        assert "jobs" in doc and ("on" in doc or True in doc), path.name
