"""Pages kept between builds, so an unchanged page file is neither read nor parsed again.

At ten thousand pages, reading and splitting every file was most of a one-page rebuild. The store
keeps each page's model (front matter, address, where its body starts) with the file's identity:
size, modification and change times and inode. A file whose identity is unchanged is trusted
without being opened; its Markdown is read only if something renders it (`Page.body` is read on
first use). A file whose identity changed but whose bytes did not (a `git checkout`, a copy) is
read and recognised by its hash, skipping YAML. Anything else is parsed as usual.

Kept in `.icsgen-cache/pages.bin` (see cache/files.py); a damaged store, or one written by another
version of icsgen, is ignored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
import os
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from icsgen.config import RegionConfig, freeze
from icsgen.content import FrontMatter, FrontMatterMemo, Page, body_of, decode_value, encode_value, read_page
from icsgen.files import identity
from icsgen.problems import Problems

from .files import MARSHAL_VERSION, read_store, write_store

FORMAT = 6
RACY_NS = 2_000_000_000  # a file changed this close to the save may change again within its clock tick
_DATES = (2, 3, 10, 11)  # positions of date fields in FrontMatter
_DATE, _UPDATED, _DRAFT, _REVIEWED = 2, 3, 6, 10  # positions of some of FrontMatter's fields
_ALIASES = 14  # position of `aliases` among the front matter's values
_META, _ALIAS_LIST, _IMAGE = 6, 7, 8  # positions in a record: the front matter (marshal bytes), aliases, image
_STATE = 11  # position of its `listing_state`, added when the store is saved
_META_FIELDS = tuple(f.name for f in fields(FrontMatter))
_EMPTY = encode_value({})
_NO_EXTRA = MappingProxyType({})  # most pages have no `extra`: one shared read-only mapping


class PageStore:
    """Reads pages for `load_site` like `PageCache`, from the last build's models when it can."""

    def __init__(self, path: Path, fingerprint: str, stats: dict[str, list[int]] | None = None) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.stats = stats or {}  # [size, mtime, ctime, inode] by path, from the build's own walk
        self.token: str | None = None  # names the version of the store on disk, None if unknown
        self._old: dict[str, list] = self._open()
        self._new: dict[str, list] = {}
        # A build whose records were made from version `token_read` of the store may trust that the
        # `restored` pages are exactly as it saw them, and skip recomputing what it recorded of them.
        self.token_read = self.token
        self.restored: set[str] = set()
        self._ready: dict[str, Page] = {}  # made in advance by `prepare`

    def prepare(self) -> None:
        """Make every stored page's model now, before knowing which files changed.

        For time that would be spent waiting anyway (see build._scan): making a model needs no file,
        and `read` hands it out only if the file's identity matches, as it would have made it then.
        """
        for name, record in self._old.items():
            with contextlib.suppress(TypeError, ValueError, IndexError, KeyError, AttributeError):
                self._ready[name] = _restore(name, name.partition("/")[0], record[0][0], record)

    def _open(self) -> dict[str, list]:
        data = read_store(self.path, f"pages {FORMAT} {self.fingerprint}")
        if not (isinstance(data, dict) and isinstance(data.get("pages"), dict) and isinstance(data.get("token"), str)):
            return {}
        self.token = data["token"]
        return data["pages"]

    def read(self, rc: RegionConfig, rel: str, path: str, problems: Problems,
             memo: FrontMatterMemo | None = None) -> Page | None:
        name = f"{rc.id}/{rel}"
        where = str(path)  # text already, from the build's walk
        known = self.stats.get(where)
        if known is None:
            try:
                info = os.stat(path)
            except OSError:
                return read_page(rc, rel, path, problems, memo)
            known = identity(info)
        seen = [where, *known]  # the path too: a region's own file may replace a shared one
        record = self._old.get(name)
        if record is not None:
            try:
                if record[0] == seen:
                    page = self._ready.pop(name, None) or _restore(name, rc.id, where, record)
                    self._new[name] = record
                    self.restored.add(name)
                    return page
            except (TypeError, ValueError, IndexError, KeyError):
                record = None  # a damaged record: read the file
        before = len(problems)
        page = read_page(rc, rel, path, problems, memo)
        if page is None or len(problems) != before:
            return page  # a page with problems is read every time, so they are reported every time
        if record is not None and record[1] == page.digest:
            self._new[name] = [seen, *record[1:_STATE]]  # same bytes, new seen: keep the model (its state, by `save`)
        else:
            self._new[name] = _record(page, seen)
        return page

    def unchanged(self, region_id: str, files: dict[str, str]) -> dict[str, Page]:
        """`read` for every file of `files` (path in the region -> file) whose identity is as stored, in one
        loop: at 10,000 pages a call per page cost more than the restoring. The rest are left to `read`."""
        old, ready, stats, new, restored = self._old, self._ready, self.stats, self._new, self.restored
        pages = {}
        for rel, path in files.items():
            name = f"{region_id}/{rel}"
            record = old.get(name)
            known = stats.get(path)
            if record is None or known is None or not rel.endswith(".md"):
                continue
            try:
                if record[0] != [path, *known]:
                    continue
                page = ready.pop(name, None) or _restore(name, region_id, path, record)
            except (TypeError, ValueError, IndexError, KeyError, AttributeError):
                continue  # a damaged record: `read` reads the file
            new[name] = record
            restored.add(name)
            pages[rel] = page
        return pages

    def forget_unseen(self) -> None:
        """Nothing to do: `save` keeps only the pages read in this run."""

    def save(self) -> None:
        """Write the models of this run's pages, unless they are exactly what was read."""
        racy = time.time_ns() - RACY_NS
        for record in self._new.values():
            if record[0][2] > racy:  # edited a moment ago: trust the bytes next time, not the times
                record[0] = [record[0][0], -1, -1, -1, -1]
            if len(record) == _STATE:  # made in this run: with its page's state as others show it, for later runs
                record.append(_state_of(record))
        old = self._old
        if len(self._new) == len(old) and all(old.get(name) is record for name, record in self._new.items()):
            return  # every record restored as it was read (comparing values would walk every field)
        self.token = None  # until the new version is written
        token = os.urandom(8).hex()
        with contextlib.suppress(OSError):  # a store that cannot be written only makes the next build slower
            write_store(self.path, f"pages {FORMAT} {self.fingerprint}", {"token": token, "pages": self._new})
            self.token = token


class _MadeOnFirstUse:
    """A field of a page `PageStore` restored without it: made on first use, then kept in the page.

    Most pages of a rebuild are only listed or linked, never rendered, so their Markdown is read
    from the file on first use rather than kept in the cache, their front matter is decoded only
    when something reads it, and ten thousand Path objects made for pages nobody reports on cost
    more than the rest of restoring them. A descriptor without `__set__`, so a value in the page's
    own `__dict__` (every page read from its file has all three) is found first; a `__getattr__`
    would instead slow down every attribute read of every page (CPython does not specialise them).
    """

    def __init__(self, make: Callable[[Page], Any]) -> None:
        self.make = make

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, page: Page | None, owner: type | None = None) -> Any:
        if page is None:
            return self
        value = self.make(page)
        object.__setattr__(page, self.name, value)
        return value


def _restored_meta(page: Page) -> FrontMatter:
    try:
        stored = page.__dict__.pop("_stored")
    except KeyError:
        raise AttributeError("meta") from None
    return restore_meta(stored)


def _restored_source_path(page: Page) -> Path:
    try:
        return Path(page.__dict__["_source"])
    except KeyError:
        raise AttributeError("source_path") from None


def _restored_body(page: Page) -> str:
    if "_source" not in page.__dict__ and "source_path" not in page.__dict__:
        raise AttributeError("body")
    try:
        return body_of(page.source_path.read_text(encoding="utf-8"), page.body_line)
    except (OSError, UnicodeDecodeError):
        return ""  # gone or damaged since the load: the next build sees the change and reports it


class StoredPage(Page):
    """A page restored from the store: what a listing or a link needs is there at once, the rest on first use.

    `_shown` (draft, date, last change, title), worked out when the record was made, answers what
    decides whether the page is built at all, its place in a news feed, the sitemap and its title,
    without decoding the front matter; `meta`, `source_path` and `body` are made on first use.
    """

    meta = _MadeOnFirstUse(_restored_meta)
    source_path = _MadeOnFirstUse(_restored_source_path)
    body = _MadeOnFirstUse(_restored_body)

    @property
    def title(self) -> str:
        return self.__dict__["_shown"][3]

    def hidden(self, drafts: bool, future: bool, today: dt.date) -> bool:
        draft, date = self.__dict__["_shown"][:2]  # the date as ISO text, which sorts as dates do
        return bool(draft and not drafts) or bool(date and date > today.isoformat() and not future)

    @property
    def date_text(self) -> str:
        return self.__dict__["_shown"][1] or ""

    @property
    def aliases(self) -> tuple[str, ...]:
        """Read from the record: every build looks at every page's aliases, few of which it renders."""
        stored = self.__dict__.get("_stored")  # gone once the front matter was decoded (`_restored_meta`)
        return tuple(stored[_ALIAS_LIST]) if stored is not None else self.meta.aliases

    @property
    def image(self) -> str:
        """Read from the record, as `aliases`."""
        stored = self.__dict__.get("_stored")
        return stored[_IMAGE] if stored is not None else self.meta.image

    def last_modified(self) -> dt.date | None:
        changed = self.__dict__["_shown"][2]
        return dt.date.fromisoformat(changed) if changed else None

    def __eq__(self, other: object) -> bool:
        """Equal to the page read from the same file: a restored page is that page, only made lazily."""
        if not isinstance(other, Page):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(Page))

    __hash__ = Page.__hash__


def listing_state(page: Page) -> str:
    """A digest of everything about a page but its Markdown: its front matter, address, kind, folder, where
    its body starts, its language and version, and its file (what the store keeps of it, without the file's
    identity and digest). What other outputs show of a page (an A to Z, a link, a breadcrumb) comes from
    these, so an edit to a page's text alone leaves this as it was.

    Kept in a restored page's record (`PageStore.save` adds it), else worked out from a record made for the
    purpose: after a failed build every page's is asked for, and decoding ten thousand pages' front matter
    for it took ~0.2 s."""
    record = page.__dict__.get("_stored") if isinstance(page, StoredPage) else None
    if record is not None and len(record) > _STATE:
        return record[_STATE]
    return _state_of(record or _record(page, [page.__dict__.get("_source") or str(page.source_path)]))


def _state_of(record: list) -> str:
    """`listing_state` from a record: from the values it decodes to, never its bytes (marshal may write the
    same string two ways)."""
    shown = [record[0][0], record[2], record[3], record[4], record[5], marshal.loads(record[_META]), record[10]]
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def _meta_values(meta: FrontMatter) -> tuple[list, Any, dict]:
    """The front matter as plain values: its fields (dates as ISO text), `extra` encoded, the fields' lines."""
    values = [meta.title, meta.summary, meta.date, meta.updated, meta.author, list(meta.tags), meta.draft,
              meta.template, meta.weight, meta.nav_title, meta.reviewed, meta.review_due, meta.toc, meta.slug,
              list(meta.aliases), meta.image, meta.image_alt]
    for i in _DATES:
        values[i] = values[i].isoformat() if values[i] is not None else None
    return values, encode_value(_thaw(meta.extra)), dict(meta.lines)


def _record(page: Page, identity: list) -> list:
    """What the store keeps of a page. The front matter is one `marshal` string within it: decoding the store
    made its ~30 values for every page, while a one-page rebuild decodes the front matter of a few (its
    aliases and share image, which every build looks at, are kept beside it); the store took 100 ms to
    decode at 10,000 pages, 25 ms so."""
    meta = page.meta
    values, extra, lines = _meta_values(meta)
    shown = (values[_DRAFT], values[_DATE], max(values[_UPDATED] or "", values[_REVIEWED] or "", values[_DATE] or ""),
             values[0])
    return [identity, page.digest, page.url, page.kind, page.section, page.body_line,
            marshal.dumps([values, extra, lines], MARSHAL_VERSION), list(meta.aliases), meta.image, shown,
            [page.lang, page.variant, page.original, meta.lang]]


def _restore(key: str, region: str, path: str, record: list) -> Page:
    """The page as it was built from the same file, without running the constructors again.

    Frozen dataclasses set each field through `object.__setattr__`; giving the page its whole
    `__dict__` at once costs a fraction of that, which counts ten thousand times. `body`, `source_path`
    and `meta` are left out: `StoredPage` reads, makes or decodes each on first use
    (`restore_meta` for the front matter, which most pages of a one-page rebuild never need, from the
    record kept as `_stored`). `_shown`, worked out when the record was made, keeps what decides whether
    the page is built at all (`Page.hidden`), its last change (`Page.last_modified`, for the sitemap)
    and its title (`Page.title`).
    """
    if len(record) not in (_STATE, _STATE + 1):
        raise ValueError("not a page record")
    page = object.__new__(StoredPage)
    object.__setattr__(page, "__dict__", {
        "key": key, "region": region, "_source": path, "url": record[2], "kind": record[3], "section": record[4],
        "body_line": record[5], "digest": record[1], "_stored": record, "_shown": tuple(record[9]),
        "lang": record[10][0], "variant": record[10][1], "original": record[10][2]})
    return page


def restore_meta(record: list) -> FrontMatter:
    """A restored page's front matter from its record (see `_restore`)."""
    values, extra, lines = marshal.loads(record[_META])
    for i in _DATES:
        if values[i] is not None:
            values[i] = dt.date.fromisoformat(values[i])
    values[5] = tuple(values[5])
    values[_ALIASES] = tuple(values[_ALIASES])
    extra = _NO_EXTRA if extra == _EMPTY else freeze(decode_value(extra))
    meta = object.__new__(FrontMatter)
    meta.__dict__.update(zip(_META_FIELDS, [*values, extra, MappingProxyType(lines), record[10][3]], strict=True))
    return meta


def _thaw(value: Any) -> Any:
    if isinstance(value, MappingProxyType | dict):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_thaw(v) for v in value]
    return value

