"""Making the published files of every content image before the pages are rendered, in parallel.

The renderer needs each image's size and made files (render/images.py writes `<picture>` from them),
and the writer publishes the made files instead of the uploaded one (cache/images.py: turned upright,
every piece of metadata gone, several widths and formats). Images made before are taken from the
store without being opened; the rest are shared among the build's forked workers (build/workers.py).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from icsgen.cache import IMAGE_SUFFIXES, ImageProblem, ImageStore, read_problem
from icsgen.content import Site, StaticFile
from icsgen.problems import WARNING, Problems
from icsgen.render import published_files

from .workers import WorkerFailed, can_fork, forked_map

PARALLEL_MIN = 2  # images to make before forking is worth it (one photo takes a second or more)
_SVG_SIZE = re.compile(r"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_NUMBER = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(?:px)?\s*$")

_work: list[tuple[Path, str]] = []
_store: ImageStore | None = None


def _make_one(index: int) -> tuple[int, dict[str, Any] | tuple[str, str]]:
    assert _store is not None
    path, digest = _work[index]
    try:
        return index, _store.make(path, digest)
    except ImageProblem as exc:
        return index, (exc.message, exc.hint)


class Images:
    """Every content image of a build: `info` by site path for the renderer, `write` for the writer."""

    def __init__(self, store: ImageStore | None, temporary: tempfile.TemporaryDirectory | None = None) -> None:
        self.store = store
        self.info: dict[str, dict[str, Any]] = {}
        self.digests: dict[str, str] = {}  # site path -> digest of its made files
        self._temporary = temporary

    def files(self, static: StaticFile) -> list[tuple[str, Path]]:
        """(site path, file) to publish for one static file: the made files of an image, else itself."""
        digest = self.digests.get(static.url)
        info = self.info.get(static.url)
        if digest is None or info is None or self.store is None or not info.get("variants"):
            return [(static.url, static.source_path)]
        return [(url, self.store.path(digest, name)) for url, name in published_files(static.url, info)]

    def close(self) -> None:
        if self._temporary is not None:
            self._temporary.cleanup()


def make_images(site: Site, cache_folder: Path | None, workers: int, problems: Problems) -> Images:
    """Make (or find made) the files of every JPEG, PNG and WebP image of the regions this run writes,
    and read the size of each SVG and GIF. An image that cannot be read is published as it is, with a
    warning naming it (it is not a picture a browser could show either)."""
    statics = [s for s in site.statics.values() if s.key.split("/", 1)[0] in site.chosen]
    temporary = None
    if cache_folder is None and any(s.source_path.suffix.lower() in IMAGE_SUFFIXES for s in statics):
        temporary = tempfile.TemporaryDirectory(prefix="icsgen-images-")
    folder = cache_folder if cache_folder is not None else Path(temporary.name) if temporary else None
    store = ImageStore(folder) if folder is not None else None
    images = Images(store, temporary)
    todo: list[tuple[StaticFile, Path, str]] = []
    for static in statics:
        suffix = static.source_path.suffix.lower()
        if suffix == ".svg":
            size = svg_size(static.source_path)
            if size is not None:
                images.info[static.url] = {"format": "svg", "width": size[0], "height": size[1], "variants": {}}
        elif suffix == ".gif":
            size = gif_size(static.source_path)
            if size is not None:
                images.info[static.url] = {"format": "gif", "width": size[0], "height": size[1], "variants": {}}
        elif suffix in IMAGE_SUFFIXES and store is not None:
            try:
                digest = store.digest(static.source_path)
            except OSError as exc:
                problems.add_os_error(static.source_path, exc)
                continue
            images.digests[static.url] = digest
            made = store.made(digest)
            if made is not None:
                images.info[static.url] = made
            else:
                todo.append((static, static.source_path, digest))
    for static, result in _make_all(store, todo, workers):
        if isinstance(result, tuple):
            _unreadable(static, *result, problems)
            images.digests.pop(static.url, None)
        else:
            images.info[static.url] = result
    if store is not None and cache_folder is not None:
        store.save_index()
        if len(site.chosen) == len(site.regions):  # the whole site: made files no image uses can go
            store.forget_unused(set(images.digests.values()))
    return images


def read_images(site: Site, cache_folder: Path | None, workers: int, problems: Problems) -> None:
    """Warn about every content image `make_images` would warn about, making nothing: `icsgen check`'s way.

    An image the kept store (`cache_folder`, read only) made from these very bytes was read then; each
    other JPEG, PNG and WebP image is read as making it would (`read_problem`), in `workers` processes.
    """
    statics = [s for s in site.statics.values()
               if s.key.split("/", 1)[0] in site.chosen and s.source_path.suffix.lower() in IMAGE_SUFFIXES]
    store = ImageStore(cache_folder) if cache_folder is not None and cache_folder.is_dir() else None
    todo = []
    for static in statics:
        try:
            if store is not None and store.made(store.digest(static.source_path)) is not None:
                continue
        except OSError as exc:
            problems.add_os_error(static.source_path, exc)
            continue
        todo.append(static)
    global _reading
    _reading = [static.source_path for static in todo]
    try:
        if workers != 1 and len(todo) >= PARALLEL_MIN and can_fork():
            found = dict(forked_map(_read_one, len(todo), workers or 2, 1))
        else:
            found = dict(map(_read_one, range(len(todo))))
    finally:
        _reading = []
    for index, static in enumerate(todo):
        if found[index] is not None:
            _unreadable(static, *found[index], problems)


_reading: list[Path] = []


def _read_one(index: int) -> tuple[int, tuple[str, str] | None]:
    problem = read_problem(_reading[index])
    return index, (problem.message, problem.hint) if problem is not None else None


def _unreadable(static: StaticFile, message: str, hint: str, problems: Problems) -> None:
    """The warning for an image that cannot be made (`ImageProblem`): a build publishes it as it is."""
    problems.add(static.source_path, 0, f"this image {message}: it is published as it is, in one size", hint, WARNING)


def _make_all(store: ImageStore | None, todo: list[tuple[StaticFile, Path, str]],
              workers: int) -> Iterable[tuple[StaticFile, dict[str, Any] | tuple[str, str]]]:
    global _work, _store
    if not todo or store is None:
        return []
    unique: dict[str, int] = {}
    for i, (_, _, digest) in enumerate(todo):
        unique.setdefault(digest, i)  # the same photo in two folders is made once
    order = sorted(unique.values())
    _work, _store = [(todo[i][1], todo[i][2]) for i in order], store
    try:
        if workers != 1 and len(order) >= PARALLEL_MIN and can_fork():
            try:
                results = dict(forked_map(_make_one, len(order), workers or 2, 1))
            except WorkerFailed:
                results = dict(map(_make_one, range(len(order))))  # a worker died (memory?): once more, here
        else:
            results = dict(map(_make_one, range(len(order))))
    finally:
        _work, _store = [], None
    by_digest = {todo[i][2]: results[n] for n, i in enumerate(order)}
    return [(static, by_digest[digest]) for static, _, digest in todo]


def svg_size(path: Path) -> tuple[int, int] | None:
    """An SVG's width and height from its root element (`width`/`height`, else its `viewBox`)."""
    try:
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError:
        return None
    match = _SVG_SIZE.search(head)
    if match is None:
        return None
    tag = match.group(0)

    def value(name: str) -> str | None:
        found = re.search(rf'\s{name}\s*=\s*["\']([^"\']*)["\']', tag)
        return found.group(1) if found else None

    width, height = value("width"), value("height")
    if width and height and _NUMBER.match(width) and _NUMBER.match(height):
        return round(float(_NUMBER.match(width).group(1))), round(float(_NUMBER.match(height).group(1)))
    box = value("viewBox")
    parts = box.replace(",", " ").split() if box else []
    if len(parts) == 4:
        try:
            return round(float(parts[2])), round(float(parts[3]))
        except ValueError:
            return None
    return None


def gif_size(path: Path) -> tuple[int, int] | None:
    try:
        head = path.read_bytes()[:10]
    except OSError:
        return None
    if head[:6] not in (b"GIF87a", b"GIF89a"):
        return None
    return int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
