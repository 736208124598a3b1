"""The preview server: serves a folder over HTTP and tells open pages when it changed.

It knows nothing of building. It is handed a `rebuild(paths)` callable that returns an outcome
(`problems`, `reload`, `stylesheets`); `LiveServer.rebuild` runs it while holding page requests, so
a half-written site is never served, then tells every open page through server-sent events at
`/__icsgen/events`:

* `reload`: pages changed; the page fetches itself again and swaps its body in place (keeping
  scroll position and script state), or reloads if it has gone;
* `css`: only stylesheets changed; their links are swapped in place, with no reload;
* `problems`: the build failed; an overlay lists the problems (an empty list removes it);
* `hello`: sent on every (re)connection, with the server's id, so a tab that lost the server
  (say, it was restarted) refreshes itself when it comes back.

The small client script is added to HTML as it is served, never to the files on disk.
"""

from __future__ import annotations

import json
import mimetypes
import queue
import secrets
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

EVENTS_PATH = "/__icsgen/events"
PORT_ATTEMPTS = 20
KEEPALIVE = 15.0  # seconds between comments on an idle event stream

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
}


class Outcome(Protocol):
    problems: list[str]
    reload: bool
    stylesheets: dict[str, str]


Rebuild = Callable[[set[Path]], Outcome]

CLIENT_JS = r"""
(function (token) {
  if (window.__icsgenLive) return;
  window.__icsgenLive = true;
  var server = null, box = null, source = null;
  function overlay(lines) {
    if (!lines || !lines.length) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement('div');
      box.id = 'icsgen-overlay';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;' +
        'padding:2rem;background:rgba(33,43,50,.95);color:#fff;font:16px/1.5 monospace';
    }
    box.textContent = '';
    var h = document.createElement('h2');
    h.textContent = 'The preview could not be updated: fix this and save';
    h.style.cssText = 'color:#ffeb3b;font:bold 20px sans-serif;margin:0 0 1rem';
    var pre = document.createElement('pre');
    pre.style.cssText = 'white-space:pre-wrap;margin:0';
    pre.textContent = lines.join('\n');
    box.appendChild(h); box.appendChild(pre);
    if (!box.isConnected) document.documentElement.appendChild(box);
  }
  function swapCss(map) {
    document.querySelectorAll('link[rel~="stylesheet"]').forEach(function (link) {
      var path = decodeURIComponent(new URL(link.href, location.href).pathname).replace(/^\//, '');
      if (!map[path]) return;
      var fresh = link.cloneNode();
      fresh.href = '/' + map[path];
      fresh.onload = fresh.onerror = function () { link.remove(); };
      link.after(fresh);
    });
  }
  function refresh() {
    fetch(location.href, {cache: 'no-store'}).then(function (r) {
      if (!r.ok) { location.reload(); return; }
      return r.text().then(function (text) {
        var doc = new DOMParser().parseFromString(text, 'text/html');
        if (doc.body.querySelector('script')) { location.reload(); return; }
        document.title = doc.title;
        var hrefs = function (d) {
          return Array.from(d.querySelectorAll('link[rel~="stylesheet"]')).map(function (l) {
            return new URL(l.getAttribute('href'), location.href).href;
          }).join();
        };
        if (hrefs(document) !== hrefs(doc)) { location.reload(); return; }
        var x = window.scrollX, y = window.scrollY, body = document.body;
        Array.from(body.attributes).forEach(function (a) { body.removeAttribute(a.name); });
        Array.from(doc.body.attributes).forEach(function (a) { body.setAttribute(a.name, a.value); });
        body.replaceChildren.apply(body, Array.from(doc.body.childNodes).map(function (n) {
          return document.adoptNode(n);
        }));
        window.scrollTo(x, y);
        document.dispatchEvent(new CustomEvent('icsgen:updated'));
      });
    }).catch(function () { location.reload(); });
  }
  function on(name, handler) {
    source.addEventListener(name, function (e) { handler(JSON.parse(e.data)); });
  }
  function connect() {
    source = new EventSource('/__icsgen/events');
    on('hello', function (d) {
      var stale = (server && d.server !== server) || d.token !== token;
      server = d.server;
      overlay(d.problems);
      if (stale) { token = d.token; refresh(); }
    });
    on('reload', function (d) { token = d.token; refresh(); });
    on('css', function (d) { token = d.token; swapCss(d.stylesheets); });
    on('problems', function (d) { overlay(d.problems); });
    source.onerror = function () {
      if (source.readyState === 2) { source.close(); setTimeout(connect, 1000); }
    };
  }
  connect();
})
"""


class LiveServer:
    """Serve `folder` at http://host:port/ with live reload; `rebuild` is called for each burst."""

    def __init__(self, folder: Path, rebuild: Rebuild, host: str = "127.0.0.1", port: int = 8000,
                 next_free: bool = True) -> None:
        self.folder = folder.resolve()
        self._rebuild = rebuild
        self.id = secrets.token_hex(4)
        self.generation = 0
        self.problems: list[str] = []
        self._clients: set[queue.Queue] = set()
        self._clients_lock = threading.Lock()
        self._building = threading.Event()
        self._idle = threading.Condition()
        self._closed = False
        self.httpd = _bind(host, port, next_free, self)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        host = self.httpd.server_address[0]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{self.port}/"

    @property
    def token(self) -> str:
        return f"{self.id}-{self.generation}"

    # -- running -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="icsgen-http", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._closed = True
        with self._clients_lock:
            for client in self._clients:
                client.put(None)
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- rebuilding and telling the pages ----------------------------------------------------------

    def set_problems(self, problems: list[str]) -> None:
        self.problems = list(problems)

    def rebuild(self, paths: set[Path]) -> Outcome:
        """Run the rebuild callable with page requests held, then tell every open page."""
        with self._idle:
            self._building.set()
        try:
            outcome = self._rebuild(paths)
        finally:
            with self._idle:
                self._building.clear()
                self._idle.notify_all()
        self.publish(outcome)
        return outcome

    def publish(self, outcome: Outcome) -> None:
        had_problems = bool(self.problems)
        self.problems = list(outcome.problems)
        if outcome.problems:
            self.broadcast("problems", {"problems": self.problems})
            return
        if had_problems:
            self.broadcast("problems", {"problems": []})
        if outcome.reload:
            self.generation += 1
            self.broadcast("reload", {"token": self.token})
        elif outcome.stylesheets:
            self.generation += 1
            self.broadcast("css", {"token": self.token, "stylesheets": outcome.stylesheets})

    def broadcast(self, event: str, data: dict[str, Any]) -> None:
        message = _event(event, data)
        with self._clients_lock:
            for client in self._clients:
                client.put(message)

    @property
    def clients(self) -> int:
        with self._clients_lock:
            return len(self._clients)

    def wait_idle(self, timeout: float = 30.0) -> None:
        with self._idle:
            self._idle.wait_for(lambda: not self._building.is_set(), timeout)

    def script(self) -> bytes:
        return (f"<script>{CLIENT_JS.strip()}({json.dumps(self.token)});</script>").encode()

    def subscribe(self) -> queue.Queue:
        client: queue.Queue = queue.Queue()
        client.put(_event("hello", {"server": self.id, "token": self.token, "problems": self.problems}))
        with self._clients_lock:
            self._clients.add(client)
        if self._closed:
            client.put(None)
        return client

    def unsubscribe(self, client: queue.Queue) -> None:
        with self._clients_lock:
            self._clients.discard(client)


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many tabs opening at once (the default, 5, drops connections)
    live: LiveServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # a tab closed mid-answer: normal
        super().handle_error(request, client_address)


def _bind(host: str, port: int, next_free: bool, live: LiveServer) -> _HTTPServer:
    """Listen on `port`, or (when `next_free`) the next free one of the following few."""
    last_error: OSError | None = None
    for candidate in range(port, port + (PORT_ATTEMPTS if next_free and port else 1)):
        try:
            server_class = _HTTPServer
            if ":" in host:
                server_class = type("_HTTPServer6", (_HTTPServer,), {"address_family": socket.AF_INET6})
            httpd = server_class((host, candidate), _Handler)
        except OSError as exc:
            last_error = exc
            continue
        httpd.live = live
        return httpd
    raise OSError(f"port {port} is in use (tried up to {port + PORT_ATTEMPTS - 1}); "
                  f"choose another with --port") from last_error


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "icsgen-preview"

    # -- methods ---------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _not_allowed(self) -> None:
        self._send_body(HTTPStatus.METHOD_NOT_ALLOWED, b"Only GET and HEAD are allowed.\n",
                        "text/plain; charset=utf-8", extra={"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- answering ---------------------------------------------------------------------------------

    def _answer(self, head: bool) -> None:
        live = self.server.live
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            if head:
                self._send_body(HTTPStatus.OK, b"", "text/event-stream", head=True)
            else:
                self._stream(live)
            return
        live.wait_idle()
        target = _translate(live.folder, path)
        if target is None:
            self._not_found(head)
            return
        if target.is_dir():
            if not path.endswith("/"):
                self._send_body(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain; charset=utf-8",
                                head=True, extra={"Location": path + "/"})
                return
            target = target / "index.html"
        try:
            body = target.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            self._not_found(head)
            return
        kind = _content_type(target)
        if kind.startswith("text/html"):
            body = _inject(body, live.script())
        self._send_body(HTTPStatus.OK, body, kind, head=head)

    def _not_found(self, head: bool) -> None:
        live = self.server.live
        page = live.folder / "404.html"
        try:
            body = page.read_bytes()
        except OSError:
            body = (b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found"
                    b"</title></head><body><h1>Page not found</h1><p>Nothing has been built here"
                    b" (yet).</p></body></html>")
        self._send_body(HTTPStatus.NOT_FOUND, _inject(body, live.script()), "text/html; charset=utf-8",
                        head=head)

    def _send_body(self, status: HTTPStatus, body: bytes, kind: str, head: bool = False,
                   extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def _stream(self, live: LiveServer) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        client = live.subscribe()
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while True:
                try:
                    message = client.get(timeout=KEEPALIVE)
                except queue.Empty:
                    message = b": keep-alive\n\n"
                if message is None:
                    return
                self.wfile.write(message)
                self.wfile.flush()
        except (ConnectionError, TimeoutError, OSError):
            return
        finally:
            live.unsubscribe(client)


def _translate(folder: Path, url_path: str) -> Path | None:
    """The file a URL path names inside `folder`, or None if it would be outside it (or odd)."""
    try:
        path = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    candidate = folder.joinpath(*parts) if parts else folder
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):
        return None
    if resolved != folder and not resolved.is_relative_to(folder):
        return None  # a symlink out of the folder
    return resolved


def _content_type(path: Path) -> str:
    kind = CONTENT_TYPES.get(path.suffix.lower())
    if kind:
        return kind
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def _inject(html: bytes, script: bytes) -> bytes:
    """Put the live-reload script just before </head> (or at the start, if there is none)."""
    lower = html.lower()
    at = lower.find(b"</head>")
    if at < 0:
        return script + html
    return html[:at] + script + html[at:]
