"""The host rules files (`_headers`, `.htaccess`, `_nginx.conf`): a Content-Security-Policy per region that
allows exactly its configured services, checked in the files and, for nginx and Apache, as real servers
on 127.0.0.1 send them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import missing_tool
from tests.support.sitemaker import BASIC_PAGES, run, write_site

CONFIG = """\
site:
  title: Test ICS sites
  base_url: https://test.example.org/ics/
regions:
  alpha:
    name: Alpha Health and Care
    analytics: {provider: google-analytics, id: G-AB12CD34}
    toolbar: {provider: recite-me, key: abcdef123456}
  beta:
    name: Beta Partnership
  gamma:
    name: Gamma
    base_url: https://gamma.example.org/
    analytics: {provider: matomo, id: '4', address: 'https://stats.example.org/piwik/'}
"""
GA = "https://*.googletagmanager.com"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {**BASIC_PAGES, "content/gamma/index.md": "---\ntitle: Gamma\n---\nHello.\n"}
    root = write_site(tmp_path_factory.mktemp("hostrules"), files, CONFIG)
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    return root / "build"


def policy(text: str, after: str) -> str:
    """The Content-Security-Policy given in `_headers` under the rule for `after`."""
    block = text.split(f"\n{after}\n", 1)[1]
    return next(line.split(": ", 1)[1] for line in block.splitlines() if "Content-Security-Policy" in line)


def test_each_region_allows_exactly_its_own_services(built: Path) -> None:
    headers = (built / "_headers").read_text()
    alpha, beta, hub = policy(headers, "/ics/alpha/*"), policy(headers, "/ics/beta/*"), policy(headers, "/ics/")
    assert f"script-src 'self' 'wasm-unsafe-eval' {GA} https://*.reciteme.com;" in alpha
    assert "connect-src 'self' https://*.google-analytics.com https://*.analytics.google.com" in alpha
    assert "frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com;" in alpha
    assert "script-src 'self' 'wasm-unsafe-eval';" in beta and "googletagmanager" not in beta and "reciteme" not in beta
    assert "script-src 'self' 'wasm-unsafe-eval';" in hub and "youtube" not in hub
    assert "stats.example.org" not in headers  # gamma is published on its own domain, from its own folder
    assert "X-Content-Type-Options: nosniff" in headers.split("\n/ics/*\n", 1)[1]
    gamma = (built / "gamma" / "_headers").read_text()
    assert "script-src 'self' 'wasm-unsafe-eval' https://stats.example.org;" in policy(gamma, "/*")


def test_the_apache_and_nginx_files_say_the_same(built: Path) -> None:
    headers = (built / "_headers").read_text()
    alpha = policy(headers, "/ics/alpha/*")
    htaccess, nginx = (built / ".htaccess").read_text(), (built / "_nginx.conf").read_text()
    assert f'<If "%{{REQUEST_URI}} =~ m#^/ics/alpha/#">\n    Header always set Content-Security-Policy "{alpha}"' \
        in htaccess
    assert f'if ($uri ~ "^/ics/alpha/") {{ set $icsgen_csp "{alpha}"; }}' in nginx


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _headers_of(url: str) -> dict[str, str]:
    error: OSError | None = None
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return {k.lower(): v for k, v in response.headers.items()}
        except OSError as exc:
            error = exc
            time.sleep(0.1)
    raise AssertionError(f"no answer from {url}: {error}")


@pytest.fixture
def served(built: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The build under /ics/ on a real nginx or Apache (the test's parameter), on 127.0.0.1."""
    server, port = request.param, _port()
    site = Path(tempfile.mkdtemp(prefix="icsgen-www-"))  # the servers' workers run as another user: readable
    site.chmod(0o755)
    shutil.copytree(built, site / "ics")
    request.addfinalizer(lambda: shutil.rmtree(site, ignore_errors=True))
    if server == "nginx":
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        temp = "".join(f" {name}_temp_path {tmp_path}/{name};" for name in ("client_body", "proxy", "fastcgi",
                                                                            "uwsgi", "scgi"))
        conf = (f"daemon off; pid {tmp_path}/nginx.pid; error_log stderr;\nevents {{}}\n"
                f"http {{ access_log off;{temp}\n  server {{ listen 127.0.0.1:{port}; root {site};\n"
                f"    include {site}/ics/_nginx.conf; }}\n}}\n")
        command = [binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    else:
        binary = shutil.which("apache2") or "/usr/sbin/apache2"
        modules = "/usr/lib/apache2/modules"
        conf = (f"ServerRoot {tmp_path}\nServerName localhost\nListen 127.0.0.1:{port}\nPidFile {tmp_path}/httpd.pid\n"
                f"ErrorLog /dev/stderr\nTypesConfig /etc/mime.types\n"
                + "".join(f"LoadModule {name}_module {modules}/mod_{name}.so\n"
                          for name in ("mpm_event", "authz_core", "headers", "dir", "mime"))
                + f"DocumentRoot {site}\nDirectoryIndex index.html\n<Directory {site}>\n  AllowOverride All\n"
                  "  Require all granted\n</Directory>\n")
        command = [binary, "-f", str(tmp_path / "nginx.conf"), "-DFOREGROUND"]
    if not Path(binary).exists():
        missing_tool(f"{server} is not installed")
    (tmp_path / "nginx.conf").write_text(conf)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={"PATH": "/usr/sbin:/usr/bin:/bin", "APACHE_RUN_DIR": str(tmp_path)})
    try:
        yield f"http://127.0.0.1:{port}/ics/"
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode(errors="replace")
        if "emerg" in output or "Syntax error" in output:
            pytest.fail(f"{server} refused the configuration:\n{output}")


@pytest.mark.parametrize("served", ["nginx", "apache"], indirect=True)
def test_a_real_server_sends_each_region_its_own_policy(served: str, built: Path) -> None:
    headers = (built / "_headers").read_text()
    for path, expected in (("alpha/", policy(headers, "/ics/alpha/*")), ("beta/", policy(headers, "/ics/beta/*")),
                           ("", policy(headers, "/ics/"))):
        got = _headers_of(served + path)
        assert got["content-security-policy"] == expected, path
        assert got["x-content-type-options"] == "nosniff"
        assert got["referrer-policy"] == "strict-origin-when-cross-origin"
