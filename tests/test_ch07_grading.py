"""Chapter 07's grader speaks nginx: a rejected config fails fast with nginx's own message."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFTEST = ROOT / "exercises" / "07_nginx_layer" / "conftest.py"

TEST = '''
import pytest

@pytest.fixture
def exercise_file(tmp_path):
    path = tmp_path / "ex_broken.conf"
    path.write_text(CONFIG)
    return path

def test_learner_config(start_backends, start_nginx):
    (app,) = start_backends("app")
    start_nginx(backend=f"127.0.0.1:{app.port}")
'''


def run_grader(tmp_path: Path, config: str) -> tuple[str, float]:
    """Run chapter 07's fixtures on `config` in a scratch directory; return (output, seconds)."""
    code_line = 'CODE = Path(__file__).resolve().parents[2] / "code" / "07_nginx_layer"'
    conftest = CONFTEST.read_text()
    assert code_line in conftest
    (tmp_path / "conftest.py").write_text(
        conftest.replace(code_line, f"CODE = Path({str(ROOT / 'code' / '07_nginx_layer')!r})"))
    (tmp_path / "test_learner.py").write_text(f"CONFIG = {config!r}\n" + TEST)
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-p", "no:xdist", "--rootdir", str(tmp_path), str(tmp_path)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    return out.stdout + out.stderr, time.monotonic() - started


def test_rejected_config_reports_nginx_error_with_line_number(tmp_path):
    broken = ("server {\n    listen 127.0.0.1:{{port}};\n"
              "    location / { proxy_pass http://{{backend}} }\n}\n")
    output, took = run_grader(tmp_path, broken)
    assert "1 failed" in output, output
    assert "nginx rejected the configuration" in output, output
    assert "in your config, line 3" in output, output
    assert took < 30, f"a rejected config should fail at once, not time out ({took:.0f} s)"


def test_unknown_placeholder_names_the_ones_you_can_use(tmp_path):
    typo = "server { listen 127.0.0.1:{{port}}; location / { proxy_pass http://{{backend_1}}; } }\n"
    output, _ = run_grader(tmp_path, typo)
    assert "{{backend_1}}" in output and "{{port}}, {{backend}}" in output, output
