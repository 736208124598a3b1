"""Finding a region's templates and static files: its own overrides, then its theme, then parents.

A theme folder holds `theme.yaml` (which may say `extends: <theme>`), `templates/` and `static/`.
A region can override any single template or static file in `content/<id>/_theme/` without copying
the rest of the theme.

Themes are looked for in the project's own `themes/` folder first, then among the themes shipped
inside icsgen (`nhs`): a site's own `themes/nhs` replaces the built-in one, and a theme of its own
can say `extends: nhs` to change only a few templates.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path

from icsgen.config import YamlError, decode, load_yaml
from icsgen.config.schema import slug
from icsgen.files import BUILTIN_THEMES, THEMES_DIR, first_link_out, link_problem, link_state
from icsgen.problems import Problems

HASHED_SUFFIXES = (".css", ".js")


@dataclass(frozen=True)
class ThemeChain:
    """Folders to look in, first match wins: overrides, the theme, its parent, and so on."""

    names: tuple[str, ...]
    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]
    # links in those folders that lead out of the project folder or nowhere (reported): never read
    refused: frozenset[str] = frozenset()
    complete: bool = True  # False: a problem was found in making it (rendering would report only its effects)
    strings_dirs: tuple[Path, ...] = ()  # the theme's own words by language (render/strings.py)


def theme_chain(root: Path, theme: str, override_dir: Path | None, problems: Problems,
                config_path: Path, line: int) -> ThemeChain:
    guard = _Guard(root, problems)
    before = len(problems)
    names: list[str] = []
    dirs: list[Path] = [override_dir] if override_dir and guard.contained(override_dir) else []
    current: str | None = theme
    while current:
        if current in names:
            problems.add(config_path, line, f"themes extend each other in a loop: {' -> '.join([*names, current])}")
            break
        if not guard.contained(root / THEMES_DIR / current):
            break  # the project's theme (or themes/) is a link out of the project or to nothing: reported
        folder = find_theme(root, current)
        if folder is None:
            available = available_themes(root)
            where = f"{' -> '.join(names)} extends" if names else "theme"
            problems.add(config_path, line, f"{where} '{current}' not found in {THEMES_DIR}/",
                         f"available: {', '.join(available) or 'none'}")
            break
        names.append(current)
        dirs.append(folder)
        current = _parent(folder, guard, problems)
    template_dirs = tuple(d / "templates" for d in dirs if guard.usable(d / "templates"))
    static_dirs = tuple(d / "static" for d in dirs if guard.usable(d / "static"))
    strings = tuple(d / "strings" for d in dirs if guard.usable(d / "strings"))
    inner = frozenset(path for folder in (*template_dirs, *static_dirs) for path in guard.links_out(folder))
    return ThemeChain(names=tuple(names), template_dirs=template_dirs, static_dirs=static_dirs, refused=inner,
                      strings_dirs=strings, complete=not guard.refused and len(problems) == before)


def theme_folders(root: Path) -> tuple[Path, Path]:
    """Where themes are found, first match wins: the project's own, then icsgen's built-in ones."""
    return root / THEMES_DIR, Path(BUILTIN_THEMES)


def find_theme(root: Path, name: str) -> Path | None:
    for folder in theme_folders(root):
        if (folder / name).is_dir():
            return folder / name
    return None


def available_themes(root: Path) -> list[str]:
    return sorted({p.name for folder in theme_folders(root) for p in folder.glob("*") if p.is_dir()})


class _Guard:
    """Keeps a theme chain inside the project folder: each link that leads out of it, or nowhere, is
    reported (naming the link) and never read."""

    def __init__(self, root: Path, problems: Problems) -> None:
        self.root = root
        self.project = os.path.realpath(root)
        self.problems = problems
        self.refused: list[str] = []

    def refuse(self, link: str | os.PathLike) -> None:
        self.problems.add(Path(link), 0, *link_problem(link, self.project))
        self.refused.append(os.fspath(link))

    def contained(self, path: Path) -> bool:
        """Whether `path` is reached from the project folder without a link out of it."""
        link = first_link_out(path, self.project, os.fspath(self.root))
        if link is not None:
            self.refuse(link)
        return link is None

    def followable(self, path: Path) -> bool:
        """Whether `path` (in a folder already known to be inside) is no link out of the project folder."""
        if path.is_symlink() and link_state(path, self.project) != "inside":
            self.refuse(path)
            return False
        return True

    def usable(self, folder: Path) -> bool:
        """Whether a theme's `templates` or `static` folder is there and may be read."""
        return self.followable(folder) and folder.is_dir()

    def links_out(self, folder: Path) -> list[str]:
        """Every link under `folder` that leads out of the project folder or nowhere, each reported.

        Links to folders are not walked into (as by `collect_assets` and Jinja's template list), but a
        template can still be loaded through one by name, so they are checked too.
        """
        found = []
        pending = [os.fspath(folder)]
        while pending:
            try:
                entries = list(os.scandir(pending.pop()))
            except OSError:
                continue
            for entry in entries:
                if entry.is_symlink():
                    if link_state(entry.path, self.project) != "inside":
                        self.refuse(entry.path)
                        found.append(entry.path)
                elif entry.is_dir():
                    pending.append(entry.path)
        return found


class ThemeLoader(jinja2.FileSystemLoader):
    """Jinja's loader of a theme chain's templates, refusing the links `theme_chain` reported."""

    def __init__(self, chain: ThemeChain) -> None:
        super().__init__([str(d) for d in chain.template_dirs])
        self.refused = chain.refused

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        if self.refused:
            pieces = split_template_path(template)
            for folder in self.searchpath:
                path = folder
                for piece in pieces:
                    path = os.path.join(path, piece)
                    if path in self.refused:
                        raise jinja2.TemplateNotFound(template, f"'{template}' is a link out of the project folder")
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:  # reported at the file and line, not as the name it was asked for
            raise self._not_text(template, exc) from None

    def _not_text(self, template: str, exc: UnicodeDecodeError) -> jinja2.TemplateSyntaxError:
        """The error for a template file that is not UTF-8: the first file of the chain with that name
        (the one Jinja read) and the line of the first byte that is not text."""
        pieces = split_template_path(template)
        path = next((p for p in (os.path.join(f, *pieces) for f in self.searchpath) if os.path.isfile(p)), template)
        raw = exc.object if isinstance(exc.object, bytes) else b""
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = f" (byte 0x{raw[exc.start]:02x})" if exc.start < len(raw) else ""
        return jinja2.TemplateSyntaxError(
            f"not UTF-8 text{byte}: save the file as UTF-8 in your editor", line, template, path)


def _parent(folder: Path, guard: _Guard, problems: Problems) -> str | None:
    manifest = folder / "theme.yaml"
    if not guard.followable(manifest) or not manifest.is_file():
        return None
    try:
        data = load_yaml(decode(manifest.read_bytes())) or {}
    except YamlError as exc:
        problems.add(manifest, exc.line, exc.message, exc.hint)
        return None
    except OSError as exc:
        problems.add(manifest, 0, f"cannot read: {exc.strerror}")
        return None
    if not isinstance(data, dict):
        problems.add(manifest, 1, "theme.yaml must be a mapping such as 'name: mytheme'")
        return None
    for key in data:
        if key not in ("name", "extends", "description"):
            problems.add(manifest, data.line_of(key), f"unknown key '{key}' in theme.yaml",
                         "known keys: name, extends, description")
    parent = data.get("extends")
    if parent is None:
        return None
    try:
        return slug(parent)  # a folder of themes/: never a path ('../../elsewhere') out of it
    except ValueError:
        problems.add(manifest, data.line_of("extends"), f"'extends' must name a theme folder in {THEMES_DIR}/, such "
                     f"as nhs, not {parent!r}", "a theme name uses only lower-case letters, digits and hyphens")
        return None


@dataclass(frozen=True)
class Asset:
    source_path: Path
    output: str  # path under the assets folder, with a content hash for CSS and JS


def collect_assets(chain: ThemeChain) -> dict[str, Asset]:
    """Every static file the chain offers, by logical path ('css/nhs.css'), first match winning."""
    assets: dict[str, Asset] = {}
    for static_dir in chain.static_dirs:
        for path in sorted(static_dir.rglob("*")):
            if not path.is_file() or (chain.refused and str(path) in chain.refused):
                continue
            logical = path.relative_to(static_dir).as_posix()
            if logical in assets or any(part.startswith(".") for part in logical.split("/")):
                continue
            output = logical
            if path.suffix in HASHED_SUFFIXES:
                digest = hashlib.blake2b(path.read_bytes(), digest_size=5).hexdigest()
                output = f"{logical[: -len(path.suffix)]}.{digest}{path.suffix}"
            assets[logical] = Asset(path, output)
    return assets
