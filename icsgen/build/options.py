"""What a build is asked to do: shared by build, check and serve."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from icsgen.content import DocumentMemo, FrontMatterMemo, PageSource
from icsgen.files import Tree


@dataclass(frozen=True)
class BuildOptions:
    out: Path | None = None  # default: <root>/build
    regions: tuple[str, ...] = ()
    drafts: bool = False
    future: bool = False
    jobs: int = 0  # 0: one per core
    today: dt.date | None = None
    cache: bool = True  # False: --no-cache, render everything and leave the cache alone
    strict: bool = False  # --strict: warnings fail the build too
    memo: FrontMatterMemo | None = None
    pages: PageSource | None = None  # pages kept between loads (serve's memory, build's store)
    trees: dict[str, Tree] | None = None  # content files from the build's own walk (`scan_content`)
    documents: DocumentMemo | None = None  # documents' descriptions kept between builds (cache.DocumentStore)
    search: bool = True  # False: --no-search, no search index (build/search.py)


Progress = Callable[[int, int], None]
