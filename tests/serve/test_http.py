"""The preview server over real HTTP: what it serves, what it refuses, and how it says so."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import resource
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from icsgen.serve.http import LiveServer, _allowed_hosts, _Handler, _host_allowed
from tests.support.serve import Running, address, fetch, serving, start
from tests.support.sitemaker import basic_site


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


def test_a_missing_page_in_a_region_gets_the_regions_own_404_page(live: Running) -> None:
    def title(page: bytes) -> bytes:
        return re.search(rb"<title>[^<]*</title>", page).group()  # type: ignore[union-attr]

    site_404 = title((live.session.preview.folder / "404.html").read_bytes())
    region_404 = title((live.session.preview.folder / "alpha/404.html").read_bytes())
    assert region_404 == b"<title>Page not found - Alpha Health and Care</title>" != site_404
    for path, page in (("/alpha/no-such-page/", region_404), ("/alpha/about/nope/deeper.html", region_404),
                       ("/no-such-region/page/", site_404), ("/nope.html", site_404)):
        status, _, body = live.get(path)  # as a host set up as the guide says answers
        assert (status, title(body)) == (404, page), path


def test_the_site_is_also_served_under_its_base_url_folder(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    config = root / "regions.yaml"
    config.write_text(config.read_text().replace("https://test.example.org/", "https://test.example.org/ics/"))
    with serving(root) as running:
        status, _, body = running.get("/alpha/no-such-page/")
        assert status == 404 and b'href="/ics/alpha/' in body  # a 404 page links from the host's root
        linked = sorted(set(re.findall(rb'href="(/ics/[^"#]*)"', body)))
        assert linked
        for href in linked:  # every link of the region's 404 page works in the preview, as on the host
            assert running.get(href.decode())[0] == 200, href
        assert running.get("/ics/alpha/about/")[2] == running.get("/alpha/about/")[2]
        assert running.get("/ics/alpha/nope/")[0] == 404


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
        sock.sendall(b"GET /__icsgen/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
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


@pytest.mark.parametrize("host", ["192.0.2.1", "no-such-host.invalid"])
def test_an_address_this_computer_does_not_have_is_named_not_called_a_busy_port(tmp_path: Path, host: str) -> None:
    """It said 'port 0 is in use (tried up to 19)' for --host 192.0.2.1 (a documentation address)."""
    with pytest.raises(OSError) as caught:
        LiveServer(tmp_path, lambda paths: None, host=host, port=0)  # type: ignore[arg-type,return-value]
    assert str(caught.value).startswith(f"cannot listen on {host}: ")
    assert "use an address of this computer with --host" in str(caught.value) and "in use" not in str(caught.value)


def test_many_tabs_at_once(live: Running) -> None:
    from concurrent.futures import ThreadPoolExecutor

    streams = []
    host, port = live.session.server.httpd.server_address[:2]  # type: ignore[union-attr]
    try:
        for _ in range(20):  # twenty open tabs, each holding an event stream
            sock = socket.create_connection((host, port), timeout=10)
            sock.sendall(b"GET /__icsgen/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            streams.append(sock)
        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda _: fetch(live.url + "alpha/")[0], range(64)))
        assert results == [200] * 64
    finally:
        for sock in streams:
            sock.close()


# -- who may ask: the Host header (DNS rebinding) ----------------------------------------------------------


def raw(running: Running, request: bytes, timeout: float = 10) -> bytes:
    """Send `request` as written; return everything answered until the server closes or goes quiet."""
    host, port = running.session.server.httpd.server_address[:2]  # type: ignore[union-attr]
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        try:
            while b"\r\n\r\n" not in data or len(data) < answer_length(data):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            pass
    return data


def answer_length(data: bytes) -> int:
    head, _, _ = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(head) + 4 + int(line.split(b":")[1])
    return len(head) + 4


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else 0


def port_of(running: Running) -> int:
    return running.session.server.port  # type: ignore[union-attr]


@pytest.mark.parametrize("host", [
    "rebind.attacker.example:{port}", "attacker.example", "127.0.0.1.attacker.example:{port}",
    "localhost.attacker.example:{port}", "192.168.1.10:{port}", "user@127.0.0.1:{port}", "", "127.0.0.1:x",
])
@pytest.mark.parametrize("path", ["/alpha/", "/__icsgen/events"])
def test_other_hosts_are_refused(live: Running, host: str, path: str, capfd: pytest.CaptureFixture[str]) -> None:
    header = f"Host: {host.format(port=port_of(live))}\r\n".encode()
    answer = raw(live, b"GET " + path.encode() + b" HTTP/1.1\r\n" + header + b"\r\n")
    assert status_of(answer) == 400, answer[:200]
    assert b"Welcome to Alpha" not in answer and b"event: hello" not in answer
    assert b"refused" in answer
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("request_bytes", [
    b"GET /alpha/ HTTP/1.1\r\n\r\n",  # no Host at all (HTTP/1.1 requires one)
    b"GET /alpha/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: attacker.example\r\n\r\n",  # two
    b"GET http://attacker.example/alpha/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",  # absolute target names its own
])
def test_missing_doubled_or_overridden_hosts_are_refused(live: Running, request_bytes: bytes) -> None:
    assert status_of(raw(live, request_bytes)) == 400


@pytest.mark.parametrize("host", [
    "127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "localhost.:{port}", "localhost",
    "[::1]:{port}", "127.0.0.2:{port}", "preview.localhost:{port}",
])
def test_loopback_names_and_addresses_are_answered(live: Running, host: str) -> None:
    header = f"Host: {host.format(port=port_of(live))}\r\n".encode()
    answer = raw(live, b"GET /alpha/ HTTP/1.1\r\n" + header + b"Connection: close\r\n\r\n")
    assert status_of(answer) == 200 and b"Welcome to Alpha" in answer


def test_host_given_with_dash_dash_host_is_answered_and_any_address_when_listening_beyond_loopback() -> None:
    named = _allowed_hosts("preview.example.test")
    assert _host_allowed("/", ["preview.example.test:8000"], named)
    assert _host_allowed("/", ["localhost:8000"], named) and _host_allowed("/", ["127.0.0.1:8000"], named)
    assert not _host_allowed("/", ["other.example.test:8000"], named)
    assert not _host_allowed("/", ["192.168.1.10:8000"], named)
    everywhere = _allowed_hosts("0.0.0.0")
    assert _host_allowed("/", ["192.168.1.10:8000"], everywhere)  # an address cannot be rebound
    assert _host_allowed("/", ["[fe80::1]:8000"], everywhere)
    assert not _host_allowed("/", ["attacker.example:8000"], everywhere)


# -- odd requests: each gets a plain answer, never a traceback ------------------------------------------------


@pytest.mark.parametrize(("path", "status"), [
    ("/" + "a" * 300, 404),  # a file name longer than any file system allows
    ("/alpha/" + "b" * 256 + "/index.html", 404),
    ("/" + "/".join(["c" * 200] * 30), 404),  # a path longer than the system's limit
    ("/" + "%e2%82%ac" * 100, 404),  # 300 bytes once decoded
    ("/%zz", 404), ("/%", 404), ("/alpha/%c3%28", 404),
    ("/" + "d" * 70_000, 414),  # a request line longer than any browser sends
])
def test_odd_paths_are_answered_without_a_traceback(live: Running, path: str, status: int,
                                                    capfd: pytest.CaptureFixture[str]) -> None:
    assert raw_get(live, path) == status
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"FOO /alpha/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 501),
    (b"PROPFIND /alpha/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 501),
    (b"get /alpha/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 501),
    (b"GET /alpha/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"x" * 70_000 + b"\r\n\r\n", 431),
    (b"GET /alpha/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n", 431),
    (b"GET /alpha/ HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 505),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),  # https:// to an http:// server
])
def test_odd_requests_get_plain_errors(live: Running, request_bytes: bytes, status: int,
                                       capfd: pytest.CaptureFixture[str]) -> None:
    assert status_of(raw(live, request_bytes)) == status
    assert "Traceback" not in capfd.readouterr().err


def test_a_body_sent_with_get_is_not_taken_for_the_next_request(live: Running) -> None:
    smuggled = b"GET /alpha/about/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answer = raw(live, b"GET /alpha/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s"
                 % (len(smuggled), smuggled))
    assert status_of(answer) == 200 and b"Connection: close" in answer
    assert answer.count(b"HTTP/1.1 ") == 1  # the body was not answered as a second request


def test_a_folder_named_like_a_host_redirects_within_the_site(live: Running) -> None:
    (live.folder / "evil.example").mkdir(exist_ok=True)
    answer = raw(live, b"GET //evil.example?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert status_of(answer) == 301
    assert b"\r\nLocation: /evil.example/?x=1\r\n" in answer  # not //evil.example/: another site


def test_byte_ranges_as_media_players_ask(live: Running) -> None:
    css = next((live.folder / "alpha/assets/css").glob("*.css"))
    path = ("/" + css.relative_to(live.folder).as_posix()).encode()
    whole = css.read_bytes()
    get = b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"

    def ranged(spec: bytes) -> tuple[int, bytes, bytes]:
        answer = raw(live, get + b"Range: " + spec + b"\r\n\r\n")
        head, _, body = answer.partition(b"\r\n\r\n")
        return status_of(answer), head, body

    status, head, body = ranged(b"bytes=0-9")
    assert (status, body) == (206, whole[:10]) and b"Content-Range: bytes 0-9/%d" % len(whole) in head
    assert ranged(b"bytes=-5")[::2] == (206, whole[-5:])
    assert ranged(b"bytes=10-")[::2] == (206, whole[10:])
    status, head, body = ranged(b"bytes=%d-" % len(whole))
    assert status == 416 and b"Content-Range: bytes */%d" % len(whole) in head and body == b""
    assert ranged(b"bytes=0-1,5-6")[::2] == (200, whole)  # several ranges: the whole file
    assert ranged(b"pages=1-2")[::2] == (200, whole)
    assert b"Accept-Ranges: bytes" in ranged(b"bytes=0-0")[1]


# -- idle connections: timed out, and capped ---------------------------------------------------------------------


def test_an_idle_connection_is_closed_after_a_while(live: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_Handler, "timeout", 0.5)
    host, port = live.session.server.httpd.server_address[:2]  # type: ignore[union-attr]
    with socket.create_connection((host, port), timeout=10) as quiet:
        assert quiet.recv(1) == b""  # closed by the server, having sent nothing
    with socket.create_connection((host, port), timeout=10) as slow:
        slow.sendall(b"GET /alpha/ HTTP/1.1\r\n")  # and then nothing: a slow-loris
        assert slow.recv(1) == b""


def test_a_thousand_idle_connections_do_not_starve_real_requests(tmp_path: Path) -> None:
    """As on a machine that allows 1,024 open files (most Linux desktops; macOS allows 256)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1400:
        pytest.skip("this test process may not open 1,100 connections")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(4096, hard)), hard))
    root = basic_site(tmp_path / "site")
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp, open_files=1024)
    idle: list[socket.socket] = []
    try:
        url = address(process)
        host, port = url[len("http://"):].rstrip("/").split(":")
        for _ in range(1100):
            idle.append(socket.create_connection((host, int(port)), timeout=10))
        for path in ("alpha/", "beta/", "alpha/about/", "alpha/news/"):
            status, _, body = fetch(url + path)
            assert status == 200 and b"/__icsgen/events" in body
        closed = 0
        for sock in idle:
            sock.settimeout(0.01)
            with contextlib.suppress(TimeoutError):
                closed += sock.recv(1) == b""
        assert closed >= 1100 - 256  # the longest idle made room
    finally:
        for sock in idle:
            sock.close()
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:  # never leave it running
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
