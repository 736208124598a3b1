"""Finding a region's templates and static files: its own overrides, then its theme, then parents.

A theme folder holds `theme.yaml` (which may say `extends: <theme>`), `templates/` and `static/`.
A region can override any single template or static file in `content/<id>/_theme/` without copying
the rest of the theme.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from icsgen.config import YamlError, load_yaml
from icsgen.problems import Problems

THEMES_DIR = "themes"
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
        folder = root / THEMES_DIR / current
        if not folder.is_dir():
            available = sorted(p.name for p in (root / THEMES_DIR).glob("*") if p.is_dir())
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
