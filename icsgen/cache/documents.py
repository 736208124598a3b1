"""The documents' descriptions kept between builds (`.icsgen-cache/documents.bin`).

`content.describe_documents` opens a document only when this store has no description for its path,
size and modification time: an unchanged PDF is never read twice. The store is written only when a
build described something new, and keeps only the documents that build described.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .files import read_store, write_store


class DocumentStore(dict):
    """A `content.DocumentMemo` read from, and saved to, one cache file."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        kept = read_store(path, fingerprint)
        super().__init__(kept if isinstance(kept, dict) else {})
        self.path, self.fingerprint = path, fingerprint
        self._loaded = dict(self)
        self._described: dict[str, Any] = {}  # what this build described: the store to save

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._described[key] = value

    def save(self) -> None:
        """Write what this build described, unless it is exactly what was read (most builds)."""
        if self._described != self._loaded:
            write_store(self.path, self.fingerprint, self._described)
