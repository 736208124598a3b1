"""The persistent build cache: what each output read last time, so unchanged outputs are not redone.

Each output's *signature* hashes the inputs its last render actually read (recorded in `Deps`):
its own page, other pages' text, section lists, data files, templates, links and assets, plus a
fingerprint of the settings, options and icsgen's own code. A render reads only what those inputs
lead it to, so if every recorded input is unchanged the output is unchanged and can be kept.

The cache is plain JSON under `.icsgen-cache/`. Anything unreadable, from another version of
icsgen, or for another output folder is ignored and rebuilt: a cache may save time, never decide
what the site says.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .content import Site, resolve_link
from .render import Job, Renderer

CACHE_DIR = ".icsgen-cache"
FORMAT = 1


@functools.cache
def code_fingerprint() -> str:
    """icsgen's version and its own source, so a changed icsgen never trusts an old cache."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _hash(parts: Iterable[str]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


class BuildCache:
    """Reads and writes the cache files; every read is defensive."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR

    def _read(self, name: str) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("code") != code_fingerprint():
            return None
        return data

    def _write(self, name: str, data: dict[str, Any]) -> None:
        self.folder.mkdir(exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")  # never committed, whatever the project ignores
        data = {"format": FORMAT, "code": code_fingerprint(), **data}
        temporary = self.folder / f".{name}.{os.getpid()}"
        temporary.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.folder / name)

    # -- parsed front matter, shared by every kind of run -------------------------------------

    def load_front_matter(self) -> dict[str, Any]:
        data = self._read("frontmatter.json")
        memo = data.get("entries") if data else None
        return memo if isinstance(memo, dict) else {}

    def save_front_matter(self, memo: dict[str, Any], used: set[str]) -> None:
        self._write("frontmatter.json", {"entries": {k: v for k, v in memo.items() if k in used}})

    # -- outputs of the last successful build ------------------------------------------------

    def load_outputs(self, fingerprint: str, out: Path) -> dict[str, Any] | None:
        data = self._read("outputs.json")
        if not data or data.get("fingerprint") != fingerprint or data.get("out") != str(out):
            return None
        outputs, files = data.get("outputs"), data.get("files")
        if not isinstance(outputs, dict) or not isinstance(files, list):
            return None
        return data

    def save_outputs(self, fingerprint: str, out: Path, outputs: dict[str, Any], files: list[str]) -> None:
        self._write("outputs.json", {"fingerprint": fingerprint, "out": str(out), "outputs": outputs,
                                     "files": sorted(files)})


def site_fingerprint(site: Site, renderer: Renderer, options: Any) -> str:
    """Everything every output depends on without a render recording it."""
    parts = [code_fingerprint(), site.config.path.read_text(encoding="utf-8"),
             repr((options.drafts, options.future, site.chosen))]
    for region_id, chain in sorted(renderer.chains.items(), key=lambda item: str(item[0])):
        parts.append(f"{region_id}:{[str(d) for d in chain.template_dirs]}")
    from .views import nav_target

    for region in site.regions.values():
        parts.extend(f"{region.id}:{item.page}:{nav_target(site, region.id, item.page)}"
                     for item in region.config.nav)
    return _hash(parts)


class Signer:
    """Computes an output's signature from the inputs it read, caching the digests it needs."""

    def __init__(self, site: Site, renderer: Renderer, fingerprint: str) -> None:
        self.site = site
        self.renderer = renderer
        self.fingerprint = fingerprint
        self._templates: dict[tuple[str | None, str], str] = {}
        self._data: dict[str, str] = {}

    def sign(self, job: Job, deps: dict[str, Any]) -> str:
        site = self.site
        parts = [self.fingerprint, job.url, job.page.key, job.page.digest, job.page.url,
                 f"{job.number}/{job.total}", job.region or ""]
        for key in deps.get("pages", ()):
            page = site.pages.get(key)
            parts.append(f"p:{key}:{page.digest + page.url if page else '-'}")
        for key in deps.get("sections", ()):
            section = site.sections.get(key)
            parts.append(f"s:{key}:{','.join(section.pages) + '|' + section.title if section else '-'}")
        for name in deps.get("data", ()):
            parts.append(f"d:{name}:{self._data_digest(name)}")
        for name in deps.get("templates", ()):
            parts.append(f"t:{name}:{self._template_digest(job.region, name)}")
        for url in deps.get("urls", ()):
            parts.append(f"u:{url}:{self._url_state(url)}")
        assets = self.renderer.assets.get(job.region, {})
        for logical in deps.get("assets", ()):
            asset = assets.get(logical)
            parts.append(f"a:{logical}:{asset.output if asset else '-'}")
        return _hash(parts)

    def _url_state(self, url: str) -> str:
        if url.startswith("content:"):
            _, found = resolve_link(self.site, "", "/" + url[len("content:"):])
            return f"{type(found).__name__}:{getattr(found, 'url', '')}" if found is not None else "-"
        return "yes" if url in self.renderer.known_urls else "no"

    def _data_digest(self, name: str) -> str:
        if name not in self._data:
            region_id, _, stem = name.partition("/")
            region = self.site.regions.get(region_id)
            path = region.data_files.get(stem) if region else None
            self._data[name] = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest() if path else "-"
        return self._data[name]

    def _template_digest(self, region: str | None, name: str) -> str:
        key = (region, name)
        if key not in self._templates:
            digest = "-"
            for folder in self.renderer.chains[region].template_dirs:
                path = folder / name
                if path.is_file():
                    digest = f"{path}:{hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()}"
                    break
            self._templates[key] = digest
        return self._templates[key]
