"""A build's walk of its input files, started in a child process before the rest of icsgen is imported.

`icsgen build` (cli/launch.py) calls `start_early` first thing; the build collects the answer with
`take_early` when it needs it. Importing this module must stay light (os, marshal, signal,
threading): that is why `icsgen.build`'s public face loads the pipeline only on first use.
"""

from __future__ import annotations

import os

from icsgen.files import scan_inputs

from .background import Background

_early: tuple[str, Background] | None = None


def start_early(root: str) -> None:
    """Start `scan_inputs(root)` in a child now, for a build of `root` to collect with `take_early`."""
    global _early
    _early = (root, Background(lambda: scan_inputs(root), nice=10))


def take_early(root: str | os.PathLike) -> Background | None:
    """The child `start_early` started for this very folder, if one is running; it is handed out once."""
    global _early
    found, _early = _early, None
    if found is None or found[0] != os.fspath(root) or not found[1].running:
        if found is not None:
            found[1].cancel()
        return None
    return found[1]
