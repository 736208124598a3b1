"""The shapes the built-in theme's templates expect of the data files they show.

An editor cannot mend a built-in template (it lives inside the installed package), and a copy of it in
`themes/` was not what changed, so when one fails the fault is in what it was given: a partner that is
a line of text rather than `name:`/`type:`, a priority with no title, a name left empty (`~`). This
reads the data files again (with their line numbers, which the frozen values have lost) and says which
item, at its line. It runs only when such a
template has failed, so a good build never pays for it.

The shapes are those docs/reference.md ("Data files") documents for the sample content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from icsgen.config import YamlError, decode, load_yaml


class Shape(NamedTuple):
    required: tuple[str, ...]  # text every item must have, not empty
    optional: tuple[str, ...]  # text an item may have (or leave empty)


SHAPES: dict[str, Shape] = {
    "partners": Shape(("name", "type"), ("url", "description")),
    "priorities": Shape(("title",), ("summary",)),
    "contacts": Shape(("name",), ("phone", "email", "hours", "description")),
}

# The theme template that shows each: its failure is blamed on the data when the data is not of its shape
SHAPE_TEMPLATES = {"partners": "partners.html", "priorities": "priorities.html", "contacts": "contact.html"}

_TEXT = (str, int, float, dt.date)  # what a template can show as text (a yes/no value cannot)


def shape_problems(files: Iterable[tuple[str, Path]]) -> list[tuple[Path, int, str, str]]:
    """(file, line, message, hint) for every item of the named data files that is not of its shape."""
    found: list[tuple[Path, int, str, str]] = []
    for name, path in files:
        shape = SHAPES.get(name)
        if shape is None:
            continue
        try:
            value = load_yaml(decode(path.read_bytes()))
        except (OSError, YamlError, ValueError):
            continue  # reported when the file was first read
        found += _problems(name, shape, value, path)
    return found


def _problems(name: str, shape: Shape, value: Any, path: Path) -> list[tuple[Path, int, str, str]]:
    first, *others = shape.required
    below = ", ".join(f"'{key}: ...'" for key in [*others, *shape.optional])
    hint = f"an item is written '- {first}: ...', with {below} on the lines below it, indented two spaces"
    if not isinstance(value, list):
        return [(path, getattr(value, "line", 1), f"{name}.yaml must be a list of items starting '- '", hint)]
    found = []
    for index, item in enumerate(value, 1):
        line = getattr(item, "line", 1)
        if not isinstance(item, dict):
            found.append((path, _item_line(path, index, line), f"item {index} of {name}.yaml is not a list of "
                          f"'key: value' lines (it is {_kind(item)})", hint))
            continue
        for key in shape.required:
            text = item.get(key)
            if key not in item:
                found.append((path, line, f"item {index} of {name}.yaml has no '{key}'", hint))
            elif not isinstance(text, _TEXT) or isinstance(text, bool) or not str(text).strip():
                found.append((path, item.line_of(key), f"'{key}' of item {index} of {name}.yaml must be text, "
                              f"not {_kind(text)}", hint))
        for key in shape.optional:
            text = item.get(key)
            if text is not None and (not isinstance(text, _TEXT) or isinstance(text, bool)):
                found.append((path, item.line_of(key), f"'{key}' of item {index} of {name}.yaml must be text, "
                              f"not {_kind(text)}", "leave it out, or write it as text"))
    return found


def _item_line(path: Path, index: int, fallback: int) -> int:
    """The line of the `index`th top-level '- ' of the file: plain values do not carry their line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return fallback
    seen = 0
    for number, line in enumerate(lines, 1):
        if line.startswith("-"):
            seen += 1
            if seen == index:
                return number
    return fallback


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, str):
        return "empty text" if not value.strip() else f"the text '{value[:40]}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"the value {value!r}"[:60]
