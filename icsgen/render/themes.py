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
from dataclasses import dataclass
from pathlib import Path

from icsgen.config import YamlError, load_yaml
from icsgen.files import BUILTIN_THEMES, THEMES_DIR
from icsgen.problems import Problems

HASHED_SUFFIXES = (".css", ".js")


@dataclass(frozen=True)
class ThemeChain:
    """Folders to look in, first match wins: overrides, the theme, its parent, and so on."""

    names: tuple[str, ...]
    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]


def theme_chain(root: Path, theme: str, override_dir: Path | None, problems: Problems,
                config_path: Path, line: int) -> ThemeChain:
    names: list[str] = []
    dirs: list[Path] = [override_dir] if override_dir else []
    current: str | None = theme
    while current:
        if current in names:
            problems.add(config_path, line, f"themes extend each other in a loop: {' -> '.join([*names, current])}")
            break
        folder = find_theme(root, current)
        if folder is None:
            available = available_themes(root)
            where = f"{' -> '.join(names)} extends" if names else "theme"
            problems.add(config_path, line, f"{where} '{current}' not found in {THEMES_DIR}/",
                         f"available: {', '.join(available) or 'none'}")
            break
        names.append(current)
        dirs.append(folder)
        current = _parent(folder, problems)
    return ThemeChain(
        names=tuple(names),
        template_dirs=tuple(d / "templates" for d in dirs if (d / "templates").is_dir()),
        static_dirs=tuple(d / "static" for d in dirs if (d / "static").is_dir()),
    )


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


def _parent(folder: Path, problems: Problems) -> str | None:
    manifest = folder / "theme.yaml"
    if not manifest.is_file():
        return None
    try:
        data = load_yaml(manifest.read_text(encoding="utf-8")) or {}
    except YamlError as exc:
        problems.add(manifest, exc.line, exc.message)
        return None
    if not isinstance(data, dict):
        problems.add(manifest, 1, "theme.yaml must be a mapping such as 'name: mytheme'")
        return None
    for key in data:
        if key not in ("name", "extends", "description"):
            problems.add(manifest, data.line_of(key), f"unknown key '{key}' in theme.yaml",
                         "known keys: name, extends, description")
    parent = data.get("extends")
    return str(parent) if parent else None


@dataclass(frozen=True)
class Asset:
    source_path: Path
    output: str  # path under the assets folder, with a content hash for CSS and JS


def collect_assets(chain: ThemeChain) -> dict[str, Asset]:
    """Every static file the chain offers, by logical path ('css/nhs.css'), first match winning."""
    assets: dict[str, Asset] = {}
    for static_dir in chain.static_dirs:
        for path in sorted(static_dir.rglob("*")):
            if not path.is_file():
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
