"""Writing the site safely: into a staging folder, published in one step only when the build succeeded.

An editor's mistake must never cost them the last good site, and icsgen must never delete a folder
it did not make. Every output folder carries a marker file; a non-empty folder without one (say
`--out content` by accident) is refused, not replaced.

Publishing is one atomic exchange of two folders (`exchange`), so whoever reads `build/` (a web server,
`rsync`, an editor's browser) sees the whole old site or the whole new one, never a mix, whenever the
build is stopped. A full build exchanges its staging folder with `build/`. A rebuild writes only what
changed, so it keeps a *twin* of `build/` beside it (`.build.twin`, every file a hard link to the same
file in `build/`: no bytes copied), moves the changed files into the twin, exchanges the two folders,
then brings the new twin (the old site) up to date with links. Making a twin from scratch took 1.5 s
at 10,000 pages (a folder per page), bringing it up to date after a one-page edit takes microseconds.
Where the file system has no hard links (FAT, exFAT), the twin holds copies instead.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import shutil
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from icsgen.cache import remove_later as _delete_later

from .prefill import remove_empty_folders

MARKER = ".icsgen-build"
TWIN_STAMP = ".icsgen-twin"  # in the twin only, while it matches build/: see `twin_ready`
SETTLED_NS = 60 * 10**9  # a leftover folder nothing has changed for this long is no longer being deleted


class UnsafeOutput(Exception):
    """The chosen output folder is not one icsgen may replace."""


def check_output_dir(out: Path, root: Path) -> None:
    out, root = out.resolve(), root.resolve()
    protected = [root, root / "content", root / "themes", root / "icsgen", root / "tests", root / ".git"]
    if out in protected or any(p.is_relative_to(out) for p in protected if p != root) or any(
        out.is_relative_to(p) for p in protected[1:]
    ):
        raise UnsafeOutput(f"{out} holds the project's own files; choose another --out folder")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        if _python_packaging_leftovers(out):
            raise UnsafeOutput(
                f"{out} holds what Python packaging (pip install, setuptools) left there (lib/, bdist.*/), "
                "not a site, so icsgen will not replace it; delete that folder and build again, "
                "or choose another --out folder"
            )
        raise UnsafeOutput(
            f"{out} already exists and was not made by icsgen, so it will not be replaced; "
            "choose an empty or new --out folder"
        )


def _python_packaging_leftovers(folder: Path) -> bool:
    """True for a folder holding only setuptools' build products: an older checkout's `pip install .`
    (before pyproject.toml moved them to .setuptools-build/) left them in `build/`, icsgen's default
    output, and an editor needs to be told what they are before deleting anything."""
    names = {entry.name for entry in folder.iterdir()}
    return bool(names) and all(name in {"lib", "scripts"} or name.startswith(("bdist.", "lib.", "temp."))
                               for name in names)


def staging_dir(out: Path) -> Path:
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / MARKER).write_text("This folder is made by icsgen build and replaced by the next build.\n")
    return staging


def _inside(folder: Path, rel: str) -> str:
    """The file's path, refusing any `rel` that could leave the output folder.

    Checked on the text (no `..`, not absolute, no backslashes): the output folder is made fresh by
    icsgen and holds no links, and resolving every path cost more than writing the file.
    """
    parts = rel.split("/")
    if rel.startswith("/") or "\\" in rel or any(part in ("", ".", "..") for part in parts):
        raise UnsafeOutput(f"refusing to write outside the output folder: {rel}")
    return os.path.join(folder, rel)


_WRITE = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)


def write_text(folder: Path, rel: str, text: str) -> None:
    write_bytes(folder, rel, text.encode("utf-8"))


def write_bytes(folder: Path, rel: str, data: bytes) -> None:
    """Write `data`, opening the file without `O_TRUNC` and cutting any longer old content after.

    A cold build's files exist already, empty (see build/prefill.py), and on ext4 truncating a file to
    nothing, even an empty one, makes its `close` start writing it to disk (the `auto_da_alloc`
    safeguard for programs that rewrite a file in place): at 10,000 pages that cost a tenth of a
    cold build, and made the files made ahead cost more than they saved.
    """
    path = _inside(folder, rel)
    try:
        fd = os.open(path, _WRITE, 0o666)
    except FileNotFoundError:  # its folder is new: make it (cheaper than checking every time)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, _WRITE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if os.fstat(fd).st_size > len(data):
            os.ftruncate(fd, len(data))
    except OSError as exc:  # a full disk: name the file, as the message will
        exc.filename = exc.filename or path
        raise
    finally:
        os.close(fd)


def holds(folder: Path, rel: str, data: bytes) -> bool:
    """Whether the file `rel` under `folder` holds exactly `data`."""
    try:
        with open(_inside(folder, rel), "rb") as handle:
            return os.fstat(handle.fileno()).st_size == len(data) and handle.read() == data
    except OSError:
        return False


def copy_file(folder: Path, rel: str, source: Path) -> None:
    path = _inside(folder, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        shutil.copyfile(source, path)
    except OSError as exc:  # an error in writing names the source, or no file: it is the copy's
        if exc.errno in _WRITING_ERRORS or not exc.filename:
            exc.filename, exc.filename2 = path, None
        raise


_WRITING_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def unwritable(rel: str) -> str:
    """Why a file of the site cannot be written as `rel` (see `_inside`), or "" if it can: `check` and `build`
    refuse the same names."""
    if "\\" in rel:
        return "has a backslash (\\), which web addresses cannot hold"
    for mark in "#?":  # a link to it would stop short of its name
        if mark in rel:
            return f"has a '{mark}', which ends the path of a web address, so no link reaches the file"
    try:
        _inside(Path("."), rel)
    except UnsafeOutput:
        return "is not a name a web address can hold"
    return ""



# -- publishing: one exchange of two folders ------------------------------------------------------


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a build, saying whether the new site was already published when it came."""

    def __init__(self, published: bool) -> None:
        super().__init__()
        self.published = published


def pause(point: str) -> None:
    """A test hook: with `ICSGEN_TEST_PAUSE=POINT:SECONDS` (several separated by commas) a build stops
    at POINT that long, after saying so on stderr, so that a test can kill it at exactly that step."""
    wanted = os.environ.get("ICSGEN_TEST_PAUSE")
    if not wanted:
        return
    for item in wanted.split(","):
        name, _, seconds = item.partition(":")
        if name == point:
            sys.stderr.write(f"icsgen-test: paused at {point}\n")
            sys.stderr.flush()
            time.sleep(float(seconds or 60))


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C (SIGINT) and a plain `kill` (SIGTERM) wait until the enclosed steps are done: they publish
    a site and its twin, and cut in half they would leave the twin to be made again from scratch.

    A Ctrl-C that came meanwhile is then raised as `Interrupted(published=True)`; a SIGTERM ends the
    process as it would have, only later. Only in the main thread of a process (the command line): in
    another thread the block would not stop the signal reaching the process.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    interrupted = False
    try:
        yield
    finally:
        with contextlib.suppress(OSError, AttributeError):  # no sigtimedwait (macOS): the signal comes on its own
            interrupted = signal.SIGINT in signal.sigpending() and signal.sigtimedwait([signal.SIGINT], 0) is not None
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
    if interrupted:
        raise Interrupted(published=True)


_AT_FDCWD = -100
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}


@functools.cache
def _swap_call() -> Callable[[str, str], None] | None:
    """The system's atomic exchange of two paths: Linux's `renameat2(RENAME_EXCHANGE)`, macOS's
    `renamex_np(RENAME_SWAP)`; None elsewhere. (`ctypes` is loaded only here: ~3 ms.)"""
    if os.environ.get("ICSGEN_TEST_NO_EXCHANGE"):  # a test hook: behave as on a system without one
        return None
    if sys.platform.startswith("linux"):
        name, relative = "renameat2", True
    elif sys.platform == "darwin":
        name, relative = "renamex_np", False
    else:
        return None
    try:
        import ctypes

        function = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (ImportError, OSError, AttributeError):  # an old C library
        return None
    flag = 2  # RENAME_EXCHANGE and RENAME_SWAP alike

    def swap(a: str, b: str) -> None:
        paths = (os.fsencode(a), os.fsencode(b))
        args = (_AT_FDCWD, paths[0], _AT_FDCWD, paths[1], flag) if relative else (*paths, flag)
        if function(*args) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), a, None, b)

    return swap


def exchange(new: Path, out: Path) -> bool:
    """Put folder `new` in the place of `out` in one step; `new`'s name then holds what `out` was.
    Returns whether there was an `out`.

    Where the system has no atomic exchange (or the file system refuses one), two renames do it, through
    a hidden `.NAME.held-PID`: a build stopped between them leaves no `out`, and the next build puts the
    held site back (`recover`) before anything else.
    """
    if not os.path.lexists(out):
        try:
            os.rename(new, out)
            return False
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):  # made meanwhile: exchange with it
                raise
    swap = _swap_call()
    if swap is not None:
        try:
            swap(str(new), str(out))
            return True
        except OSError as exc:
            if exc.errno not in _UNSUPPORTED:
                raise
    held = out.parent / f".{out.name}.held-{os.getpid()}"
    os.rename(out, held)
    try:
        pause("held")
        os.rename(new, out)
    except BaseException:
        os.rename(held, out)
        raise
    os.rename(held, new)
    return True


def publish_whole(staging: Path, out: Path) -> Path | None:
    """Publish a full build: `staging` becomes `out` in one step. Returns the site it replaced, moved
    aside under a hidden name (for `make_twin` or `remove_later`), or None if there was none."""
    pause("exchange")
    with signals_held():
        replaced = exchange(staging, out)
    if not replaced:
        return None
    aside = out.parent / f".{out.name}.old-{os.getpid()}-{time.time_ns()}"
    os.rename(staging, aside)
    return aside


def swap_in(staging: Path, out: Path) -> None:
    """`publish_whole`, the replaced site deleted in the background."""
    old = publish_whole(staging, out)
    if old is not None:
        remove_later(old)


def recover(out: Path) -> None:
    """If `out` is missing because a build was stopped between the two renames of `exchange`'s fallback,
    put the site it held aside back: the whole previous site."""
    if os.path.lexists(out):
        return
    held = [path for path, pid in _leftovers(out) if path.name.startswith(f".{out.name}.held-")
            and pid is not None and not process_running(pid)]
    if held:
        os.rename(max(held, key=lambda path: os.lstat(path).st_ctime_ns), out)


_LEFTOVER = re.compile(r"(?:staging|held)-(\d+)|staging-\d+\.done-\d+|old-\d+-\d+")


def _leftovers(out: Path) -> Iterator[tuple[Path, int | None]]:
    """The folders beside `out` named as icsgen names its own and holding its marker: each with the
    process that made it, if the name says (staging and held folders)."""
    prefix = f".{out.name}."
    try:
        names = os.listdir(out.parent)
    except OSError:
        return
    for name in names:
        match = _LEFTOVER.fullmatch(name[len(prefix):]) if name.startswith(prefix) else None
        if match is not None and made_by_icsgen(out.parent / name):
            yield out.parent / name, int(match.group(1)) if match.group(1) else None


def made_by_icsgen(folder: Path) -> bool:
    """A real folder (not a link to one) holding icsgen's marker file."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode) and stat.S_ISREG(os.lstat(folder / MARKER).st_mode)
    except OSError:
        return False


def process_running(pid: int) -> bool:
    """Whether process `pid` exists; another user's, or one that cannot be asked about, counts as running
    (what it made is left alone)."""
    if os.name != "posix":  # os.kill would end the process: take it as running
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's
    return True


def clear_leftovers(out: Path) -> None:
    """Delete, in the background, what stopped builds left beside `out`: staging folders of builds that
    are no longer running, and replaced sites whose deletion was cut short. Only folders named as icsgen
    names them and holding its marker file; a folder being deleted right now is left to that deletion.
    """
    recover(out)
    now = time.time_ns()
    for path, pid in _leftovers(out):
        with contextlib.suppress(OSError):
            if pid is not None and (pid == os.getpid() or process_running(pid)):
                continue
            if pid is None and now - os.lstat(path).st_ctime_ns < SETTLED_NS:
                continue
            retire(path, out)


def retire(folder: Path, out: Path) -> None:
    """Move `folder` (one of `out`'s staging, old or twin folders) aside under a new name, so that nothing
    else starts deleting it too, and delete it in the background. Renaming sets its change time, which
    `clear_leftovers` goes by."""
    aside = out.parent / f".{out.name}.old-{os.getpid()}-{time.time_ns()}"
    os.rename(folder, aside)
    remove_later(aside)


def remove_later(folder: Path) -> None:
    """Delete a folder of the site's in the background (`cache.remove_later`), its marker file last, so
    that a deletion cut short leaves a folder still known as icsgen's (`clear_leftovers` finishes it)."""
    _delete_later(folder, last=MARKER)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def discard_later(staging: Path) -> None:
    """`discard`, after the command has returned (see `remove_later`): a rebuild that moved thousands of
    pages out of the staging folder leaves as many empty folders, and deleting them took 0.8 s at
    10,000 pages. Renamed first, so a build that makes a staging folder of the same name meanwhile
    (serve rebuilds in one process) cannot lose it to the deletion."""
    aside = staging.with_name(f"{staging.name}.done-{time.time_ns()}")
    try:
        staging.rename(aside)
    except OSError:
        discard(staging)
        return
    remove_later(aside)


# -- the twin: what a rebuild publishes by exchange -------------------------------------------------


def twin_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.twin"


def _identity(path: Path) -> str:
    info = os.stat(path)
    return f"{info.st_dev}:{info.st_ino}"


def twin_ready(out: Path) -> bool:
    """Whether the twin holds exactly what `out` holds: its stamp names this very `out` folder and
    itself (any exchange or rename of either, by a build without the cache or by hand, makes it stale),
    and is taken away before the twin is changed, so a build stopped meanwhile leaves none."""
    twin = twin_dir(out)
    try:
        with open(twin / TWIN_STAMP, encoding="ascii") as handle:
            return handle.read() == f"{_identity(out)} {_identity(twin)}\n"
    except (OSError, UnicodeDecodeError):
        return False


def _stamp(out: Path, twin: Path) -> None:
    with open(twin / TWIN_STAMP, "w", encoding="ascii") as handle:
        handle.write(f"{_identity(out)} {_identity(twin)}\n")


def _unstamp(twin: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(twin / TWIN_STAMP)


def make_twin(out: Path, base: Path | None = None) -> None:
    """Make `out`'s twin again from what there is: `base` (the site `out` replaced, which then becomes
    the twin) or else the stale twin, linking what differs and deleting what `out` does not have. From a
    site like it most folders are there already: making them was most of the cost of a twin from scratch.
    """
    twin = twin_dir(out)
    if base is not None and made_by_icsgen(base):
        if os.path.lexists(twin):
            _retire_twin(twin, out)
        os.rename(base, twin)
    elif os.path.lexists(twin):
        _retire_twin(twin, out, keep=True)
    else:
        os.mkdir(twin)
        _hard_link(str(out / MARKER), str(twin / MARKER))  # first: a twin cut short is still known as icsgen's
    _unstamp(twin)
    _mirror(str(out), str(twin))
    _stamp(out, twin)


def _retire_twin(twin: Path, out: Path, keep: bool = False) -> None:
    """Delete a twin (or, `keep`, check that it may be made over): a folder of that name that icsgen did
    not make is never touched."""
    if not made_by_icsgen(twin):
        raise UnsafeOutput(f"{twin} was not made by icsgen, so it will not be replaced; move it away")
    if not keep:
        retire(twin, out)


def _mirror(live: str, twin: str) -> None:
    """Make folder `twin` hold exactly the files of `live`, each a hard link to live's own file."""
    try:
        there = {entry.name: entry for entry in os.scandir(twin)}
    except FileNotFoundError:
        os.mkdir(twin)
        there = {}
    for entry in os.scandir(live):
        target = os.path.join(twin, entry.name)
        other = there.pop(entry.name, None)
        if entry.is_dir(follow_symlinks=False):
            if other is not None and not other.is_dir(follow_symlinks=False):
                os.unlink(target)
            _mirror(entry.path, target)
            continue
        if other is not None:
            if other.is_dir(follow_symlinks=False):
                shutil.rmtree(target)
            elif _same_file(entry, other):
                continue
            else:
                os.unlink(target)
        _hard_link(entry.path, target)
    for name, other in there.items():
        path = os.path.join(twin, name)
        shutil.rmtree(path) if other.is_dir(follow_symlinks=False) else os.unlink(path)


_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}


@functools.cache
def _links_refused() -> bool:
    return bool(os.environ.get("ICSGEN_TEST_NO_LINKS"))  # a test hook: behave as on a drive without hard links


def _hard_link(source: str, target: str) -> None:
    """Make `target` the same file as `source` (a hard link), or a copy of it where the file system has
    no hard links (FAT and exFAT drives, some network shares) or refuses one: the twin then takes the
    site's space again, and making it takes a copy's time, but publishing stays one step."""
    if not _links_refused():
        try:
            os.link(source, target, follow_symlinks=False)
            return
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
    shutil.copy2(source, target, follow_symlinks=False)


def _same_file(a: os.DirEntry, b: os.DirEntry) -> bool:
    first, second = a.stat(follow_symlinks=False), b.stat(follow_symlinks=False)
    return (first.st_ino, first.st_dev) == (second.st_ino, second.st_dev)


def publish_changes(staging: Path, out: Path, moves: list[str], removals: Iterable[str]) -> None:
    """Publish a rebuild in one step: in the twin, the files `moves` (paths relative to `staging`, which
    holds them) replace their old versions and `removals` go; the twin and `out` are exchanged; the new
    twin (the replaced site) is brought up to date the same way, with links to the files just published.
    """
    twin = twin_dir(out)
    if twin_ready(out):
        _unstamp(twin)  # from here until it is stamped again, the twin is not trusted
    else:
        make_twin(out)  # stale: a build that was stopped, or one without the cache, replaced `out` since
        _unstamp(twin)
    removals = [rel for rel in removals if not unwritable(rel)]  # names from the cache's records
    replaced = _identity(out)
    half = len(moves) // 2
    for index, rel in enumerate(moves):
        if index == half:
            pause("apply")
        _move(os.path.join(staging, rel), os.path.join(twin, rel))
    for rel in removals:
        _remove_file(twin, rel)
    with signals_held():
        exchange(twin, out)
        if _identity(twin) != replaced:  # another build replaced `out` meanwhile: what came back is not ours
            retire(twin, out)
            return
        pause("sync")
        for rel in moves:
            _link(os.path.join(out, rel), os.path.join(twin, rel))
        for rel in removals:
            _remove_file(twin, rel)
        _stamp(out, twin)


def _move(source: str, target: str) -> None:
    try:
        os.replace(source, target)
    except FileNotFoundError:  # a new folder
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(source, target)


def _link(source: str, target: str) -> None:
    try:
        os.unlink(target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
    _hard_link(source, target)


def _remove_file(folder: Path, rel: str) -> None:
    """Delete file `rel` of `folder` and any folders that leaves empty."""
    path = os.path.join(folder, rel)
    if not os.path.isfile(path) or os.path.islink(path):
        return
    os.unlink(path)
    remove_empty_folders(folder, rel)
