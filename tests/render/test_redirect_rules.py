"""Host rule files with response headers (the `HeaderRule`s other features pass in), as nginx and Apache
read them (icsgen/render/hostrules.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from icsgen.build import BuildOptions, load
from icsgen.content import find_redirects
from icsgen.render import Linker
from icsgen.render.hostrules import REDIRECT_SCRIPT, REDIRECT_SCRIPT_HASH, HeaderRule, host_files
from tests.support import missing_tool
from tests.support.sitemaker import basic_site

HEADERS = (HeaderRule("", (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))),
           HeaderRule("alpha/", (("Content-Security-Policy", f"script-src 'self' {REDIRECT_SCRIPT_HASH}"),)))


def files_for(tmp_path: Path) -> dict[str, str]:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/index.md": "---\ntitle: About us\naliases: [/who-we-are/]\n---\nText.\n"})
    site = load(root, BuildOptions()).site
    return host_files(site, Linker(site.config, site.chosen), find_redirects(site), HEADERS)


def test_headers_are_written_for_every_host(tmp_path: Path) -> None:
    files = files_for(tmp_path)
    assert files["_headers"].splitlines()[1:] == [
        "/*", "  X-Content-Type-Options: nosniff", "  Referrer-Policy: same-origin",
        "/alpha/*", f"  Content-Security-Policy: script-src 'self' {REDIRECT_SCRIPT_HASH}"]
    assert 'add_header X-Content-Type-Options "nosniff" always;' in files["_nginx.conf"]
    assert 'location ^~ "/alpha/" {' in files["_nginx.conf"]
    assert '    Header always set Referrer-Policy "same-origin"' in files[".htaccess"]
    assert f"<script>{REDIRECT_SCRIPT}</script>" in files["alpha/who-we-are/index.html"]


def test_nginx_accepts_the_include(tmp_path: Path) -> None:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if binary is None:
        missing_tool("nginx is not installed (apt-get install nginx-light)")
    include = tmp_path / "_nginx.conf"
    include.write_text(files_for(tmp_path)["_nginx.conf"])
    (tmp_path / "logs").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/logs/error.log;\n"
                    f"events {{}}\nhttp {{ server {{ listen 127.0.0.1:8; root {tmp_path}; include {include}; }} }}\n")
    done = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
