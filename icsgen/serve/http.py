"""The preview server: serves a folder over HTTP and tells open pages when it changed.

It knows nothing of building. It is handed a `rebuild(paths)` callable that returns an outcome
(`problems`, `reload`, `stylesheets`); `LiveServer.rebuild` runs it, then tells every open page through
server-sent events at `/__icsgen/events`. Pages are served while a rebuild renders (the folder holds the
last good site until then); only while the rebuild writes (inside `LiveServer.writing()`) do page
requests wait, so a half-written site is never served. The events:

* `reload`: pages changed; the page fetches itself again and swaps its body in place (keeping
  scroll position and script state), or reloads if it has gone;
* `css`: only stylesheets changed; their links are swapped in place, with no reload;
* `problems`: the build failed; an overlay lists the problems (an empty list removes it);
* `hello`: sent on every (re)connection, with the server's id, so a tab that lost the server
  (say, it was restarted) refreshes itself when it comes back.

The small client script is added to HTML as it is served, never to the files on disk.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import json
import mimetypes
import queue
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

EVENTS_PATH = "/__icsgen/events"
PORT_ATTEMPTS = 20
KEEPALIVE = 15.0  # seconds between comments on an idle event stream
HOLD_LIMIT = 10.0  # seconds a page request waits for a rebuild's writes (which take milliseconds)
IDLE_TIMEOUT = 15.0  # seconds a connection may wait between requests (or send one slowly) before it is closed
MAX_CONNECTIONS = 256  # open at once (fewer if the process may open few files); then the longest idle goes

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
  var server = null, host = null, source = null;
  // The overlay lives in a shadow root, so no rule of the page's theme reaches its text; the host
  // element's own styles are `!important` in the shadow root, which beats the page's `!important`.
  var CSS = ':host{all:initial!important;display:block!important;position:fixed!important;' +
    'top:0!important;right:0!important;bottom:0!important;left:0!important;z-index:2147483647!important;' +
    'visibility:visible!important;opacity:1!important;overflow:auto!important;background:#212b32!important;' +
    'clip-path:none!important;transform:none!important;filter:none!important;mask:none!important;' +
    'pointer-events:auto!important;contain:none!important}' +
    'div{all:initial;display:block;box-sizing:border-box;min-height:100%;padding:32px;background:#212b32;' +
    'color:#fff;font:16px/1.5 monospace;text-align:left;direction:ltr}' +
    'h2{all:initial;display:block;margin:0 0 16px;color:#ffeb3b;font:bold 20px/1.3 sans-serif}' +
    'pre{all:initial;display:block;margin:0;white-space:pre-wrap;overflow-wrap:anywhere;color:#fff;' +
    'background:#212b32;font:16px/1.5 monospace}';
  function overlay(lines) {
    if (!lines || !lines.length) { if (host) { host.remove(); host = null; } return; }
    if (!host) {
      host = document.createElement('icsgen-overlay');
      var shadow = host.attachShadow({mode: 'open'});
      var style = document.createElement('style');
      style.textContent = CSS;
      var box = document.createElement('div');
      box.id = 'icsgen-overlay';
      box.setAttribute('role', 'alert');
      var h = document.createElement('h2');
      h.textContent = 'The preview could not be updated: fix this and save';
      box.appendChild(h); box.appendChild(document.createElement('pre'));
      shadow.appendChild(style); shadow.appendChild(box);
    }
    host.shadowRoot.querySelector('pre').textContent = lines.join('\n');
    if (!host.isConnected) document.documentElement.appendChild(host);
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
        self.folder = folder  # resolved at each request: a rebuild may swap in another folder (or link) there
        # the path of the site's base_url ('/ics/' for https://example.org/ics/): served as the root too
        self.prefix = "/"
        self._rebuild = rebuild
        self.id = secrets.token_hex(4)
        self.generation = 0
        self.problems: list[str] = []
        self._clients: set[queue.Queue] = set()
        self._clients_lock = threading.Lock()
        self._files = threading.Condition()  # readers of the folder, and a rebuild writing it
        self._readers = 0
        self._writing = False
        self._held: contextlib.ExitStack | None = None  # releases due at the end of the rebuild under way
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
        self.httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- rebuilding and telling the pages ----------------------------------------------------------

    def set_problems(self, problems: list[str]) -> None:
        self.problems = list(problems)

    def rebuild(self, paths: set[Path]) -> Outcome:
        """Run the rebuild callable (which uses `writing()` around its writes), then tell every open page.

        Requests held by `writing()` stay held until the pages have been told: whoever sees a new page
        can count on the rebuild that made it being over.
        """
        with contextlib.ExitStack() as held:
            self._held = held
            try:
                outcome = self._rebuild(paths)
                self.publish(outcome)
            finally:
                self._held = None
        return outcome

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold new page requests, and wait for those being answered, while the folder changes."""
        with self._files:
            self._writing = True
            self._files.wait_for(lambda: self._readers == 0, HOLD_LIMIT)
        held = self._held
        if held is not None:
            held.callback(self._written)  # at the end of `rebuild`
            yield
            return
        try:
            yield
        finally:
            self._written()

    def _written(self) -> None:
        with self._files:
            self._writing = False
            self._files.notify_all()

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Read the folder, once no rebuild is writing it (waiting at most `HOLD_LIMIT` seconds)."""
        with self._files:
            self._files.wait_for(lambda: not self._writing, HOLD_LIMIT)
            self._readers += 1
        try:
            yield
        finally:
            with self._files:
                self._readers -= 1
                if not self._readers:
                    self._files.notify_all()

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
    """One thread per connection, with the number of connections capped.

    Idle connections (waiting for a request, or sending one slowly) time out after `IDLE_TIMEOUT`
    seconds, and when `max_connections` are open the one idle longest is closed to make room, so a
    thousand idle connections cannot use up the threads or file descriptors real requests need. Event
    streams may hold at most half the places (the oldest goes; its tab reconnects). If every place is
    busy answering, a new connection is told 503 and closed.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many tabs opening at once (the default, 5, drops connections)
    live: LiveServer
    allowed: tuple[frozenset[str], bool] = (frozenset({"localhost"}), False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.max_connections = _connection_cap()
        self._open: dict[socket.socket, list] = {}  # connection -> [state, since]: idle, busy or stream
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            if len(self._open) >= self.max_connections and not self._close_oldest(("idle", "stream")):
                _refuse(request)
                return
            self._open[request] = ["idle", time.monotonic()]
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.pop(request, None)
        super().shutdown_request(request)

    def mark(self, request: Any, state: str) -> None:
        """Note what a connection is doing: `idle` (waiting for a request), `busy` or `stream`."""
        with self._open_lock:
            entry = self._open.get(request)
            if entry is None:
                return
            entry[0], entry[1] = state, time.monotonic()
            if state == "stream" and sum(1 for e in self._open.values() if e[0] == "stream") > \
                    self.max_connections // 2:
                self._close_oldest(("stream",), sparing=request)

    def close_connections(self) -> None:
        """End every open connection (their threads then end too)."""
        with self._open_lock:
            for conn in self._open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)

    def _close_oldest(self, states: tuple[str, ...], sparing: Any = None) -> bool:
        """Close the connection in one of `states` that has been so longest (its thread then ends)."""
        candidates = [(entry[1], id(conn), conn) for conn, entry in self._open.items()
                      if entry[0] in states and conn is not sparing]
        if not candidates:
            return False
        _, _, oldest = min(candidates, key=lambda c: (c[0], c[1]))
        self._open[oldest][0] = "closing"
        with contextlib.suppress(OSError):
            oldest.shutdown(socket.SHUT_RDWR)
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # a tab closed mid-answer: normal
        super().handle_error(request, client_address)


def _connection_cap() -> int:
    """`MAX_CONNECTIONS`, or fewer where the process may open few files (macOS allows 256 by default)."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return MAX_CONNECTIONS
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(8, min(MAX_CONNECTIONS, (soft - 64) // 2))


def _refuse(request: socket.socket) -> None:
    body = b"Too many connections are open; try again.\n"
    with contextlib.suppress(OSError):
        request.settimeout(1.0)
        request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        b"Content-Length: %d\r\nRetry-After: 1\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    with contextlib.suppress(OSError):
        request.close()


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
            if exc.errno != errno.EADDRINUSE:  # not the port: the address (no such interface, a typo)
                raise OSError(f"cannot listen on {host}: {exc.strerror or exc}; use an address of this "
                              "computer with --host, or leave it out for 127.0.0.1") from None
            last_error = exc
            continue
        httpd.live = live
        httpd.allowed = _allowed_hosts(host)
        return httpd
    tried = f" (tried up to {port + PORT_ATTEMPTS - 1})" if next_free and port else ""
    raise OSError(f"port {port} is in use{tried}; choose another with --port") from last_error


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "icsgen-preview"
    timeout = IDLE_TIMEOUT  # for each read and write: an idle or stalled connection is closed
    default_request_version = "HTTP/1.0"  # so a request too garbled to parse still gets a status line, not a bare page

    # -- reading requests ------------------------------------------------------------------------

    def handle_one_request(self) -> None:
        self.server.mark(self.request, "idle")
        super().handle_one_request()

    def parse_request(self) -> bool:
        """The request line and headers, checked: a Host this server does not answer to is a 400."""
        if not super().parse_request():
            return False
        self.server.mark(self.request, "busy")
        if self.headers.get("Content-Length", "0").strip() != "0" or "Transfer-Encoding" in self.headers:
            self.close_connection = True  # a body is never read: the connection cannot carry another request
        if not _host_allowed(self.path, self.headers.get_all("Host") or [], self.server.allowed):
            self.close_connection = True
            self._send_body(HTTPStatus.BAD_REQUEST, BAD_HOST, "text/plain; charset=utf-8",
                            head=self.command == "HEAD")
            return False
        return True

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
        try:
            parts = urlsplit(self.path)
        except ValueError:  # '//[::1/': a host part that is no address
            self.send_error(400, "Bad request")
            return
        path = parts.path
        if path == EVENTS_PATH:
            if head:
                self._send_body(HTTPStatus.OK, b"", "text/event-stream", head=True)
            else:
                self._stream(live)
            return
        prefix = live.prefix
        if prefix != "/" and (path + "/").startswith(prefix):  # the site's base_url folder (/ics/...), as
            path = "/" + path[len(prefix):]  # links of the "page not found" pages start with it
        with live.reading():  # read under the hold, answer after it: a slow client holds no rebuild
            target, body = _read(live.folder.resolve(), path)
        if target is None and body is None:
            # one leading slash, whatever was asked: "//example.org" must not send a browser elsewhere
            location = "/" + path.lstrip("/") + "/" + (f"?{parts.query}" if parts.query else "")
            self._send_body(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain; charset=utf-8",
                            head=True, extra={"Location": location})
        elif target is None:
            self._send_body(HTTPStatus.NOT_FOUND, _inject(body or b"", live.script()), "text/html; charset=utf-8",
                            head=head)
        else:
            kind = _content_type(target)
            if kind.startswith("text/html"):
                body = _inject(body or b"", live.script())
            self._send_file(body or b"", kind, head)

    def _send_file(self, body: bytes, kind: str, head: bool) -> None:
        """200 with the whole file, or 206 with one byte range of it (as video players ask), or 416."""
        wanted = _byte_range(self.headers.get("Range", ""), len(body))
        if wanted is None:
            self._send_body(HTTPStatus.OK, body, kind, head=head, extra={"Accept-Ranges": "bytes"})
        elif wanted == (-1, -1):
            self._send_body(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, b"", kind, head=True,
                            extra={"Content-Range": f"bytes */{len(body)}"})
        else:
            first, last = wanted
            self._send_body(HTTPStatus.PARTIAL_CONTENT, body[first:last + 1], kind, head=head,
                            extra={"Accept-Ranges": "bytes", "Content-Range": f"bytes {first}-{last}/{len(body)}"})

    def _send_body(self, status: HTTPStatus, body: bytes, kind: str, head: bool = False,
                   extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def _stream(self, live: LiveServer) -> None:
        self.server.mark(self.request, "stream")
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


NOT_FOUND_PAGE = (b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found"
                  b"</title></head><body><h1>Page not found</h1><p>Nothing has been built here"
                  b" (yet).</p></body></html>")


def _read(folder: Path, url_path: str) -> tuple[Path | None, bytes | None]:
    """What to answer for `url_path`: (file, its bytes); (None, the 404 page); or (None, None) for a
    folder asked for without its final slash (a redirect). Anything the file system refuses (a name
    too long, a loop of links) is simply not found."""
    try:
        target = _translate(folder, url_path)
        if target is not None and target.is_dir():
            if not url_path.endswith("/"):
                return None, None
            target = target / "index.html"
        if target is not None:
            return target, target.read_bytes()
    except (OSError, ValueError):
        pass
    return None, _not_found(folder, url_path)


def _not_found(folder: Path, url_path: str) -> bytes:
    """The "page not found" page nearest `url_path`: a region's own (`leeds/404.html`) for an address in
    its folder, else the site's, as a host set up as the guide says (and Cloudflare Pages) shows it."""
    try:
        parts = [p for p in unquote(url_path, errors="strict").split("/") if p not in ("", ".", "..")]
    except UnicodeDecodeError:
        parts = []
    for depth in range(min(len(parts) - 1, 8), -1, -1):  # the folders the address is in, innermost first
        try:
            return folder.joinpath(*parts[:depth], "404.html").read_bytes()
        except (OSError, ValueError):
            continue
    return NOT_FOUND_PAGE


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


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range a `Range` header asks for, as (first, last); None for the whole file (no
    header, several ranges, or one this server does not understand); (-1, -1) if it is past the end."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    start, dash, end = spec.strip().partition("-")
    if not dash or not (start + end).isascii() or not (start.isdigit() or start == "") \
            or not (end.isdigit() or end == "") or start == end == "":
        return None
    if start == "":  # the last `end` bytes
        if int(end) == 0:
            return (-1, -1)
        return (max(0, size - int(end)), size - 1) if size else (-1, -1)
    first = int(start)
    last = min(int(end), size - 1) if end else size - 1
    if first >= size or last < first:
        return (-1, -1)
    return (first, last)


BAD_HOST = (b"This preview answers only at the addresses it was started with (such as http://127.0.0.1:PORT/"
            b" or http://localhost:PORT/), and this request named another host, so it was refused: that is how"
            b" other web sites are kept from reading your drafts. To open the preview under another name, start"
            b" it with that name as --host.\n")


def _allowed_hosts(host: str) -> tuple[frozenset[str], bool]:
    """The names a server listening on `host` answers to, and whether any IP address is allowed.

    A page on another site can reach this server under its own name (DNS rebinding), never under an
    address: a request naming a host other than these is refused. Loopback names and addresses are
    always allowed, and whatever `--host` was given; any address too when listening beyond this machine.
    """
    names = {"localhost", _plain_host(host)}
    try:
        ipaddress.ip_address(_plain_host(host))
    except ValueError:
        return frozenset(names), False
    return frozenset(names), seen_by_others(host)


def seen_by_others(host: str) -> bool:
    """Whether a server listening on `host` can be reached from other computers: any address that is
    not loopback (0.0.0.0 and :: are every address), and any name but localhost."""
    plain = _plain_host(host)
    try:
        address = ipaddress.ip_address(plain)
    except ValueError:
        return plain.lower() != "localhost"
    return address.is_unspecified or not address.is_loopback


def _plain_host(name: str) -> str:
    return name.strip().strip("[]").rstrip(".").lower()


def _host_allowed(target: str, hosts: list[str], allowed: tuple[frozenset[str], bool]) -> bool:
    """Whether the request's host (from an absolute target, else its one Host header) is this server's."""
    if "://" in target[:12]:  # an absolute target names the host itself, whatever the Host header says
        try:
            value = urlsplit(target).netloc
        except ValueError:  # 'http://[::1/': no host this server answers for
            return False
    elif len(hosts) == 1:
        value = hosts[0]
    else:
        return False  # none (HTTP/1.1 requires it), or several
    if not value or "@" in value or not all(c.isalnum() or c in ".-:[]_" for c in value):
        return False
    name, _, port = value.rpartition(":") if not value.endswith("]") else (value, "", "")
    if not name or (name.count(":") and not name.startswith("[")):
        name, port = value, ""  # a bare IPv6 address (not valid in a Host header, but harmless)
    if port and not port.isdigit():
        return False
    name = _plain_host(name)
    names, any_address = allowed
    if name in names or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or any_address


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
