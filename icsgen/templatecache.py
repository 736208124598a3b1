"""Compiled theme templates kept between runs, so a small rebuild does not compile templates again.

Compiling a Jinja template (parse, generate Python, compile) costs ~10-15 ms; a one-page rebuild
uses about ten of them, a good part of its time. Jinja's own file cache reads its files with
`pickle` and stops on a damaged one, so this one goes through storefile.py: a header naming this
icsgen and Python version and the template source's checksum, a CRC, then the code object.

A compiled template is code, run as the template itself would be: the cache is trusted as much as
the theme folder it sits beside in the project, like Python's own `__pycache__`. Anything that does
not match exactly (another template text, another Python, a damaged file) is compiled afresh.
"""

from __future__ import annotations

import contextlib
import sys
import types
from pathlib import Path

import jinja2

from .storefile import read_store, write_store


class TemplateCodeCache(jinja2.BytecodeCache):
    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint  # icsgen's code: its Jinja settings and filters shape the code

    def _stamp(self, bucket: jinja2.bccache.Bucket) -> str:
        return f"template {self.fingerprint} {sys.version} {bucket.checksum}"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = read_store(self.folder / f"{bucket.key}.bin", self._stamp(bucket))
        if isinstance(code, types.CodeType):
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only makes the next run slower
            write_store(self.folder / f"{bucket.key}.bin", self._stamp(bucket), bucket.code)
