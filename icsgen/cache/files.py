"""The files of the build cache: a header naming the icsgen that wrote them, a checksum, then the data.

The data is plain values (dicts, lists, strings, numbers) in `marshal` form: at ten thousand pages
JSON took about half a second a build to decode and encode, marshal a tenth of that. marshal makes
values and runs no code (the one store of code, compiled templates, is cache/templates.py's), but is
not meant for damaged input, so nothing reaches it unless the header matches this icsgen and the
checksum (CRC-32 and length) matches the bytes. Anything else reads as no cache at all.
"""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

MAGIC = b"icsgen-cache 3\n"
# Version 2, not the newest (4): from version 3 on, marshal marks every object something else also
# refers to, and the build's records are shared all over; at 10,000 pages that doubled the time to
# write the stores and to read them back (measured: outputs 56 -> 28 ms to write, 97 -> 48 to read),
# for files 5% smaller.
MARSHAL_VERSION = 2


def read_store(path: Path, fingerprint: str) -> Any | None:
    """The value written by `write_store` with the same fingerprint, or None."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head = _head(fingerprint)
    body = memoryview(raw)[len(head) + 32:]  # a view: ten megabytes need not be copied to be checked
    if not raw.startswith(head) or raw[len(head):len(head) + 32] != _checksum(body):
        return None
    try:
        return marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None


def write_store(path: Path, fingerprint: str, value: Any) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one."""
    body = marshal.dumps(value, MARSHAL_VERSION)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with open(temporary, "wb") as file:  # three writes: joining them first would copy the body once more
        file.write(_head(fingerprint))
        file.write(_checksum(body))
        file.write(body)
    os.replace(temporary, path)


def _head(fingerprint: str) -> bytes:
    """Names the writer, and the machine's byte order: numbers may be kept as raw machine words."""
    return MAGIC + f"{sys.byteorder} {fingerprint}\n".encode()


def _checksum(body: bytes | memoryview) -> bytes:
    """CRC-32 and length: it is damage being looked for, not forgery, and a CRC is several times cheaper."""
    return f"{zlib.crc32(body):08x}{len(body):024x}".encode()

def remove_later(folder: Path, last: str | None = None) -> None:
    """Delete a replaced site without making the editor wait: thousands of unlinks take seconds.

    The folder is already out of the way under a hidden name; a detached `rm` finishes the job
    after the command has returned, deleting the file named `last` (a marker saying who made the
    folder) only once everything else is gone. Where there is no `rm`, it is deleted here and now.
    """
    shell = shutil.which("sh")
    if shell is None or os.name != "posix":
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        entries = [os.path.join(folder, name) for name in os.listdir(folder) if name != last]
    except OSError:
        return
    script = 'rm -rf -- "$@"; ' + (f'rm -f -- "$0/{last}"; ' if last else "") + 'rmdir -- "$0"'
    subprocess.Popen([shell, "-c", script, str(folder), *entries], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
