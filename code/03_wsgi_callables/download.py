"""Serve files for download: Content-Length from the file, wsgi.file_wrapper when offered.

    python code/03_wsgi_callables/download.py [--port 8000] [--root DIR]
    DOWNLOAD_ROOT=/some/dir gunicorn --chdir code/03_wsgi_callables download:app

The root directory defaults to this script's own directory, so try:

    curl -s http://127.0.0.1:8000/                 # the list of files
    curl -sOJ http://127.0.0.1:8000/hello.py       # saves hello.py (Content-Disposition)
    curl -sI http://127.0.0.1:8000/hello.py        # the headers only: length, type, name
    curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:8000/../secret   # 404

The file is returned as ``environ['wsgi.file_wrapper'](file, block_size)`` when the server
offers one (wsgiref and gunicorn both do; gunicorn can then use ``sendfile()``), else as an
iterator of blocks; either way the server calls ``close()`` on it, which closes the file.
Only plain file names inside the root are served: no ``/``, no leading dot.
"""
import mimetypes
import os
import sys
from pathlib import Path

from hello import serve

ROOT = Path(os.environ.get("DOWNLOAD_ROOT", Path(__file__).resolve().parent))
BLOCK = 64 * 1024


class FileBlocks:
    """Fallback when the server has no wsgi.file_wrapper: iterate blocks, close the file."""

    def __init__(self, file, block_size: int = BLOCK) -> None:
        self.file, self.block_size = file, block_size

    def __iter__(self):
        while block := self.file.read(self.block_size):
            yield block

    def close(self) -> None:
        self.file.close()


def _text(start_response, status: str, text: str):
    body = text.encode("utf-8")
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


def app(environ, start_response):
    name = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")[1:]
    if name == "":
        files = sorted(p.name for p in ROOT.iterdir() if p.is_file() and not p.name.startswith("."))
        return _text(start_response, "200 OK", "\n".join(files) + "\n")
    path = ROOT / name
    if "/" in name or name.startswith(".") or not path.is_file():
        return _text(start_response, "404 Not Found", f"no file {name!r} here\n")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    start_response("200 OK", [("Content-Type", content_type),
                              ("Content-Length", str(path.stat().st_size)),
                              ("Content-Disposition", f'attachment; filename="{path.name}"')])
    if environ["REQUEST_METHOD"] == "HEAD":
        return []                       # wsgiref would send a body after HEAD; gunicorn not
    file = path.open("rb")
    wrapper = environ.get("wsgi.file_wrapper", FileBlocks)
    return wrapper(file, BLOCK)


if __name__ == "__main__":
    if "--root" in sys.argv:
        i = sys.argv.index("--root")
        ROOT = Path(sys.argv[i + 1]).resolve()
        del sys.argv[i:i + 2]
    serve(app, "download files from a directory")
