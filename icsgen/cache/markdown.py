"""Converted page bodies, kept so that a template or theme change redoes only the templates.

Converting Markdown is most of what rendering a page costs, yet a template edit changes no page's
Markdown. An entry is keyed on everything the conversion read from the page (its address, where
its body starts, its text before and after region variables) and records what each of its links
resolved to; it is used only if every link still resolves the same way. Pages whose conversion
reported a problem are never kept, so their problems are reported every time.

Entries are kept in memory and, unless the project is read-only, on disk under
`.icsgen-cache/markdown/<icsgen code fingerprint>/`, appended to *pack* files, one per process that
wrote entries (`pack-<pid>-<time>.bin`), rather than one file per page: creating a file (an inode)
is slow on ext4, and one file per page cost about 0.2 ms a page, a good part of a cold build.
A record is a fixed header (magic, key, length, CRC-32 of key and payload) and the entry in
`marshal` form, plain values only, as the other cache files (cache/files.py): never pickle, as a cache
must not be able to run code; JSON cost ~80 us a page to write and ~40 us to read, marshal ~6 and ~8.
A process finds records by reading the packs' headers (again only when a new pack appears); a
damaged or half-written record is a miss, never an error. Packs only grow, so now and then
`compact` copies the entries a build still uses into one new pack and deletes the old ones.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import struct
import time
import weakref
import zlib
from pathlib import Path
from typing import Any

from .files import MARSHAL_VERSION, read_store, write_store

Entry = dict[str, Any]  # {"html", "toc", "refs": [[target, fragment, line]], "links": [[path, url, key]]}

MAGIC = b"ICM2"  # ICM1: JSON payloads
HEADER = struct.Struct("<4s20sII")  # magic, key (20 raw bytes), payload length, CRC-32 of key and payload
PACK_NAME = re.compile(r"pack-\d+-\d+\.bin")
INDEX = "index.bin"  # the packs' headers as last read (cache/files.py), so they need not be read again
MAX_PACKS = 16  # more packs than this (each writing process adds one), or mostly dead records: compact


class _Files:
    """One process's open pack descriptors: a forked child closes its copies and opens its own."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.readers: dict[str, int] = {}  # pack name -> descriptor
        self.writer: int | None = None  # this process's own pack, opened at its first entry

    def close(self) -> None:
        for fd in [*self.readers.values(), *([] if self.writer is None else [self.writer])]:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.readers.clear()
        self.writer = None


class MarkdownCache:
    """Entries in memory, and in the packs of `folder` when given (None: memory only).

    `writes`: new entries go into a pack (not for `icsgen check`, which writes nothing). `remember`:
    entries stay in memory once used, for a process that renders a page again (serve); a build converts
    each page once, and keeping each converted body in each worker took ~10 KB a page (300 MB at 30,000).
    """

    def __init__(self, folder: Path | None = None, writes: bool = True, remember: bool = True) -> None:
        self.folder = folder
        self.writes = writes
        self.remember = remember
        self._memory: dict[str, Entry] = {}
        self._index: dict[str, tuple[str, int, int, int]] = {}  # key -> (pack, payload offset, length, crc)
        self._scanned: dict[str, tuple[int, int]] = {}  # pack -> (offset its headers are read up to, records)
        self._index_read = False  # the index kept by the last build, read at the first lookup
        self._index_changed = False
        self._open_files()

    def _open_files(self) -> None:
        self._files = _Files()
        weakref.finalize(self, self._files.close)  # descriptors go with the cache, not the process

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_files": None}  # descriptor numbers mean nothing in another process

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._open_files()

    def get(self, key: str) -> Entry | None:
        entry = self._memory.get(key)
        if entry is None and self.folder is not None:
            self._read_index()
            found = self._index.get(key)
            if found is None and self._refresh():
                found = self._index.get(key)
            entry = self._load(key, *found) if found else None
            if entry is not None and self.remember:
                self._memory[key] = entry
        return entry

    def put(self, key: str, entry: Entry) -> None:
        if self.remember:
            self._memory[key] = entry
        if self.folder is None or not self.writes:
            return
        try:
            raw = bytes.fromhex(key)  # keys are entry_key digests
            if len(raw) != 20:
                return
            payload = marshal.dumps(entry, MARSHAL_VERSION)
            record = HEADER.pack(MAGIC, raw, len(payload), zlib.crc32(payload, zlib.crc32(raw))) + payload
            files = self._own_files()
            if files.writer is None:
                files.writer = self._create_pack()
            if os.write(files.writer, record) != len(record):  # one write: a killed writer leaves one bad tail
                os.close(files.writer)
                files.writer = None  # the next entry starts a new pack rather than follow a short record
        except (OSError, ValueError, struct.error):
            pass  # a cache that cannot be written is only slower

    def compact(self, live: set[str]) -> None:
        """After a successful build: once the packs hold mostly entries no page uses (`live` are the
        keys the pages use) or too many files, copy the live records into one new pack and delete the rest."""
        if self.folder is None:
            return
        self._read_index()
        try:
            self._refresh(everything=True)
            self._save_index()
            packs = [name for name in self._scanned if (self.folder / name).exists()]
            records = sum(self._scanned[name][1] for name in packs)
            if len(packs) <= MAX_PACKS and records <= 2 * len(live):
                return
            kept = [(key, found) for key in sorted(live) if (found := self._index.get(key)) and found[0] in packs]
            if kept:
                fd = self._create_pack()
                try:
                    for key, (name, offset, length, crc) in kept:
                        raw = bytes.fromhex(key)
                        payload = os.pread(self._reader(name), length, offset)
                        if len(payload) == length and zlib.crc32(payload, zlib.crc32(raw)) == crc:
                            os.write(fd, HEADER.pack(MAGIC, raw, length, crc) + payload)
                finally:
                    os.close(fd)
            for name in packs:  # only pack files this process has read, never anything else in the folder
                (self.folder / name).unlink(missing_ok=True)
        except (OSError, ValueError):
            pass  # the old packs are still there, or some of them: either way only slower
        self._files.close()  # start again from what is on disk now; entries in memory stay
        self._index.clear()
        self._scanned.clear()
        self._index_changed = True
        with contextlib.suppress(OSError, ValueError):
            self._refresh(everything=True)
            self._save_index()

    # -- on disk ------------------------------------------------------------------------------

    def _own_files(self) -> _Files:
        """This process's descriptors; after a fork the parent's are closed here, never used."""
        if self._files.pid != os.getpid():
            self._files.close()
            self._files.pid = os.getpid()
        return self._files

    def _create_pack(self) -> int:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"pack-{os.getpid()}-{time.time_ns()}.bin"
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)

    def _reader(self, name: str) -> int:
        files = self._own_files()
        fd = files.readers.get(name)
        if fd is None:
            assert self.folder is not None
            fd = files.readers[name] = os.open(self.folder / name, os.O_RDONLY)
        return fd

    def _refresh(self, everything: bool = False) -> bool:
        """Index the records of packs that appeared since the last look; False if none did.

        A miss lists the folder (cheap) but reads headers only when another process started a pack,
        so the workers of a cold build do not keep re-reading each other's growing packs."""
        assert self.folder is not None
        try:
            names = {name for name in os.listdir(self.folder) if PACK_NAME.fullmatch(name)}
        except OSError:
            return False
        if names <= self._scanned.keys() and not everything:
            return False
        for name in sorted(names):
            self._scan(name)
        return True

    def read_ahead(self) -> None:
        """Read the last build's index now rather than at the first lookup (see cache.BuildCache.read_ahead)."""
        if self.folder is not None:
            self._read_index()

    def _read_index(self) -> None:
        """The headers the last build read, so a rebuild reads only the packs' new records.

        Scanning the headers of ten thousand records took ~80 ms, most of a one-page rebuild's lookups.
        """
        if self._index_read:
            return
        self._index_read = True
        assert self.folder is not None
        data = read_store(self.folder / INDEX, INDEX)
        try:
            index, scanned = data["index"], data["scanned"]  # type: ignore[index]
            if not (all(isinstance(v, tuple) and len(v) == 4 for v in index.values())
                    and all(isinstance(v, tuple) and len(v) == 2 for v in scanned.values())):
                return
        except (TypeError, KeyError, AttributeError):
            return
        self._index.update(index)
        self._scanned.update(scanned)

    def _save_index(self) -> None:
        assert self.folder is not None
        packs = {name for name in os.listdir(self.folder) if PACK_NAME.fullmatch(name)}
        if not self._index_changed and packs == self._scanned.keys():
            return
        index = {key: found for key, found in self._index.items() if found[0] in packs}
        scanned = {name: found for name, found in self._scanned.items() if name in packs}
        write_store(self.folder / INDEX, INDEX, {"index": index, "scanned": scanned})
        self._index_changed = False

    def _scan(self, name: str) -> None:
        """Read the headers of `name` from where the last scan stopped, skipping over payloads."""
        offset, records = self._scanned.get(name, (0, 0))
        try:
            fd = self._reader(name)
            size = os.fstat(fd).st_size
            while offset + HEADER.size <= size:
                header = os.pread(fd, HEADER.size, offset)
                if len(header) < HEADER.size:
                    break
                magic, raw, length, crc = HEADER.unpack(header)
                end = offset + HEADER.size + length
                if magic != MAGIC or end > size:
                    break  # damaged, or still being written: nothing after it can be found
                self._index[raw.hex()] = (name, offset + HEADER.size, length, crc)
                offset, records = end, records + 1
                self._index_changed = True
        except OSError:
            pass
        self._scanned[name] = (offset, records)

    def _load(self, key: str, name: str, offset: int, length: int, crc: int) -> Entry | None:
        try:
            payload = os.pread(self._reader(name), length, offset)
            if len(payload) != length or zlib.crc32(payload, zlib.crc32(bytes.fromhex(key))) != crc:
                return None
            entry = marshal.loads(payload)
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if not (isinstance(entry, dict) and isinstance(entry.get("html"), str)
                and isinstance(entry.get("toc"), list) and isinstance(entry.get("refs"), list)
                and isinstance(entry.get("links"), list)):
            return None
        return entry
