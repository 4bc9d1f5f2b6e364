"""One app, unchanged, under three ASGI servers: uvicorn, gunicorn's asgi worker, hypercorn.

Run it (a one-shot script; it starts and stops each server itself on a free port):

    python code/08_asgi_messages/three_servers.py

You should see one row per server: the command that served ``app_suite:app`` from this
folder, how many of ``check_server.py``'s checks passed, and a few scope values the
app saw (``asgi.spec_version``, whether lifespan ``state`` reached the request, the
optional ``extensions`` the server offers) and the ``server`` response header.  Every row
should say ``all ok``: the same
``async def app(scope, receive, send)`` runs under each server, because ASGI is the contract
between them.  The differences are in what each server adds (headers, spec version).
Daphne is included when it is installed (``pip install daphne``).  Daphne 4 does not
implement the lifespan protocol at all (its source never mentions it), so its row is checked
without the lifespan check and its ``state`` column says ``no lifespan``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # find `course` from a clone

from check_server import APP_SUITE, check_server  # noqa: E402 - this folder

from course import servers  # noqa: E402

PY = sys.executable
COMMANDS = {
    "uvicorn": [PY, "-m", "uvicorn", APP_SUITE, "--host", "{host}", "--port", "{port}"],
    "gunicorn -k asgi": [PY, "-m", "gunicorn", "-k", "asgi", "--workers", "1",
                         "--bind", "{host}:{port}", APP_SUITE],
    "hypercorn": [PY, "-m", "hypercorn", APP_SUITE, "--bind", "{host}:{port}"],
    "daphne": [PY, "-m", "daphne", "-b", "{host}", "-p", "{port}", APP_SUITE],
}
NO_LIFESPAN = {"daphne"}   # servers that never send lifespan.startup


def available(name: str) -> bool:
    module = name.split()[0]
    return importlib.util.find_spec(module) is not None


def one(name: str) -> dict:
    with servers.start(COMMANDS[name], cwd=HERE, name=name.split()[0]) as server:
        problems = check_server(server.url, lifespan=name not in NO_LIFESPAN)
        with urllib.request.urlopen(server.url + "/info", timeout=5) as response:
            seen = json.load(response)
            server_header = response.headers.get("server") or "(none)"
    return {"server": name, "problems": problems, "spec_version": seen.get("spec_version"),
            "state": ("no lifespan" if name in NO_LIFESPAN
                      else "yes" if (seen.get("state") or {}).get("lifespan") else "no"),
            "extensions": ("(no key)" if seen.get("extensions") is None
                           else ", ".join(seen["extensions"]) or "{} (empty)"),
            "server_header": server_header}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", nargs="*", default=list(COMMANDS),
                        help="which servers to try (default: all installed)")
    args = parser.parse_args()
    rows = []
    for name in args.servers:
        if not available(name):
            print(f"{name}: not installed, skipped", flush=True)
            continue
        print(f"{name}: starting, checking ...", flush=True)
        rows.append(one(name))
    print()
    print(f"{'server':<18} {'checks':<10} {'spec_version':<13} {'state':<12} "
          f"{'server header':<15} scope extensions")
    for row in rows:
        verdict = "all ok" if not row["problems"] else f"{len(row['problems'])} FAILED"
        print(f"{row['server']:<18} {verdict:<10} {str(row['spec_version']):<13} "
              f"{row['state']:<12} {row['server_header']:<15} {row['extensions']}")
    for row in rows:
        for problem in row["problems"]:
            print(f"  {row['server']}: {problem}")
    sys.exit(1 if any(row["problems"] for row in rows) else 0)


if __name__ == "__main__":
    main()
