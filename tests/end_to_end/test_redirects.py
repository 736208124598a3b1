"""A renamed page keeps its old address: in a real browser (with and without scripts), behind a real
nginx with the written `_nginx.conf`, and as valid, accessible HTML (docs/guide.md, "When a page moves")."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import missing_tool
from tests.support.axe import run_axe
from tests.support.servers import StartServer
from tests.support.sitemaker import BASIC_CONFIG, BASIC_PAGES, run, write_site
from tests.support.vnu import run_vnu

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture
def renamed(tmp_path: Path) -> Path:
    """The basic site after an editor renamed about/partners.md to about/our-partners.md and kept the
    old address as an alias, and moved an old CCG page with a region redirect."""
    files = dict(BASIC_PAGES)
    old = files.pop("content/alpha/about/partners.md")
    files["content/alpha/about/our-partners.md"] = old.replace("weight: 2\n",
                                                               "weight: 2\naliases:\n  - /about/partners/\n")
    home = "content/alpha/index.md"
    files[home] = files[home].replace("about/partners.md", "about/our-partners.md")
    config = BASIC_CONFIG.replace(
        "    nav:\n", "    redirects:\n      /ccg/Pages/partners.aspx: about/our-partners.md\n"
        "      /ccg/Pages/Our%20Partners.aspx: about/our-partners.md\n"
        "      /ccg/our%20partners/: about/our-partners.md\n    nav:\n", 1)
    root = write_site(tmp_path / "site", files, config)
    result = run(root, "build", "--quiet")
    assert result.exit_code == 0, result.output
    return root / "build"


@pytest.mark.browser
def test_the_old_address_leads_to_the_new_page_keeping_fragment_and_query(renamed: Path, page: Page,
                                                                          static_server: StartServer) -> None:
    base = static_server(renamed, prefix="/ics/")
    page.goto(base + "alpha/about/partners/?from=leaflet#nhs-trusts")
    page.wait_for_url("**/our-partners/**")
    assert page.url == base + "alpha/about/our-partners/index.html?from=leaflet#nhs-trusts"
    assert page.locator("h1").inner_text() == "Partners"


@pytest.mark.browser
def test_the_old_address_works_from_disk_and_with_scripts_off(renamed: Path, browser: Browser,
                                                             page: Page) -> None:
    page.goto((renamed / "alpha/about/partners/index.html").as_uri() + "#nhs-trusts")
    page.wait_for_url("**/our-partners/index.html#nhs-trusts")
    context = browser.new_context(java_script_enabled=False)
    try:
        quiet = context.new_page()
        quiet.goto((renamed / "alpha/about/partners/index.html").as_uri())
        quiet.wait_for_url("**/our-partners/index.html")  # the meta refresh
        assert quiet.locator("h1").inner_text() == "Partners"
    finally:
        context.close()


@pytest.mark.browser
def test_redirect_pages_are_valid_and_accessible(renamed: Path, page: Page) -> None:
    redirect = renamed / "alpha/about/partners/index.html"
    assert run_vnu([redirect]) == []
    # its exact text, at about:blank, where its relative address leads nowhere: the page stays to be checked
    page.set_content(redirect.read_text())
    page.wait_for_timeout(300)
    assert page.locator("h1").inner_text() == "This page has moved"
    assert run_axe(page, None) == []


def test_the_rule_files_hold_the_old_addresses(renamed: Path) -> None:
    rules = (renamed / "_redirects").read_text().splitlines()
    assert "/alpha/about/partners/  /alpha/about/our-partners/  301!" in rules
    assert "/alpha/ccg/Pages/partners.aspx  /alpha/about/our-partners/  301!" in rules
    assert "/alpha/ccg/Pages/Our%20Partners.aspx  /alpha/about/our-partners/  301!" in rules
    # a static host looks for the decoded name: the redirect page is in the folder 'our partners'
    assert (renamed / "alpha/ccg/our partners/index.html").is_file()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(renamed: Path, tmp_path: Path) -> Iterator[int]:
    """A real nginx on 127.0.0.1 serving the build with its `_nginx.conf` included, as the guide says."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if binary is None:
        missing_tool("nginx is not installed (apt-get install nginx-light)")
    port = _free_port()
    prefix = tmp_path / "nginx"
    (prefix / "logs").mkdir(parents=True)
    conf = prefix / "_nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the test's private folder
    conf.write_text(f"""
{user}
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy; fastcgi_temp_path {prefix}/fcgi;
  uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {renamed};
    include {renamed}/_nginx.conf;
  }}
}}
""")
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(conf)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"nginx did not start: {process.stdout.read().decode() if process.stdout else ''}")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_nginx_answers_301_with_the_query_string(nginx: int) -> None:
    for old in ("/alpha/about/partners/", "/alpha/about/partners", "/alpha/about/partners/index.html",
                "/alpha/ccg/Pages/partners.aspx", "/alpha/ccg/Pages/Our%20Partners.aspx", "/alpha/ccg/our%20partners/"):
        connection = http.client.HTTPConnection("127.0.0.1", nginx, timeout=10)
        connection.request("GET", old + "?from=leaflet")
        response = connection.getresponse()
        assert response.status == 301, old
        assert response.getheader("Location", "").endswith("/alpha/about/our-partners/?from=leaflet"), old
        connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", nginx, timeout=10)
    connection.request("GET", "/alpha/about/our-partners/")
    assert connection.getresponse().status == 200


@pytest.fixture
def apache(renamed: Path, tmp_path: Path) -> Iterator[int]:
    """A real Apache on 127.0.0.1 serving the build, reading the written `.htaccess` (AllowOverride All)."""
    cleanup: list[Path] = []
    binary = shutil.which("apache2") or ("/usr/sbin/apache2" if os.path.exists("/usr/sbin/apache2") else None)
    modules = Path("/usr/lib/apache2/modules")
    if binary is None or not modules.is_dir():
        missing_tool("Apache is not installed (apt-get install apache2)")
    port = _free_port()
    folder = tmp_path / "apache"
    folder.mkdir()
    conf = folder / "httpd.conf"
    loads = "\n".join(f"LoadModule {name}_module {modules}/mod_{name}.so"
                      for name in ("mpm_event", "authz_core", "alias", "dir", "mime", "headers"))
    user = ""
    if os.geteuid() == 0:  # Apache refuses to serve as root: its workers run as nobody, who must read the site
        public = Path(tempfile.mkdtemp(prefix="icsgen-apache-"))
        cleanup.append(public)
        public.chmod(0o755)
        shutil.copytree(renamed, public / "site")
        renamed = public / "site"
        user = "User nobody\nGroup nogroup"
    conf.write_text(f"""
{loads}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {folder}/httpd.pid
ErrorLog {folder}/error.log
DefaultRuntimeDir {folder}
{user}
TypesConfig /etc/mime.types
DocumentRoot {renamed}
<Directory {renamed}>
  AllowOverride All
  Require all granted
</Directory>
""")
    env = {**os.environ, "APACHE_RUN_DIR": str(folder)}
    process = subprocess.Popen([binary, "-X", "-f", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    log = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
                    pytest.fail(f"Apache did not start: {process.stdout.read().decode() if process.stdout else ''}"
                                f"{log}")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        for folder in cleanup:
            shutil.rmtree(folder, ignore_errors=True)


def test_apache_answers_301_with_the_query_string_from_the_written_htaccess(apache: int) -> None:
    for old in ("/alpha/about/partners/", "/alpha/about/partners", "/alpha/about/partners/index.html",
                "/alpha/ccg/Pages/partners.aspx", "/alpha/ccg/Pages/Our%20Partners.aspx", "/alpha/ccg/our%20partners/"):
        connection = http.client.HTTPConnection("127.0.0.1", apache, timeout=10)
        connection.request("GET", old + "?from=leaflet")
        response = connection.getresponse()
        assert response.status == 301, old
        assert response.getheader("Location", "").endswith("/alpha/about/our-partners/?from=leaflet"), old
        connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", apache, timeout=10)
    connection.request("GET", "/alpha/no-such-page/")
    response = connection.getresponse()
    assert response.status == 404
    assert "Page not found" in response.read().decode()  # the region's own, from the written ErrorDocument
