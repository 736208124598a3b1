"""Rules for the web server: the files a host reads to send headers (and redirects) with the site.

A static site cannot send HTTP headers itself; its host can, from a file published with it. The build
writes the same rules three ways, each in the folder published at a host's root:

* `_headers`: Netlify and Cloudflare Pages read it from the published folder;
* `.htaccess`: Apache reads it (with `AllowOverride FileInfo` or `All`, and mod_headers);
* `_nginx.conf`: an include for nginx, whose own settings name it (`include .../_nginx.conf;` inside the
  `server { }` block): nginx reads nothing from the folder by itself.

This module owns those three files: anything else a host must be told is added here, as more rules of a
`HostFolder`, so each file stays one file. Everything is derived from the settings and the site's old
addresses (pages' `aliases:`, regions' `redirects:`; content/redirects.py).

Redirects (issue 20) are written twice over, as a static site may be published where rules are read and
where they are not: `_redirects` (Netlify, Cloudflare Pages), `RedirectMatch 301` in `.htaccess` and an
exact `location` answering 301 in `_nginx.conf`; and at each old address that is a page (`old/`,
`old.html`), a small HTML page that sends the reader on at once (a script keeping the query string and
`#fragment`, allowed by its hash in the Content-Security-Policy; a meta refresh when scripts are off; a
canonical link, `noindex` and a visible link). The `.htaccess` also holds what the guide's hand-written
one did (index pages, charset, each region's "page not found" page, caching): the build replaces it.

The headers: a Content-Security-Policy per region that allows this site's own files and exactly the
third-party services its settings name (analytics, accessibility toolbar; the two privacy-enhanced
video players, which load only when a reader asks), and the usual protections (no MIME sniffing, no
framing by other sites, a referrer cut to the origin on other sites, no camera, microphone or location).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from icsgen.config import RegionConfig, SiteConfig
from icsgen.content import Redirect, Site

from .pagetext import CONTROLS
from .strings import english
from .urls import Linker, encode_path, host_and_path

VIDEO_HOSTS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")
HEADERS_FILE, APACHE_FILE, NGINX_FILE = "_headers", ".htaccess", "_nginx.conf"  # '_': not a page of the site
FILES = (HEADERS_FILE, APACHE_FILE, NGINX_FILE)
REDIRECTS_FILE = "_redirects"
# The redirect page's script: the same text on every page (it reads the new address from the page's
# link), so one Content-Security-Policy hash allows it everywhere.
REDIRECT_SCRIPT = (
    'var a=document.getElementById("new-address"),u=new URL(a.href);'
    "if(location.search&&!u.search)u.search=location.search;"
    "if(location.hash)u.hash=location.hash;"
    "location.replace(u.href);"
)
REDIRECT_SCRIPT_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(REDIRECT_SCRIPT.encode()).digest()).decode() + "'"
COMMON_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)
# What every page may load: its own files, the styles in its own attributes (a region's accent colour;
# a 404 page's inline stylesheet), images as data: addresses; nothing may frame it but the site.
# 'wasm-unsafe-eval' lets the search page compile Pagefind's WebAssembly (its own file); it allows no eval().
_BASE_POLICY = (
    ("default-src", ("'self'",)),
    ("script-src", ("'self'", "'wasm-unsafe-eval'")),
    ("style-src", ("'self'", "'unsafe-inline'")),
    ("img-src", ("'self'", "data:")),
    ("font-src", ("'self'",)),
    ("connect-src", ("'self'",)),
    ("media-src", ("'self'",)),
    ("frame-src", ("'self'",)),
    ("object-src", ("'none'",)),
    ("base-uri", ("'self'",)),
    ("form-action", ("'self'",)),
    ("frame-ancestors", ("'self'",)),
)


def content_security_policy(region: RegionConfig | None) -> str:
    """The policy of a region's pages (or the hub's, for None): the base, plus exactly its services."""
    sources = {name: list(values) for name, values in _BASE_POLICY}
    if region is not None:
        sources["frame-src"] += VIDEO_HOSTS
        for service in (region.analytics, region.toolbar):
            for name, values in (service.csp if service is not None else {}).items():
                sources[name] += [v for v in values if v not in sources[name]]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in sources.items())


@dataclass(frozen=True)
class HeaderRule:
    """Headers for every address under `path` (a path on the host: '/' or '/ics/leeds/')."""

    path: str
    headers: tuple[tuple[str, str], ...]


@dataclass
class HostFolder:
    """The rules of one folder of the output that a host serves at its root path `path`."""

    folder: str  # site path of the folder: '' for the whole site, 'leeds/' for a region on its own domain
    path: str  # where the host serves it: '/' or '/ics/'
    common: tuple[tuple[str, str], ...] = COMMON_HEADERS
    policy: str = ""  # for addresses not under a region's rule (the hub, the site-wide 404 page)
    headers: list[HeaderRule] = field(default_factory=list)  # more specific, for a region's addresses
    redirects: list[tuple[str, str]] = field(default_factory=list)  # (old path on the host, where it goes)
    basics: list[str] = field(default_factory=list)  # the .htaccess lines the guide's own file held


def host_folders(config: SiteConfig, linker: Linker, chosen: Iterable[str]) -> list[HostFolder]:
    """The folders the site is published from: the whole output at `base_url`, and the folder of each
    region on its own domain at that domain's path."""
    site_host, site_path = host_and_path(config.base_url)
    main = HostFolder("", site_path, policy=content_security_policy(None))
    folders = [main]
    for region in (r for r in config.regions if r.id in chosen):
        host, path = host_and_path(linker.absolute(f"{region.id}/"))
        policy = content_security_policy(region)
        if host == site_host and path.startswith(site_path):
            main.headers.append(HeaderRule(path, (("Content-Security-Policy", policy),)))
        else:
            folders.append(HostFolder(f"{region.id}/", path, policy=policy))
    return folders


def host_files(config: SiteConfig, linker: Linker, chosen: Iterable[str],
               redirects: Sequence[Redirect] = ()) -> dict[str, str]:
    """`_headers`, `.htaccess` and `_nginx.conf` for each folder a host serves, and `_redirects` for one with
    old addresses, by output path."""
    files = {}
    chosen = tuple(chosen)
    for folder in host_folders(config, linker, chosen):
        own = [r for r in redirects if r.source.startswith(folder.folder)]
        folder.redirects = [(_path(config, linker, folder.folder, r.source),
                             r.target if r.external else _path(config, linker, folder.folder, r.target)) for r in own]
        if redirects:  # the redirect pages' one script
            folder.policy = _allow_redirect_script(folder.policy)
            folder.headers = [HeaderRule(rule.path, tuple((name, _allow_redirect_script(value))
                                                          if name == "Content-Security-Policy" else (name, value)
                                                          for name, value in rule.headers))
                              for rule in folder.headers]
        folder.basics = _apache_basics(config, folder, chosen)
        files[folder.folder + HEADERS_FILE] = netlify_headers(folder)
        files[folder.folder + APACHE_FILE] = htaccess(folder)
        files[folder.folder + NGINX_FILE] = nginx(folder)
        if folder.redirects:
            files[folder.folder + REDIRECTS_FILE] = netlify_redirects(folder)
    return files


def _allow_redirect_script(policy: str) -> str:
    return policy.replace("script-src 'self'", f"script-src 'self' {REDIRECT_SCRIPT_HASH}", 1)


def _path(config: SiteConfig, linker: Linker, folder: str, site_path: str) -> str:
    """The path of a site path on the host that serves `folder` (the site, or a region on its own domain)."""
    if folder:
        return host_and_path(linker.absolute(site_path))[1]
    return host_and_path(config.base_url + encode_path(site_path))[1]


def _apache_basics(config: SiteConfig, folder: HostFolder, chosen: Sequence[str]) -> list[str]:
    """What the guide's hand-written `.htaccess` held, for the folder's host: the build's file replaces it."""
    base = folder.path
    lines = ["DirectoryIndex index.html", "AddDefaultCharset utf-8", f"ErrorDocument 404 {base}404.html"]
    for region_id in chosen if not folder.folder else ():
        own = f"{base}{region_id}/"
        lines += [f'<If "%{{REQUEST_URI}} =~ m#^{re.escape(own)}#">', f"    ErrorDocument 404 {own}404.html", "</If>"]
    lines += ["<IfModule mod_headers.c>",
              '    <FilesMatch "\\.(html|xml)$">', '        Header set Cache-Control "public, max-age=300"',
              "    </FilesMatch>",
              '    <FilesMatch "\\.[0-9a-f]{10}\\.(css|js)$">',
              '        Header set Cache-Control "public, max-age=31536000, immutable"', "    </FilesMatch>",
              "</IfModule>"]
    return lines


def escape(text: str) -> str:
    """Text for HTML content or a double-quoted attribute, without the characters no page may hold."""
    if not text.isprintable():
        text = CONTROLS.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def redirect_pages(site: Site, linker: Linker, redirects: Sequence[Redirect],
                   words: Callable[[str], Callable[..., Any]] | None = None) -> dict[str, str]:
    """The page at each old address that is a page (see `Redirect.page_file`), by output path."""
    return {r.page_file: redirect_page(site, linker, r, words(r.region) if words is not None else None)
            for r in redirects if r.page_file is not None}


def redirect_page(site: Site, linker: Linker, redirect: Redirect, words: Callable[..., Any] | None = None) -> str:
    """The page at an old address: it sends the reader on, with or without scripts, and says where to,
    in the theme's words in the site's language (`words`, the templates' `t`; English without it)."""
    say = words if words is not None else english
    file = redirect.page_file or redirect.source
    if redirect.external:
        href = canonical = name = redirect.target
    else:
        href = linker.link(file, redirect.target)
        canonical = linker.absolute(redirect.target)
        owner = site.by_url.get(redirect.target.partition("#")[0])
        page = site.pages.get(owner) if owner else None
        section = site.sections.get(owner.rstrip("/")) if owner and owner.endswith("/") else None
        name = page.title if page is not None else section.title if section is not None else \
            str(say("moved_new_address"))
    region = site.regions[redirect.region].config.name if redirect.region in site.regions else site.config.title
    link = f'<a id="new-address" href="{escape(href)}">{escape(name)}</a>'
    return "\n".join([
        "<!doctype html>",
        f'<html lang="{escape(site.config.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(say('moved_title'))} - {escape(region)}</title>",
        '<meta name="robots" content="noindex">',
        f'<link rel="canonical" href="{escape(canonical)}">',
        f'<meta http-equiv="refresh" content="0; url={escape(href)}">',
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{escape(say('moved_title'))}</h1>",
        f"<p>{say('moved_go_to', link=Markup(link))}</p>",
        "</main>",
        f"<script>{REDIRECT_SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ])


_WRITTEN = "Written by `icsgen build` from regions.yaml: edit the settings, not this file."


def netlify_headers(folder: HostFolder) -> str:
    """Netlify / Cloudflare Pages `_headers`. Both join the values of a header set by two matching rules
    with a comma, which for a CSP means both policies apply (only what both allow): so the policy is
    given once for each address, the hub's to its own pages by name and each region's to its folder."""
    lines = [f"# {_WRITTEN}", f"{folder.path}*"]
    lines += [f"  {name}: {value}" for name, value in folder.common]
    if folder.headers:
        for exact in (folder.path, f"{folder.path}index.html", f"{folder.path}404.html"):
            lines += [exact, f"  Content-Security-Policy: {folder.policy}"]
        for rule in folder.headers:
            lines.append(f"{rule.path}*")
            lines += [f"  {name}: {value}" for name, value in rule.headers]
    else:
        lines.append(f"  Content-Security-Policy: {folder.policy}")
    return "\n".join(lines) + "\n"


def _regex(path: str) -> str:
    return "^" + re.escape(path)


def htaccess(folder: HostFolder) -> str:
    """Apache: mod_headers, with `<If>` (Apache 2.4) for each region's policy."""
    lines = [f"# {_WRITTEN}", "# Needs mod_headers, and AllowOverride FileInfo (or All) for this folder.",
             *folder.basics, "<IfModule mod_headers.c>"]
    lines += [f'  Header always set {name} "{value}"' for name, value in folder.common]
    lines.append(f'  Header always set Content-Security-Policy "{folder.policy}"')
    for rule in folder.headers:
        lines.append(f'  <If "%{{REQUEST_URI}} =~ m#{_regex(rule.path)}#">')
        lines += [f'    Header always set {name} "{value}"' for name, value in rule.headers]
        lines.append("  </If>")
    lines.append("</IfModule>")
    if folder.redirects:  # mod_alias keeps the query string
        lines.append("<IfModule mod_alias.c>")
        for source, target in folder.redirects:  # Apache matches the address decoded: 'Our Board', not 'Our%20Board'
            source = _decoded(source)
            pattern = re.escape(source.rstrip("/")) + ("(?:/|/index\\.html)?" if source.endswith("/") else "")
            lines.append(f'  RedirectMatch 301 "^{pattern}$" "{target}"')
        lines.append("</IfModule>")
    return "\n".join(lines) + "\n"


def nginx(folder: HostFolder) -> str:
    """nginx: one include for the `server { }` block. `add_header` there applies to every location that
    has no `add_header` of its own; the policy is chosen by address with `set`, the one thing `if` is
    safe for at server level."""
    lines = [f"# {_WRITTEN}", "# Include it inside the server { } block that serves this folder:",
             "#     include /path/to/the/site/_nginx.conf;",
             "# A location with add_header lines of its own does not get these: repeat the include in it.",
             f'set $icsgen_csp "{folder.policy}";']
    for rule in folder.headers:
        for name, value in rule.headers:
            if name == "Content-Security-Policy":
                lines.append(f'if ($uri ~ "{_regex(rule.path)}") {{ set $icsgen_csp "{value}"; }}')
    lines.append("add_header Content-Security-Policy $icsgen_csp always;")
    lines += [f'add_header {name} "{value}" always;' for name, value in folder.common]
    for source, target in folder.redirects:  # an exact location for each old address: 301, query string kept
        for variant in _variants(_decoded(source)):  # nginx matches $uri, which is decoded
            lines.append(f"location = {json.dumps(variant, ensure_ascii=False)} "
                         f"{{ return 301 {json.dumps(target + '$is_args$args', ensure_ascii=False)}; }}")
    return "\n".join(lines) + "\n"


def _decoded(path: str) -> str:
    """A rule's address as the server compares it (the names on disk): old addresses are written
    %-encoded (`/Pages/Our%20Board.aspx`), and nginx and Apache match the request's decoded path."""
    if "%" not in path:
        return path
    from urllib.parse import unquote

    return unquote(path)


def _variants(path: str) -> list[str]:
    """The addresses a rule answers: a folder with and without its '/', and with index.html."""
    return [path, path.rstrip("/"), path + "index.html"] if path.endswith("/") and path != "/" else [path]


def netlify_redirects(folder: HostFolder) -> str:
    """`_redirects` for Netlify and Cloudflare Pages: `301!` is forced, because the old address also holds
    the redirect page, which would otherwise be served in its place."""
    lines = [f"# {_WRITTEN}"]
    for source, target in folder.redirects:
        lines += [f"{variant}  {target}  301!" for variant in _variants(source)]
    return "\n".join(lines) + "\n"
