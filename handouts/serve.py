"""``handouts serve``: a local preview of the built folder, showing what a web host would.

Python's ``SimpleHTTPRequestHandler`` lists the files of any folder and, given a path
with ``%00``, fails inside the request and answers nothing. Here a folder is served only
through its ``index.html``, hidden names (``.staging-...``, ``.file.tmp``) are not
served, and a path that cannot name a file gets a 400 answer.
"""

from __future__ import annotations

import errno
import functools
import http.server
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from handouts.errors import HandoutsError, UsageError


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):  # type: ignore[override]
        path = unquote(urlsplit(self.path).path)
        if "\x00" in path or any(ord(c) < 0x20 for c in path):
            self.send_error(400, "Bad request path")
            return None
        if any(part.startswith(".") for part in path.split("/") if part):
            self.send_error(404, "File not found")
            return None
        try:
            return super().send_head()
        except ValueError:  # a path the file system cannot take
            self.send_error(400, "Bad request path")
            return None

    def list_directory(self, path):  # type: ignore[override]
        self.send_error(404, "File not found")
        return None


def serve(folder: Path, port: int, announce) -> None:
    """Serve ``folder`` at 127.0.0.1:``port`` until interrupted."""
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: a port is a number from 0 to 65535")
    if not (folder / "index.html").is_file():
        raise UsageError(f"{folder}/index.html does not exist: run `handouts build` first")
    handler = functools.partial(PreviewHandler, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"--port {port}: the port is in use; choose another (or --port 0 for any free one)") \
                from None
        if exc.errno == errno.EACCES:
            raise UsageError(f"--port {port}: this user may not open it; choose one above 1023") from None
        raise HandoutsError(f"cannot serve on port {port} ({os.strerror(exc.errno or 0) or exc})") from None
    with server:
        announce(f"serving {folder}/ at http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)")
        server.serve_forever()
