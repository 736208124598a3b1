"""The preview server over real HTTP: what it serves, what it refuses, and how it says so."""

from __future__ import annotations

import http.client
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from icsgen.serve.http import LiveServer
from tests.serve_support import Running, fetch, serving
from tests.sitemaker import basic_site


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One server for the module: these tests only read (the symlink test adds two links)."""
    top = tmp_path_factory.mktemp("serve-http")
    root = basic_site(top / "site")
    (top / "secret.txt").write_text("top secret")
    with serving(root) as running:
        yield running


def raw_get(running: Running, path: str) -> int:
    """Send the path exactly as written (urllib would tidy up '..')."""
    host, port = running.session.server.httpd.server_address[:2]  # type: ignore[union-attr]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        assert b"top secret" not in body and b"root:" not in body
        return response.status
    finally:
        connection.close()


def test_pages_are_served_with_the_reload_script_which_is_not_on_disk(live: Running) -> None:
    status, headers, body = live.get("/alpha/about/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert b"About us" in body
    assert b"/__icsgen/events" in body
    assert body.index(b"/__icsgen/events") < body.lower().index(b"</head>")
    on_disk = (live.folder / "alpha/about/index.html").read_bytes()
    assert b"__icsgen" not in on_disk
    assert int(headers["Content-Length"]) == len(body)


def test_preview_is_not_written_into_build(live: Running) -> None:
    assert not (live.root / "build").exists()
    assert not live.folder.is_relative_to(live.root)


def test_folder_without_slash_redirects(live: Running) -> None:
    host, port = live.session.server.httpd.server_address[:2]  # type: ignore[union-attr]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("GET", "/alpha/about")
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 301
    assert response.getheader("Location") == "/alpha/about/"


@pytest.mark.parametrize(("path", "kind"), [
    ("/alpha/news/feed.xml", "application/xml"),
    ("/sitemap.xml", "application/xml"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/alpha/", "text/html; charset=utf-8"),
])
def test_content_types(live: Running, path: str, kind: str) -> None:
    status, headers, _ = live.get(path)
    assert status == 200
    assert headers["Content-Type"] == kind


def test_stylesheets_and_images_have_their_types(live: Running) -> None:
    css = next((live.folder / "alpha/assets/css").glob("*.css"))
    svg = next((live.folder / "alpha/assets").rglob("*.svg"))
    status, headers, body = live.get("/" + css.relative_to(live.folder).as_posix())
    assert (status, headers["Content-Type"]) == (200, "text/css; charset=utf-8")
    assert b"__icsgen" not in body  # only HTML gets the script
    status, headers, _ = live.get("/" + svg.relative_to(live.folder).as_posix())
    assert (status, headers["Content-Type"]) == (200, "image/svg+xml")


def test_head_sends_headers_but_no_body(live: Running) -> None:
    _, get_headers, get_body = live.get("/alpha/")
    status, headers, body = live.get("/alpha/", method="HEAD")
    assert status == 200
    assert body == b""
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Length"] == get_headers["Content-Length"] == str(len(get_body))


def test_missing_page_is_404_with_the_sites_404_page(live: Running) -> None:
    status, headers, body = live.get("/alpha/no-such-page/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"Page not found" in body
    assert b"/__icsgen/events" in body  # so the overlay still reaches a page that is not there
    status, _, body = live.get("/alpha/no-such-page/", method="HEAD")
    assert (status, body) == (404, b"")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head(live: Running, method: str) -> None:
    status, headers, _ = live.get("/alpha/", method=method)
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/alpha/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/%2e%2e/secret.txt",
    "/alpha/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/..%2fsecret.txt",
    "/..%5csecret.txt",
    "/%00",
    "/%ff%fe",
    "//etc/passwd",
    "/../../../../etc/passwd",
])
def test_no_path_escapes(live: Running, path: str) -> None:
    assert raw_get(live, path) == 404


def test_no_symlink_escapes(live: Running) -> None:
    outside = live.root.parent
    os.symlink(outside / "secret.txt", live.folder / "leak.txt")
    os.symlink(outside, live.folder / "leakdir")
    assert raw_get(live, "/leak.txt") == 404
    assert raw_get(live, "/leakdir/secret.txt") == 404


def test_event_stream_says_hello(live: Running) -> None:
    host, port = live.session.server.httpd.server_address[:2]  # type: ignore[union-attr]
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b"GET /__icsgen/events HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"event: hello" not in data:
            chunk = sock.recv(4096)
            assert chunk, "stream closed before hello"
            data += chunk
    assert b"Content-Type: text/event-stream" in data


def test_busy_port_takes_the_next_free_one(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = LiveServer(tmp_path, lambda paths: None, port=port)  # type: ignore[arg-type,return-value]
        try:
            assert server.port != port
        finally:
            server.httpd.server_close()
        with pytest.raises(OSError, match=f"port {port} is in use"):
            LiveServer(tmp_path, lambda paths: None, port=port, next_free=False)  # type: ignore[arg-type,return-value]


def test_many_tabs_at_once(live: Running) -> None:
    from concurrent.futures import ThreadPoolExecutor

    streams = []
    host, port = live.session.server.httpd.server_address[:2]  # type: ignore[union-attr]
    try:
        for _ in range(20):  # twenty open tabs, each holding an event stream
            sock = socket.create_connection((host, port), timeout=10)
            sock.sendall(b"GET /__icsgen/events HTTP/1.1\r\nHost: x\r\n\r\n")
            streams.append(sock)
        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda _: fetch(live.url + "alpha/")[0], range(64)))
        assert results == [200] * 64
    finally:
        for sock in streams:
            sock.close()
