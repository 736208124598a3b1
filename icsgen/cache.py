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
from .mdcache import MarkdownCache
from .output import remove_later
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
        self._loaded: dict[str, dict[str, Any] | None] = {}

    def _read(self, name: str) -> dict[str, Any] | None:
        if name not in self._loaded:  # each file is parsed once per run
            self._loaded[name] = self._parse(name)
        return self._loaded[name]

    def _parse(self, name: str) -> dict[str, Any] | None:
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
        temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, self.folder / name)

    # -- converted Markdown, one small file a page -------------------------------------------

    def converted_markdown(self) -> MarkdownCache:
        """This icsgen's store of converted pages; stores left by other versions are removed."""
        top = self.folder / "markdown"
        current = code_fingerprint()[:16]
        try:
            top.mkdir(parents=True, exist_ok=True)
            (self.folder / ".gitignore").write_text("*\n")  # never committed, whatever the project ignores
        except OSError:
            return MarkdownCache()  # a read-only project: keep converted pages in memory only
        if top.is_dir():
            for old in top.iterdir():
                if old.name != current and old.is_dir():
                    remove_later(old)
        return MarkdownCache(top / current)

    # -- outputs of the last successful build ------------------------------------------------

    def load_outputs(self, fingerprint: str, out: Path) -> dict[str, Any] | None:
        """The last build's records, or None when it was for other settings or is damaged."""
        data = self._read("outputs.json")
        if not data or data.get("fingerprint") != fingerprint or data.get("out") != str(out):
            return None
        outputs, files, keys, states = (data.get(k) for k in ("outputs", "files", "keys", "states"))
        if not (isinstance(outputs, dict) and isinstance(files, list) and isinstance(keys, list)
                and isinstance(states, list) and len(keys) == len(states)):
            return None
        return data

    def save_outputs(self, fingerprint: str, out: Path, outputs: dict[str, Any], files: list[str],
                     states: InputStates, extra: dict[str, Any]) -> None:
        """Records with their input keys numbered (one table of keys and states for all outputs)."""
        numbers: dict[str, int] = {}
        stored = {}
        for url, record in outputs.items():
            deps = [numbers.setdefault(key, len(numbers)) for key in record["keys"]]
            stored[url] = {k: v for k, v in record.items() if k != "keys"} | {"deps": deps}
        keys = list(numbers)
        self._write("outputs.json", {"fingerprint": fingerprint, "out": str(out), "outputs": stored,
                                     "files": sorted(files), "keys": keys,
                                     "states": [states.state(k) for k in keys], **extra})

    def unchanged_since(self, fingerprint: str, out: Path, inputs: dict[str, list[int]]) -> dict[str, Any] | None:
        """The last build's summary when no input file and no output file has changed since."""
        data = self._read("outputs.json")
        if (not data or data.get("fingerprint_inputs") != fingerprint or data.get("out") != str(out)
                or not data.get("inputs") or data.get("inputs") != inputs):
            return None
        folder = str(out) + os.sep
        for rel, stat in data.get("output_stats", {}).items():
            try:
                info = os.stat(folder + rel)
            except OSError:
                return None
            if [info.st_size, info.st_mtime_ns] != stat:
                return None
        return data.get("summary")


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


class InputStates:
    """The current state of each input an output can read, each computed at most once per build.

    An input is named by a key: `j:<url>` the job itself, `p:<page key>` a page's text and
    address, `s:<section>` a folder's list of pages, `d:<region/name>` a data file,
    `t:<region>:<template>` the file a template name resolves to, `u:<site path>` whether the
    build writes it, `c:<content path>` what a Markdown link finds, `a:<region>:<file>` a static
    file's hashed name. An output is unchanged when every key it read has the state it had.
    """

    def __init__(self, site: Site, renderer: Renderer, jobs: Iterable[Job]) -> None:
        self.site = site
        self.renderer = renderer
        self.jobs = {job.url: job for job in jobs}
        self._states: dict[str, str] = {}

    @staticmethod
    def keys(job: Job, deps: dict[str, Iterable[str]]) -> list[str]:
        region = job.region or ""
        keys = [f"j:{job.url}"]
        keys += [f"p:{k}" for k in deps.get("pages", ())]
        keys += [f"s:{k}" for k in deps.get("sections", ())]
        keys += [f"d:{k}" for k in deps.get("data", ())]
        keys += [f"t:{region}:{k}" for k in deps.get("templates", ())]
        keys += [f"c:{k[len('content:'):]}" if k.startswith("content:") else f"u:{k}" for k in deps.get("urls", ())]
        keys += [f"a:{region}:{k}" for k in deps.get("assets", ())]
        return keys

    def state(self, key: str) -> str:
        found = self._states.get(key)
        if found is None:
            found = self._states[key] = self._compute(key)
        return found

    def _compute(self, key: str) -> str:
        kind, _, name = key.partition(":")
        site = self.site
        if kind == "j":
            job = self.jobs.get(name)
            if job is None:
                return "-"
            return f"{job.page.key}|{job.page.digest}|{job.page.url}|{job.number}/{job.total}|{job.region}"
        if kind == "p":
            page = site.pages.get(name)
            return f"{page.digest}|{page.url}" if page else "-"
        if kind == "s":
            section = site.sections.get(name)
            return f"{','.join(section.pages)}|{section.title}" if section else "-"
        if kind == "d":
            region_id, _, stem = name.partition("/")
            region = site.regions.get(region_id)
            path = region.data_files.get(stem) if region else None
            return _file_digest(path) if path else "-"
        if kind == "t":
            region_id, _, template = name.partition(":")
            chain = self.renderer.chains.get(region_id or None)
            for folder in chain.template_dirs if chain else ():
                if (folder / template).is_file():
                    return f"{folder}|{_file_digest(folder / template)}"
            return "-"
        if kind == "u":
            return "yes" if name in self.renderer.known_urls else "no"
        if kind == "c":
            _, found = resolve_link(site, "", "/" + name)
            return f"{type(found).__name__}|{getattr(found, 'url', '')}" if found is not None else "-"
        if kind == "a":
            region_id, _, logical = name.partition(":")
            asset = self.renderer.assets.get(region_id or None, {}).get(logical)
            return asset.output if asset else "-"
        return "?"


def _file_digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def input_files(root: Path) -> dict[str, list[int]]:
    """Size and modification time of every file a build reads: the no-change test needs no parsing."""
    found: dict[str, list[int]] = {}
    config = root / "regions.yaml"
    if config.is_file():
        info = config.stat()
        found["regions.yaml"] = [info.st_size, info.st_mtime_ns]
    pending = [root / "content", root / "themes"]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir():
                pending.append(Path(entry.path))
                found[entry.path] = [-1, 0]  # a folder: an empty one added or removed matters too
            else:
                try:
                    info = entry.stat()
                except OSError:
                    continue
                found[entry.path] = [info.st_size, info.st_mtime_ns]
    return found
