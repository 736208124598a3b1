"""The persistent build cache: what each output read last time, so unchanged outputs are not redone.

Each output's *signature* hashes the inputs its last render actually read (recorded in `Deps`):
its own page, other pages' text, section lists, data files, templates, links and assets, plus a
fingerprint of the settings, options and icsgen's own code. A render reads only what those inputs
lead it to, so if every recorded input is unchanged the output is unchanged and can be kept.

The cache lives in `.icsgen-cache/` (file format: cache/files.py). Anything unreadable, from another
version of icsgen, or for another output folder is ignored and rebuilt: a cache may save time,
never decide what the site says.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import sys
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from icsgen import __version__
from icsgen.content import Site, resolve_link
from icsgen.render import Job, Renderer, excerpt, publication_pages, strings_dirs

from .documents import DocumentStore
from .files import read_store, remove_later, write_store
from .markdown import MarkdownCache
from .pages import listing_state
from .templates import TemplateCodeCache

CACHE_DIR = ".icsgen-cache"
FORMAT = 3
WORD = array("I").itemsize  # bytes per input number in a record


@functools.cache
def code_fingerprint() -> str:
    """icsgen's version and its own source, so a changed icsgen never trusts an old cache."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(Path(__file__).parent.parent.rglob("*.py")):
        digest.update(path.relative_to(Path(__file__).parent.parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _markdown_folder(cache: Path) -> Path:
    return cache / "markdown" / code_fingerprint()[:16]


def kept_for_reading(root: Path) -> tuple[MarkdownCache | None, TemplateCodeCache | None]:
    """The converted Markdown and compiled templates the last build kept, for a run that writes nothing
    (`icsgen check`) to read; None for either it has not kept.

    No lock is needed: each entry is used only if everything it was made from is unchanged (mdcache's key
    and links; a template's checksum and this icsgen), cache files are replaced whole, and converted
    bodies only ever appended, each with a checksum, so a build running meanwhile makes a read a miss,
    never a wrong answer.
    """
    folder = root / CACHE_DIR
    markdown, templates = _markdown_folder(folder), folder / "templates"
    return (MarkdownCache(markdown, writes=False, remember=False) if markdown.is_dir() else None,
            TemplateCodeCache(templates, code_fingerprint(), writes=False) if templates.is_dir() else None)


def _hash(parts: Iterable[str]) -> str:
    """One digest of many strings (joined first: an update per part cost more than the hashing)."""
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


class BuildCache:
    """Reads and writes the cache files; every read is defensive (see cache/files.py)."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR
        self._loaded: dict[str, dict[str, Any] | None] = {}  # each file is decoded once per run
        self._markdown: MarkdownCache | None = None  # made by read_ahead
        for old in LEGACY:  # files of earlier icsgen versions, never read again
            with contextlib.suppress(OSError):
                (self.folder / old).unlink()

    def _read(self, name: str) -> dict[str, Any] | None:
        if name not in self._loaded:
            data = read_store(self.folder / name, f"{name} {FORMAT} {code_fingerprint()}")
            self._loaded[name] = data if isinstance(data, dict) else None
        return self._loaded[name]

    def _write(self, name: str, data: dict[str, Any]) -> None:
        self.folder.mkdir(exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")  # never committed, whatever the project ignores
        write_store(self.folder / name, f"{name} {FORMAT} {code_fingerprint()}", data)

    # -- converted Markdown ---------------------------------------------------------------------

    def converted_markdown(self) -> MarkdownCache:
        """This icsgen's store of converted pages; stores left by other versions are removed."""
        current = self._markdown_folder()
        top = current.parent
        try:
            top.mkdir(parents=True, exist_ok=True)
            (self.folder / ".gitignore").write_text("*\n")  # never committed, whatever the project ignores
        except OSError:
            return MarkdownCache()  # a read-only project: keep converted pages in memory only
        if top.is_dir():
            for old in top.iterdir():
                if old != current and old.is_dir():
                    remove_later(old)
        return self._markdown if self._markdown is not None else MarkdownCache(current)

    def _markdown_folder(self) -> Path:
        return _markdown_folder(self.folder)

    def document_store(self) -> DocumentStore:
        """The documents' descriptions kept by the last build (see cache/documents.py)."""
        return DocumentStore(self.folder / DOCUMENTS, f"{DOCUMENTS} {FORMAT} {code_fingerprint()}")

    # -- the last successful build --------------------------------------------------------------

    def unchanged_since(self, options_key: str, out: Path, inputs: dict[str, list[int]],
                        stale: set[str]) -> dict[str, Any] | None:
        """The last build's summary when no input file and no output file (`stale`: see `stale_outputs`)
        has changed since."""
        data = self._read(STATE)
        if (not data or data.get("options") != options_key or data.get("out") != str(out)
                or not data.get("inputs") or data.get("inputs") != inputs or stale):
            return None
        return data.get("summary")

    def read_ahead(self) -> None:
        """Decode the output records and the converted pages' index now (while waiting for something
        else), not when first asked."""
        self._read(OUTPUTS)
        folder = self._markdown_folder()
        if folder.is_dir():
            self._markdown = MarkdownCache(folder)
            self._markdown.read_ahead()

    def output_stats(self, out: Path) -> dict[str, list[int]]:
        """Size and time of each output file as the last build left it."""
        data = self._read(STATE)
        stats = data.get("output_stats") if data and data.get("out") == str(out) else None
        return stats if isinstance(stats, dict) else {}

    def save_state(self, options_key: str, out: Path, inputs: dict[str, list[int]],
                   output_stats: dict[str, list[int]], summary: dict[str, Any]) -> None:
        self._write(STATE, {"options": options_key, "out": str(out), "inputs": inputs, "output_stats": output_stats,
                            "summary": summary})

    def load_outputs(self, fingerprint: str, out: Path) -> OutputTable | None:
        """The last build's records, or None when it was for other settings or is damaged."""
        data = self._read(OUTPUTS)
        if not data or data.get("fingerprint") != fingerprint or data.get("out") != str(out):
            return None
        return OutputTable.restore(data)

    def save_outputs(self, fingerprint: str, out: Path, table: OutputTable) -> None:
        self._write(OUTPUTS, {"fingerprint": fingerprint, "out": str(out), **table.stored()})


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the project's cache for the duration: one build at a time reads and writes it.

    A build run from the command line writes its cache files in a detached child after `build/` is
    done (see build._save_later); the child inherits the lock and holds it until they are written,
    so the next build waits for them rather than reading half a cache. Where there are no file locks
    (Windows) or the folder cannot be written, builds go unlocked, and write their files in place.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("*\n")  # never committed, whatever the project ignores
        handle = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # the lock itself stays held while a child still has it open


LEGACY = ("outputs.json", "frontmatter.json", "pages.json")
STATE = "state.bin"  # what the no-change test needs: every input's and output's size and time
OUTPUTS = "outputs.bin"  # what each output read, its anchors and links
DOCUMENTS = "documents.bin"  # each document's type, size, pages, title and language (cache/documents.py)


PENDING = 500  # outputs whose input keys are numbered together (see `OutputTable.add`)
_FIELD, _REF = "\x1f", "\x1e"  # ASCII's unit and record separators: no page key or heading id holds either


def encode_refs(refs: Iterable[tuple[str, str, int]]) -> str:
    """An output's `#anchor` links (target page, fragment, line) as one string: ten thousand lists of
    lists cost more to decode than all the rest of a record, and most are only searched for a page key."""
    return _REF.join(f"{target}{_FIELD}{_plain(fragment)}{_FIELD}{line}" for target, fragment, line in refs)


def decode_refs(text: str) -> list[tuple[str, str, int]]:
    found = []
    for ref in text.split(_REF) if text else ():
        target, fragment, line = ref.split(_FIELD)
        found.append((target, fragment, int(line)))
    return found


def refers_to(page_keys: Iterable[str]) -> Callable[[str], object]:
    """A test of whether encoded refs may hold a link to one of `page_keys` (a quick test: it may say yes
    wrongly, never no). One search for them all: ten thousand records are searched for a few keys."""
    return re.compile("|".join(re.escape(key + _FIELD) for key in page_keys)).search


def _plain(fragment: str) -> str:
    """A fragment with a separator in it (which no heading id can have) still matches no heading."""
    return fragment.replace(_FIELD, "?").replace(_REF, "?")


class OutputTable:
    """Each output's record, with the input keys it read numbered in one table shared by all outputs.

    A record is `[input numbers (array 'I' bytes), its anchors one a line, links as [target, fragment,
    line], converted-Markdown key]`: few objects per record, as decoding them is most of a rebuild.
    Kept outputs keep their records as they are; a rebuild only numbers the keys of what it rendered,
    so a one-page edit does not re-encode ten thousand records. Keys no record uses any more are
    dropped once they are over half the table; as only renders add keys, they are counted only when
    the table has grown enough since the last count for that to be possible.
    """

    def __init__(self, keys: list[str], states: list[str], outputs: dict[str, list], structure: str,
                 pages_token: str | None = None) -> None:
        self.keys = keys
        self.states = states
        self.outputs = outputs
        self.structure = structure
        self.pages_token = pages_token  # the version of the page store whose models the states describe
        self.recount_at = 0  # when the table has this many keys, count those in use (see `stored`)
        self._numbers: dict[str, int] | None = None
        self._pending: dict[str, list[tuple[str, str]]] = {}  # keys and states of outputs added, numbered by `stored`

    @classmethod
    def empty(cls) -> OutputTable:
        return cls([], [], {}, "")

    @classmethod
    def restore(cls, data: dict[str, Any]) -> OutputTable | None:
        keys, states, outputs, structure = (data.get(k) for k in ("keys", "states", "outputs", "structure"))
        token = data.get("pages_token")
        if not (isinstance(keys, list) and isinstance(states, list) and len(keys) == len(states)
                and isinstance(outputs, dict) and isinstance(structure, str) and isinstance(token, str | None)
                and all(isinstance(key, str) and key for key in keys)):
            return None
        table = cls(keys, states, outputs, structure, token)
        recount_at = data.get("recount_at")
        table.recount_at = recount_at if isinstance(recount_at, int) else 0
        return table

    def refresh(self, states: InputStates, structure: str, unchanged_pages: set[str] | None = None) -> set[int]:
        """Bring every key's state up to date; return the numbers of those that changed since the last build.

        Link targets, written addresses and section lists (`c:`, `u:`, `s:` keys) depend only on the
        site's structure, so when that is unchanged their tens of thousands of states are not recomputed.
        Nor, then, are a page's own (`p:`) and its job's (`j:`) when the caller knows the page's model is
        the very one these states were computed from (`unchanged_pages`, from the page store).
        """
        same = structure == self.structure
        keys, old = self.keys, self.states
        if same and unchanged_pages:
            todo = self._maybe_changed(states, unchanged_pages)
        elif same:
            todo = [i for i, key in enumerate(keys) if key[0] not in "cus"]
        else:
            todo = range(len(keys))
        changed = set()
        for i in todo:
            key = keys[i]
            if key[0] == "b" and states.same_text(key, old[i]):
                continue  # the page's file is as it was: no need to read its Markdown
            now = states.state(key)
            if now != old[i]:
                if key[0] != "b" or not InputStates.same_excerpt(now, old[i]):
                    changed.add(i)
                old[i] = now
        self.structure = structure
        return changed

    def _maybe_changed(self, states: InputStates, unchanged_pages: set[str]) -> list[int]:
        """The numbers of the keys `refresh` must recompute when the structure is unchanged: data, template,
        asset, date (`k:today`) and document (`f:`) keys, and the page, text and job keys of pages not in
        `unchanged_pages`. Any other page or job key is of a page no longer there, or not yet: that changes the
        structure, and this is not asked."""
        wanted = {f"{kind}:{key}" for key in states.site.pages if key not in unchanged_pages for kind in "pb"}
        wanted.update(f"j:{url}" for url, job in states.jobs.items() if job.page.key not in unchanged_pages)
        return [i for i, key in enumerate(self.keys) if key[0] in "dtakf" or key in wanted]

    def _index(self) -> dict[str, int]:
        if self._numbers is None:
            self._numbers = {key: i for i, key in enumerate(self.keys)}
        return self._numbers

    def kept(self, jobs: Iterable[Job], changed: set[int], output_stats: dict[str, list[int]],
             stale: set[str]) -> set[str]:
        """Outputs none of whose inputs changed and whose file is still as the last build wrote it
        (`output_stats` holds what it wrote, `stale` what is no longer so).

        A record's input numbers are machine words in one bytes object; searching it for the few
        changed numbers' bytes is far cheaper than decoding ten thousand of them. A hit may be a
        misaligned match, so it is confirmed on the decoded numbers.
        """
        outputs = self.outputs
        search = None
        if changed:  # search the records for the changed numbers' bytes; with many, decode every record
            patterns = [array("I", [number]).tobytes() for number in changed] if len(changed) <= 64 else [b""]
            search = re.compile(b"|".join(map(re.escape, patterns))).search
        kept = set()
        for job in jobs:
            url = job.url
            record = outputs.get(url)
            if record is None:
                continue
            try:
                raw = record[0]
                if not raw or (search is not None and search(raw) and not changed.isdisjoint(array("I", raw))):
                    continue
            except (TypeError, IndexError, KeyError, ValueError):  # a damaged record: render that page again
                continue
            path = url if url.endswith(".html") else url + "index.html"  # Job.output_path, spelt out: 10,000 calls
            if path in output_stats and path not in stale:
                kept.add(url)
        return kept

    def add(self, url: str, keys: list[str], states: InputStates | None, anchors: Iterable[str],
            refs: Iterable[tuple[str, str, int]], markdown_key: str) -> None:
        """Record what an output read. Its keys' states are taken now, as the render saw them, but the keys
        are numbered only when the table is saved, in the background: that needs an index of every key.
        Or once `PENDING` outputs wait: then the index costs little beside their renders, and held unnumbered
        the keys took ~6 KB an output (170 MB at 30,000 pages)."""
        self.outputs[url] = [b"", "\n".join(sorted(anchors)), encode_refs(refs), markdown_key]
        if keys and states is not None:
            self._pending[url] = [(key, states.state(key)) for key in keys]
            if len(self._pending) >= PENDING:
                self._number_pending()

    def _number_pending(self) -> None:
        numbers = self._index()
        for url, keys in self._pending.items():
            record = self.outputs.get(url)
            if record is None:
                continue
            deps = array("I")
            for key, state in keys:
                number = numbers.get(key)
                if number is None:
                    number = numbers[key] = len(self.keys)
                    self.keys.append(key)
                    self.states.append(state)
                deps.append(number)
            record[0] = deps.tobytes()
        self._pending = {}

    def anchors(self, url: str) -> list[str]:
        text = self.outputs[url][1]
        return text.split("\n") if text else []

    def keep_only(self, urls: Collection[str]) -> None:
        """Forget the records of outputs not in `urls` (the order of records is of no account)."""
        gone = self.outputs.keys() - urls
        for url in gone:
            del self.outputs[url]

    def stored(self) -> dict[str, Any]:
        """The table to save. Each record is checked to be its own output's (its first input is its job):
        here, where the cache is written in the background, rather than for every record as a build reads it."""
        self._number_pending()
        mine = {url: record for url, record in self.outputs.items() if self._owns(url, record)}
        if len(mine) != len(self.outputs):
            self.outputs = mine  # not so: never trust it again (a mistake in icsgen, as nothing else writes it)
        if len(self.keys) < self.recount_at:  # counting the keys in use costs ~30 ms at 10,000 pages
            return self._plain()
        used = {i for record in self.outputs.values() for i in array("I", record[0])}
        if len(self.keys) > 2 * len(used) + 1000:  # renumber: forget keys nobody reads any more
            order = sorted(used)
            new = {old: i for i, old in enumerate(order)}
            self.keys = [self.keys[i] for i in order]
            self.states = [self.states[i] for i in order]
            self.outputs = {url: [array("I", [new[i] for i in array("I", r[0])]).tobytes(), *r[1:]]
                            for url, r in self.outputs.items()}
            self._numbers = None
        self.recount_at = 2 * len(used) + 1000  # keys are added only by renders of changed pages
        return self._plain()

    def _owns(self, url: str, record: list) -> bool:
        try:
            raw = record[0]
            first = int.from_bytes(raw[:WORD], sys.byteorder)
            return bool(raw) and not len(raw) % WORD and self.keys[first] == "j:" + url
        except (TypeError, IndexError, KeyError, ValueError):
            return False

    def _plain(self) -> dict[str, Any]:
        return {"keys": self.keys, "states": self.states, "outputs": self.outputs, "structure": self.structure,
                "pages_token": self.pages_token, "recount_at": self.recount_at}


def file_stat(path: str) -> list[int]:
    try:
        info = os.stat(path)
    except OSError:
        return [-1, -1]
    return [info.st_size, info.st_mtime_ns]


def site_fingerprint(site: Site, renderer: Renderer, options: Any) -> str:
    """Everything every output depends on without a render recording it."""
    parts = [code_fingerprint(), site.config.path.read_text(encoding="utf-8"),
             repr((options.drafts, options.future, site.chosen))]
    for region_id, chain in sorted(renderer.chains.items(), key=lambda item: str(item[0])):
        parts.append(f"{region_id}:{[str(d) for d in chain.template_dirs]}")
    from icsgen.render import nav_target

    for region in site.regions.values():
        parts.extend(f"{region.id}:{item.page}:{nav_target(site, region.id, item.page)}"
                     for item in region.config.nav)
    # the theme's words (any page may show any of them), and the languages and Easy Read versions pages are
    # published in: a page records the would-be files of its versions only in those (render/context.py)
    for chain in {id(c): c for c in renderer.chains.values()}.values():
        for folder in strings_dirs(chain):
            parts.extend(f"{path}:{_file_digest(path)}" for path in sorted(folder.glob("*.yaml")))
    parts.append(",".join(sorted({key[:-3].rsplit(".", 1)[-1] for keys in site.versions.values() for key in keys})))
    # what a page's <img> becomes (render/images.py): each image's size and made widths, not its bytes
    images = getattr(renderer, "images", {})
    for url, info in sorted(images.items()):
        made = sorted((fmt, [v[0] for v in variants]) for fmt, variants in info["variants"].items())
        parts.append(f"{url}:{info['width']}x{info['height']}:{made}")
    return _hash(parts)


def site_structure(site: Site) -> str:
    """What link targets, written addresses and section lists depend on (see `OutputTable.refresh`).

    The site's addresses (`by_url`, which claims every page, generated section page and static file)
    and its sections' lists and titles; with the regions and settings, which the fingerprint covers,
    these decide every address the build writes (`Renderer.known_urls`), so that need not be listed too.
    With the pages' aliases, from which the old addresses given redirect pages come (those of regions.yaml
    are in the fingerprint), the same structure publishes the same addresses (build's moved-page check).
    """
    parts = list(map("\0".join, site.by_url.items()))  # a C loop over ten thousand addresses (no path holds NUL)
    parts += [f"{page.key}\0{'|'.join(page.aliases)}" for page in site.pages.values() if page.aliases]
    parts += [f"{s.key}|{s.index.key if s.index else ''}|{','.join(s.pages)}|{s.title}" for s in site.sections.values()]
    parts += [page.url for page in publication_pages(site)]  # libraries' category and year pages, in the sitemaps
    return _hash(parts)


class InputStates:
    """The current state of each input an output can read, each computed at most once per build.

    An input is named by a key: `j:<url>` the job itself, `p:<page key>` a page's details other than
    its Markdown (front matter, address: what an A to Z or a link shows of it), `b:<page key>` what a
    listing shows of its Markdown (its first paragraph, when it has no summary), `s:<section>` a
    folder's list of pages, `d:<region/name>` a data file (`d:<region>/` the names of the region's
    data files),
    `t:<region>:<template>` the file a template name resolves to, `u:<site path>` whether the
    build writes it, `c:<content path>` what a Markdown link finds, `a:<region>:<file>` a static
    file's hashed name, `k:today` the build's date, `f:<content path>` what a document is (type, size,
    pages, title). An output is unchanged when every key it read has the state it had.
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
        keys += [f"b:{k}" for k in deps.get("texts", ())]
        keys += [f"s:{k}" for k in deps.get("sections", ())]
        keys += [f"d:{k}" for k in deps.get("data", ())]
        keys += [f"t:{region}:{k}" for k in deps.get("templates", ())]
        keys += [f"c:{k[len('content:'):]}" if k.startswith("content:") else f"u:{k}" for k in deps.get("urls", ())]
        keys += [f"a:{region}:{k}" for k in deps.get("assets", ())]
        keys += [f"k:{k}" for k in deps.get("dates", ())]
        keys += [f"f:{k}" for k in deps.get("documents", ())]
        return keys

    def state(self, key: str) -> str:
        found = self._states.get(key)
        if found is None:
            found = self._compute(key)
            if len(found) > 64:  # a news section lists thousands of pages: keep its digest, not the list
                found = hashlib.blake2b(found.encode(), digest_size=16).hexdigest()
            self._states[key] = found
        return found

    def same_text(self, key: str, old: str) -> bool:
        """Whether a `b:` key's page file is the very one its state `old` was worked out from: then that state
        holds, and the page's Markdown (perhaps not yet read from its file) need not be read."""
        page = self.site.pages.get(key[2:])
        return page is not None and bool(page.digest) and old.startswith(page.digest + "|")

    @staticmethod
    def same_excerpt(now: str, old: str) -> bool:
        """Whether two states of a `b:` key show the same: a page edited below its first paragraph changes
        its file's digest but not what a listing shows of it, and the listing need not be rendered again."""
        return now != "-" and old != "-" and now.partition("|")[2] == old.partition("|")[2]

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
            return listing_state(page) if page else "-"
        if kind == "b":  # the file's digest, then what of its Markdown a listing shows (see `same_excerpt`)
            page = site.pages.get(name)
            if page is None:
                return "-"
            shown = page.meta.summary or excerpt(page.body)
            return f"{page.digest}|{hashlib.blake2b(shown.encode(), digest_size=8).hexdigest()}"
        if kind == "s":
            section = site.sections.get(name)
            return f"{','.join(section.pages)}|{section.title}" if section else "-"
        if kind == "d":
            region_id, _, stem = name.partition("/")
            region = site.regions.get(region_id)
            if not stem:  # which data files there are (a file's stem is never empty)
                return "names:" + ",".join(sorted(region.data_files)) if region else "-"
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
        if kind == "f":  # what a link to the document says about it
            document = site.documents.get(name)
            return "|".join(map(str, document.as_list())) if document is not None else "-"
        if kind == "a":
            region_id, _, logical = name.partition(":")
            asset = self.renderer.assets.get(region_id or None, {}).get(logical)
            return asset.output if asset else "-"
        if kind == "k":  # the build's date, for the outputs that read it
            return site.today.isoformat()
        return "?"


def _file_digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def stale_outputs(out: Path, recorded: dict[str, list[int]]) -> list[str]:
    """The output files (of `recorded`, the last build's sizes and times) that are no longer as it left
    them: edited or deleted by hand."""
    folder = str(out) + os.sep
    return [rel for rel, stat in recorded.items() if file_stat(folder + rel) != stat]


