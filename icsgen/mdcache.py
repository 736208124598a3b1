"""Converted page bodies, kept so that a template or theme change redoes only the templates.

Converting Markdown is most of what rendering a page costs, yet a template edit changes no page's
Markdown. An entry is keyed on everything the conversion read from the page (its address, where
its body starts, its text before and after region variables) and records what each of its links
resolved to; it is used only if every link still resolves the same way. Pages whose conversion
reported a problem are never kept, so their problems are reported every time.

`icsgen serve` keeps entries in memory; `icsgen build` also keeps them as small JSON files under
`.icsgen-cache/markdown/<icsgen code fingerprint>/`. A damaged file is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

Entry = dict[str, Any]  # {"html", "toc", "refs": [[target, fragment, line]], "links": [[path, url, key]]}


def entry_key(page_key: str, url: str, body_line: int, source: str, text: str) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in (page_key, url, str(body_line), source, text):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


class MarkdownCache:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._memory: dict[str, Entry] = {}

    def get(self, key: str) -> Entry | None:
        entry = self._memory.get(key)
        if entry is None and self.folder is not None:
            entry = self._read(key)
            if entry is not None:
                self._memory[key] = entry
        return entry

    def put(self, key: str, entry: Entry) -> None:
        self._memory[key] = entry
        if self.folder is None:
            return
        path = self.folder / key[:2] / f"{key}.json"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{key}.{os.getpid()}")
            temporary.write_text(json.dumps(entry, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            pass  # a cache that cannot be written is only slower

    def _read(self, key: str) -> Entry | None:
        assert self.folder is not None
        try:
            entry = json.loads((self.folder / key[:2] / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if not (isinstance(entry, dict) and isinstance(entry.get("html"), str)
                and isinstance(entry.get("toc"), list) and isinstance(entry.get("refs"), list)
                and isinstance(entry.get("links"), list)):
            return None
        return entry
