"""Rules for the web server: the files a host reads to send headers (and redirects) with the site.

A static site cannot send HTTP headers itself; its host can, from a file published with it. The build
writes the same rules three ways, each in the folder published at a host's root:

* `_headers`: Netlify and Cloudflare Pages read it from the published folder;
* `.htaccess`: Apache reads it (with `AllowOverride FileInfo` or `All`, and mod_headers);
* `_nginx.conf`: an include for nginx, whose own settings name it (`include .../_nginx.conf;` inside the
  `server { }` block): nginx reads nothing from the folder by itself.

This module owns those three files: anything else a host must be told (redirects, issue 20) is added
here, as more rules of a `HostFolder`, so each file stays one file. Everything is derived from the
settings, never from pages: the rules are the same whatever was rebuilt.

The headers: a Content-Security-Policy per region that allows this site's own files and exactly the
third-party services its settings name (analytics, accessibility toolbar; the two privacy-enhanced
video players, which load only when a reader asks), and the usual protections (no MIME sniffing, no
framing by other sites, a referrer cut to the origin on other sites, no camera, microphone or location).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from icsgen.config import RegionConfig, SiteConfig

from .urls import Linker, host_and_path

VIDEO_HOSTS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")
HEADERS_FILE, APACHE_FILE, NGINX_FILE = "_headers", ".htaccess", "_nginx.conf"  # '_': not a page of the site
FILES = (HEADERS_FILE, APACHE_FILE, NGINX_FILE)
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


def host_files(config: SiteConfig, linker: Linker, chosen: Iterable[str]) -> dict[str, str]:
    """`_headers`, `.htaccess` and `_nginx.conf` for each folder a host serves, by output path."""
    files = {}
    for folder in host_folders(config, linker, chosen):
        files[folder.folder + HEADERS_FILE] = netlify_headers(folder)
        files[folder.folder + APACHE_FILE] = htaccess(folder)
        files[folder.folder + NGINX_FILE] = nginx(folder)
    return files


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
             "<IfModule mod_headers.c>"]
    lines += [f'  Header always set {name} "{value}"' for name, value in folder.common]
    lines.append(f'  Header always set Content-Security-Policy "{folder.policy}"')
    for rule in folder.headers:
        lines.append(f'  <If "%{{REQUEST_URI}} =~ m#{_regex(rule.path)}#">')
        lines += [f'    Header always set {name} "{value}"' for name, value in rule.headers]
        lines.append("  </If>")
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
    return "\n".join(lines) + "\n"
