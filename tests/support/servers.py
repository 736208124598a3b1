"""Serve a built site over real HTTP on 127.0.0.1 for browser tests.

Why a real server and not ``file://`` URLs: browsers treat ``file://`` specially (no folder ->
index.html, different origin and caching rules, some features blocked), and the site is meant to
be hosted under a path prefix such as ``/ics/``. Serving it under a prefix proves the build's
links are relative and never assume they live at the domain root.

Behaviour, modelled on ordinary static hosting:

* only URLs under the prefix are served; anything else is 404;
* a folder URL serves its ``index.html``; a folder URL without the trailing slash redirects (301);
* a 404 serves ``<root>/404.html`` as its body when the build has one (like most static hosts),
  or with ``not_found="nearest"`` the ``404.html`` nearest the asked-for address, in its folder
  or the folders above (Cloudflare Pages does so; nginx, Apache and Netlify with a rule per region);
* ``Cache-Control: no-store``, so a test that rebuilds and reloads sees the new files;
* no request logging (it would flood pytest's captured output).

The server runs in a daemon thread on an ephemeral port and is shut down when the fixture ends.
"""

from __future__ import annotations

import posixpath
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

StartServer = Callable[..., str]
"""Type of the ``static_server`` fixture: ``(root: Path, prefix: str = "/") -> base URL``."""


class PrefixedStaticHandler(SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` that maps ``<prefix>...`` URLs onto its ``directory``."""

    prefix: str = "/"
    not_found: str = "root"  # or "nearest": see the module's docstring
    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".atom": "application/atom+xml",
        ".webmanifest": "application/manifest+json",
        ".xml": "application/xml",
        ".svg": "image/svg+xml",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".woff2": "font/woff2",
    }

    def __init__(self, *args: Any, directory: str, prefix: str, not_found: str = "root", **kwargs: Any) -> None:
        self.prefix = prefix
        self.not_found = not_found
        super().__init__(*args, directory=directory, **kwargs)

    def _outside_prefix(self) -> bool:
        """Handle URLs outside the prefix; return True if the request has been answered.

        Dot segments are resolved first (``/ics/../x`` is ``/x``), as a real server would.
        """
        parts = urlsplit(self.path)
        path = _remove_dot_segments(parts.path)
        self.path = path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(self.prefix):
            return False
        if self.prefix != "/" and path == self.prefix.rstrip("/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", self.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        self.send_error(HTTPStatus.NOT_FOUND, "Outside the served prefix")
        return True

    def do_GET(self) -> None:
        if not self._outside_prefix():
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._outside_prefix():
            super().do_HEAD()

    def translate_path(self, path: str) -> str:
        # Strip the prefix, then let the base class unquote, drop the query and refuse "..".
        if path.startswith(self.prefix):
            path = "/" + path[len(self.prefix) :]
        return super().translate_path(path)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self._not_found_page()
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found_page(self) -> Path:
        root = Path(self.directory)
        if self.not_found == "nearest" and self.path.startswith(self.prefix):
            parts = urlsplit(self.path).path[len(self.prefix):].split("/")[:-1]  # the folders asked for
            while parts:
                page = root.joinpath(*parts) / "404.html"
                if ".." not in parts and page.is_file():
                    return page
                parts.pop()
        return root / "404.html"

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser closing a connection early is normal; don't print tracebacks for it.
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _remove_dot_segments(path: str) -> str:
    """``/a/./b/../c/`` -> ``/a/c/``, keeping a trailing slash; never above ``/``."""
    cleaned = posixpath.normpath("/" + path.lstrip("/"))
    cleaned = "/" + cleaned.lstrip("/")  # normpath keeps a leading "//"
    if path.endswith("/") and not cleaned.endswith("/"):
        cleaned += "/"
    return cleaned


def _normalise_prefix(prefix: str) -> str:
    prefix = "/" + prefix.strip("/") + "/"
    return "/" if prefix == "//" else prefix


@contextmanager
def serve_static(root: Path, prefix: str = "/", not_found: str = "root") -> Iterator[str]:
    """Serve ``root`` at ``http://127.0.0.1:<port><prefix>``; yield that base URL (ends in "/").

    ``not_found``: "root" serves ``<root>/404.html`` for every missing address, "nearest" the one
    nearest the address (see the module's docstring)."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"static_server: {root} is not a folder")
    prefix = _normalise_prefix(prefix)
    handler = partial(PrefixedStaticHandler, directory=str(root), prefix=prefix, not_found=not_found)
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def static_server() -> Iterator[StartServer]:
    """Factory fixture: ``base_url = static_server(root, prefix="/ics/", not_found="nearest")``.

    Each call starts a server for one folder; all are stopped when the test ends.
    """
    with ExitStack() as stack:

        def start(root: Path, prefix: str = "/", not_found: str = "root") -> str:
            return stack.enter_context(serve_static(root, prefix, not_found))

        yield start
