"""``python -m course lab``: Jupyter Lab on the course index, as the learner's first minute.

What it does, and why:

* it opens ``notebooks/00_index.ipynb`` -- Jupyter's default URL is set to that page, and
  the URL printed (with the token this launch made) lands there too, not on the Launcher;
* it turns off JupyterLab's "get notified about Jupyter news?" prompt for this launch only,
  through a page config in ``.course/jupyter/`` added to ``JUPYTER_CONFIG_PATH`` (the
  learner's own Jupyter settings are not touched);
* it listens on 127.0.0.1 only, and on exactly the port asked for (a busy port is an error
  with a fix, rather than a silent move to another port that the printed URL would miss);
* it adds ``--allow-root`` when run as root (containers), which Jupyter otherwise refuses;
* it *replaces* this process with Jupyter (``exec``), so the pid a learner or a script sees
  is Jupyter's own: Ctrl-C or a SIGTERM to it stops Jupyter, and nothing is left behind.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import sys
from pathlib import Path

from course.cli.registry import command
from course.settings import ROOT

__all__ = ["INDEX", "lab_argv", "lab_env", "lab_url"]

INDEX = "notebooks/00_index.ipynb"
NEWS_PLUGIN = "@jupyterlab/apputils-extension:announcements"
CONFIG_DIR = ROOT / ".course" / "jupyter"


def _lab_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=8888, help="port on 127.0.0.1 (default 8888)")
    p.add_argument("--no-browser", action="store_true", help="print the URL, open nothing")
    p.add_argument("--dry-run", action="store_true", help="print the command, do not run it")


def lab_url(port: int, token: str) -> str:
    return f"http://127.0.0.1:{port}/lab/tree/{INDEX}?token={token}"


def lab_argv(args: argparse.Namespace, token: str = "") -> list[str]:
    argv = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={ROOT}",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={args.port}",
            "--ServerApp.port_retries=0", f"--ServerApp.default_url=/lab/tree/{INDEX}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if token:
        argv.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # Jupyter refuses to run as root without it
    if args.no_browser:
        argv.append("--no-browser")
    return argv


def lab_env(config_dir: Path = CONFIG_DIR) -> dict[str, str]:
    """The environment for this launch: the news prompt's plugin disabled in a page config."""
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    page_config = {"disabledExtensions": {NEWS_PLUGIN: True}}
    (labconfig / "page_config.json").write_text(json.dumps(page_config, indent=2) + "\n")
    search_path = [str(config_dir), os.environ.get("JUPYTER_CONFIG_PATH", "")]
    return {**os.environ, "JUPYTER_CONFIG_PATH": os.pathsep.join(p for p in search_path if p)}


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@command("lab", _lab_args)
def cmd_lab(args: argparse.Namespace) -> int:
    """Open the course in Jupyter Lab, on the course index (adds --allow-root as root)."""
    token = secrets.token_hex(16)
    argv = lab_argv(args, token)
    if args.dry_run:
        print("Would run:", " ".join(argv))
        return 0
    if not _port_is_free(args.port):
        print(f"error: port {args.port} on 127.0.0.1 is busy (another Jupyter?).\n"
              f"  Fix: python -m course lab --port {args.port + 1}", file=sys.stderr)
        return 2
    print("Starting Jupyter Lab on the course. Open this address if no browser opens:\n"
          f"\n    {lab_url(args.port, token)}\n\nStop it with Ctrl-C.", flush=True)
    os.chdir(ROOT)
    os.execve(sys.executable, argv, lab_env())  # this process becomes Jupyter
