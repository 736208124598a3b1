"""Compiled theme templates kept between runs, so a small rebuild does not compile templates again.

Compiling a Jinja template (parse, generate Python, compile) costs ~10-15 ms; a one-page rebuild
uses about ten of them, a good part of its time. Jinja's own file cache reads its files with
`pickle` and stops on a damaged one, so this one goes through cache/files.py: a header naming this
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

from .files import read_store, write_store


class TemplateCodeCache(jinja2.BytecodeCache):
    """`writes`: what is compiled is kept for the next run (not by `icsgen check`, which writes nothing)."""

    def __init__(self, folder: Path, fingerprint: str, writes: bool = True) -> None:
        self.folder = folder
        self.fingerprint = fingerprint  # icsgen's code: its Jinja settings and filters shape the code
        self.writes = writes

    def _stamp(self, bucket: jinja2.bccache.Bucket) -> str:
        return f"template {self.fingerprint} {sys.version} {bucket.checksum}"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = read_store(self.folder / f"{bucket.key}.bin", self._stamp(bucket))
        if isinstance(code, types.CodeType):
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if not self.writes:
            return
        with contextlib.suppress(OSError):  # a cache that cannot be written only makes the next run slower
            write_store(self.folder / f"{bucket.key}.bin", self._stamp(bucket), bucket.code)


class PrecompiledCode(jinja2.BytecodeCache):
    """Templates compiled in advance by another process (`CodeRecorder`), then those of `then`.

    A build with no compiled templates kept (a cold build, or the first) compiles its theme while
    the pages load, on the machine's other core; what it gets from there is handed on to `then` to
    be kept for the next run.
    """

    def __init__(self, codes: dict, then: jinja2.BytecodeCache | None = None) -> None:
        self.codes = codes
        self.then = then

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get((bucket.key, bucket.checksum))
        if isinstance(code, types.CodeType):
            bucket.code = code
            if self.then is not None:
                self.then.dump_bytecode(bucket)
        elif self.then is not None:
            self.then.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.then is not None:
            self.then.dump_bytecode(bucket)


class CodeRecorder(jinja2.BytecodeCache):
    """Keeps what Jinja compiles, by its cache key and the source's checksum, as plain values
    (code objects marshal) for `PrecompiledCode` in another process."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], types.CodeType] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Nothing kept yet: compile."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[(bucket.key, bucket.checksum)] = bucket.code
