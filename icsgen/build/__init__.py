"""Building the site: load, plan, render, check links, write, publish in one step.

Public face: `build(root, options)` runs the whole pipeline; `load`, `plan` and `reload` give
`icsgen check` and `icsgen serve` the same loaded site the build uses, and `render_in_memory` renders
it for `icsgen check` as the build would, in its workers, writing nothing. Everything about worker
processes, the build cache and the output folder stays inside this package.

This face loads the pipeline on first use (PEP 562 `__getattr__`), not on import: `icsgen build`
imports `icsgen.build.early` first thing, to start its walk of the input files in a child process
while the rest of icsgen is still being imported (see cli/launch.py).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .background import Background
    from .early import start_early
    from .images import Images, make_images, read_images
    from .links import check_anchors, check_rendered_links
    from .loading import Loaded, load, plan, reload
    from .moved import addresses_of_files, files_in, published_now, report_moved
    from .options import BuildOptions
    from .output import MARKER, copy_file, discard, process_running, staging_dir, swap_in
    from .pipeline import BuildReport, build, leave_for_exit
    from .rendering import Rendered, render_all, render_in_memory
    from .search import (
        INDEX_DIR,
        SHARDS_FILE,
        IndexerFailed,
        Shard,
        document_records,
        shard_count,
        shard_of,
        shards_for,
        unpack_record,
        worker_record,
        write_count,
        write_shards,
    )
    from .writing import write_the_rest

_WHERE = {
    "can_fork": "workers",
    "STALL": "workers",
    "start_early": "early",
    "Background": "background",
    "MARKER": "output", "copy_file": "output", "discard": "output", "staging_dir": "output", "swap_in": "output",
    "process_running": "output",
    "BuildOptions": "options", "BuildReport": "pipeline", "build": "pipeline", "leave_for_exit": "pipeline",
    "Loaded": "loading", "load": "loading", "plan": "loading", "reload": "loading",
    "check_anchors": "links", "check_rendered_links": "links",
    "render_all": "rendering", "render_in_memory": "rendering", "Rendered": "rendering",
    "write_the_rest": "writing",
    "Images": "images", "make_images": "images", "read_images": "images",
    "INDEX_DIR": "search", "IndexerFailed": "search", "document_records": "search", "worker_record": "search",
    "unpack_record": "search",
    "SHARDS_FILE": "search", "Shard": "search", "shard_count": "search", "shards_for": "search", "shard_of": "search",
    "write_count": "search", "write_shards": "search",
    "published_now": "moved", "report_moved": "moved", "addresses_of_files": "moved", "files_in": "moved",
}

__all__ = [
    "INDEX_DIR",
    "MARKER",
    "SHARDS_FILE",
    "STALL",
    "Background",
    "BuildOptions",
    "BuildReport",
    "Images",
    "IndexerFailed",
    "Loaded",
    "Rendered",
    "Shard",
    "addresses_of_files",
    "build",
    "can_fork",
    "check_anchors",
    "check_rendered_links",
    "copy_file",
    "discard",
    "document_records",
    "files_in",
    "leave_for_exit",
    "load",
    "make_images",
    "plan",
    "process_running",
    "published_now",
    "read_images",
    "reload",
    "render_all",
    "render_in_memory",
    "report_moved",
    "shard_count",
    "shard_of",
    "shards_for",
    "staging_dir",
    "start_early",
    "swap_in",
    "unpack_record",
    "worker_record",
    "write_count",
    "write_shards",
    "write_the_rest",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'icsgen.build' has no attribute {name!r}")
    __import__(f"{__name__}.{module}")  # the import statement's own path (`-X importtime` sees it)
    loaded = sys.modules[f"{__name__}.{module}"]
    value = loaded if name == module else getattr(loaded, name)
    globals()[name] = value
    return value
