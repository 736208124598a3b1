"""Redirects in the host rule files beside the security headers, as nginx reads them; the redirect page's
script allowed by the Content-Security-Policy (icsgen/render/hostrules.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from icsgen.build import BuildOptions, load
from icsgen.content import find_redirects
from icsgen.render import Linker
from icsgen.render.hostrules import REDIRECT_SCRIPT, REDIRECT_SCRIPT_HASH, host_files, redirect_pages
from tests.support import missing_tool
from tests.support.sitemaker import basic_site


def files_for(tmp_path: Path, aliases: bool = True) -> dict[str, str]:
    about = "---\ntitle: About us\naliases: [/who-we-are/]\n---\nText.\n" if aliases else \
        "---\ntitle: About us\n---\nText.\n"
    root = basic_site(tmp_path / "site", {"content/alpha/about/index.md": about})
    site = load(root, BuildOptions()).site
    linker = Linker(site.config, site.chosen)
    redirects = find_redirects(site)
    return {**redirect_pages(site, linker, redirects), **host_files(site.config, linker, site.chosen, redirects)}


def test_the_redirect_script_is_allowed_only_when_there_are_redirects(tmp_path: Path) -> None:
    files = files_for(tmp_path / "with")
    assert f"<script>{REDIRECT_SCRIPT}</script>" in files["alpha/who-we-are/index.html"]
    assert f"script-src 'self' {REDIRECT_SCRIPT_HASH}" in files["_headers"]
    assert "/alpha/who-we-are/  /alpha/about/  301!" in files["_redirects"].splitlines()
    assert 'location = "/alpha/who-we-are/" { return 301 "/alpha/about/$is_args$args"; }' in files["_nginx.conf"]
    plain = files_for(tmp_path / "without", aliases=False)
    assert REDIRECT_SCRIPT_HASH not in plain["_headers"] and "_redirects" not in plain


def test_nginx_accepts_the_include(tmp_path: Path) -> None:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if binary is None:
        missing_tool("nginx is not installed (apt-get install nginx-light)")
    include = tmp_path / "nginx.conf"
    include.write_text(files_for(tmp_path)["_nginx.conf"])
    (tmp_path / "logs").mkdir()
    conf = tmp_path / "server.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/logs/error.log;\n"
                    f"events {{}}\nhttp {{ server {{ listen 127.0.0.1:8; root {tmp_path}; include {include}; }} }}\n")
    done = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
