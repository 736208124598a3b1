"""Problems an editor can act on: where (file and line), what is wrong, and how to fix it.

Every stage reports into a `Problems` collection instead of raising on the first mistake, so one
run lists everything that needs fixing. `BuildFailed` carries the whole list to the command line.
"""

from __future__ import annotations

import difflib
import errno
import os
import stat
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake, pinned to a file and (where known) a line, 1-based."""

    path: str
    line: int
    message: str
    hint: str = ""
    level: str = ERROR

    def __str__(self) -> str:
        return self.text()

    def text(self, level: bool = False) -> str:
        """`path:line: message (hint)` as every command prints it; `level` adds `error:`/`warning:`
        after the place (icsgen check, which reports both). The line is left out when unknown."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.level}: {self.message}" if level else f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "level": self.level,
            "message": self.message,
            "hint": self.hint,
        }


class Problems:
    """An ordered, duplicate-free collection of problems, with paths shown relative to the root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._items: dict[tuple[str, int, str, str], Problem] = {}  # one per place and message
        self._bases: tuple[str, ...] | None = None  # the root as given and as resolved, ending in '/'

    def add(
        self,
        path: Path | str,
        line: int | None,
        message: str,
        hint: str = "",
        level: str = ERROR,
    ) -> None:
        self._keep(Problem(self.display(path), line or 0, message, hint, level))

    def add_os_error(self, path: Path | str, error: OSError, doing: str = "cannot read") -> None:
        """A file the file system refused (see `explain`), e.g. `data/x.yaml: cannot read: permission denied`."""
        message, hint = explain(error)
        self.add(path, 0, f"{doing}: {message}" if doing else message, hint)

    def adopt(self, found: Iterable[Problem]) -> None:
        """Problems another stage found at absolute paths (the renderer, in a worker), shown as editors type them."""
        for problem in found:
            self.add(problem.path, problem.line, problem.message, problem.hint, problem.level)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self._keep(problem)

    def _keep(self, problem: Problem) -> None:
        self._items.setdefault((problem.path, problem.line, problem.message, problem.level), problem)

    def display(self, path: Path | str) -> str:
        """The path as an editor would type it: relative to the project root, with slashes.

        Found without following links first: the path of a link is the link's, wherever it leads
        (and a link that loops has no real path at all). Plain strings: a check of a large site
        reports thousands of problems.
        """
        given = os.path.abspath(path)
        if self._bases is None:
            self._bases = tuple(dict.fromkeys(os.path.join(base, "") for base in (
                os.path.abspath(self.root), os.path.realpath(self.root))))
        for base in self._bases:
            if given.startswith(base):
                return given[len(base):].replace(os.sep, "/")
            if given == base[:-1]:
                return "."
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            return Path(path).as_posix()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.level == WARNING]

    def __iter__(self) -> Iterator[Problem]:
        return iter(sorted(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)


class BuildFailed(Exception):
    """Raised when a run found errors; the previous output has been left alone."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` is most likely a misspelling of, or None when nothing is close."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def nearest(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a misspelt key, or an empty string when nothing is close."""
    match = closest(word, choices)
    return f"did you mean '{match}'?" if match else ""


def where(error: BaseException | None, tb) -> str:  # type: ignore[no-untyped-def]
    """The file and line an unexpected error names or was raised at, e.g. 'icsgen/render/renderer.py:120'."""
    filename = getattr(error, "filename", None)
    if isinstance(filename, str | Path) and filename:
        return str(filename)
    frames = traceback.extract_tb(tb) if tb else []
    if not frames:
        return "an unknown place"
    frame = frames[-1]
    path = Path(frame.filename)
    package = Path(__file__).resolve().parent
    shown = path.resolve().relative_to(package.parent).as_posix() if path.resolve().is_relative_to(package.parent) \
        else frame.filename
    return f"{shown}:{frame.lineno}"


# -- the file system's refusals, in plain words ---------------------------------------------------

_OS_ERRORS = {
    errno.ENOSPC: ("the disk is full", "free some space, then try again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space, then try again"),
    errno.EROFS: ("the disk or folder is read-only", "use a folder you can write to"),
    errno.EACCES: ("permission denied", "check the permissions of the file and its folders (ls -l)"),
    errno.EPERM: ("permission denied", "check the permissions of the file and its folders (ls -l)"),
    errno.EISDIR: ("it is a folder, not a file", "rename or remove the folder"),
    errno.ENOTDIR: ("part of its path is a file, not a folder", "rename or remove that file"),
    errno.ENOENT: ("it went away while icsgen was working", "try again once the files stop changing"),
    errno.EMFILE: ("too many files are open at once",
                   "raise the limit (for example: ulimit -n 4096) or use --jobs 1"),
    errno.ENFILE: ("the system has too many files open", "close some programs, or use --jobs 1"),
    errno.ENAMETOOLONG: ("the name is too long for the file system", "use a shorter file name"),
    errno.EIO: ("the disk reported an error", "check the disk, then try again"),
    errno.ELOOP: ("it is a link that leads round in a circle", "remove or fix the link"),
    errno.EXDEV: ("it is a disk of its own (a mount point), which cannot be swapped for a new folder",
                  "build into a folder inside it, for example --out FOLDER/site"),
    errno.EBUSY: ("it is in use: a mount point, or open in another program",
                  "build into a folder inside it, for example --out FOLDER/site, or close the program"),
}
NOT_A_FILE = "it is not an ordinary file (a pipe, socket or device)"


class NotAFile(OSError):
    """A path that should be an ordinary file is a pipe, socket or device (reading a pipe would wait for ever)."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(errno.EINVAL, NOT_A_FILE, os.fspath(path))


def explain(error: OSError) -> tuple[str, str]:
    """What a file-system error means for an editor, and what to do about it: (message, hint)."""
    if isinstance(error, NotAFile):
        return NOT_A_FILE, "replace it with an ordinary file"
    if error.errno in _OS_ERRORS:
        return _OS_ERRORS[error.errno]
    return (error.strerror.lower() if error.strerror else str(error)), ""


def read_file(path: Path | str) -> bytes:
    """The bytes of an ordinary file. A folder raises `IsADirectoryError`, a pipe or device `NotAFile`,
    without waiting: opening a pipe to read it would wait for a writer for ever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        if not stat.S_ISREG(mode):
            raise NotAFile(path)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)
