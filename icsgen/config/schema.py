"""Typed, documented field lists for YAML mappings: `regions.yaml` and page front matter.

One schema serves three jobs: validating what an editor wrote (every problem with its line, unknown
keys with a 'did you mean' hint), filling in defaults, and documenting the fields (`icsgen check` and
the guide describe fields from the same list).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from icsgen.problems import Problems, nearest

from .safe_yaml import LineDict

Checker = Callable[[Any], Any]  # returns the cleaned value or raises ValueError with a message


@dataclass(frozen=True)
class Field:
    name: str
    check: Checker
    doc: str
    required: bool = False
    default: Any = None


@dataclass(frozen=True)
class Schema:
    name: str  # e.g. "front matter", "region settings": used in messages
    fields: tuple[Field, ...]
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    def validate(self, data: Any, path: Path, line: int, problems: Problems) -> dict[str, Any]:
        """Return the cleaned values (defaults filled in); record every problem found."""
        if data is None:
            data = LineDict()
            data.lines, data.line = {}, line
        if not isinstance(data, dict):
            problems.add(path, line, f"{self.name} must be a mapping of 'key: value' lines")
            return {f.name: f.default for f in self.fields}
        lines = getattr(data, "lines", {})
        result: dict[str, Any] = {}
        for key, value in data.items():
            key_line = lines.get(key, line)
            spec = self.by_name.get(key) if isinstance(key, str) else None
            if spec is None:
                hint = nearest(str(key), self.by_name) or "put free-form values under 'extra:'"
                problems.add(path, key_line, f"unknown key '{key}' in {self.name}", hint)
                continue
            try:
                result[key] = spec.check(value)
            except ValueError as exc:
                problems.add(path, key_line, f"'{key}' {exc}")
        for spec in self.fields:
            if spec.name not in result:
                if spec.required and spec.name not in data:
                    problems.add(path, line, f"'{spec.name}' is required in {self.name}", spec.doc)
                result.setdefault(spec.name, spec.default)
        return result


# Checkers: each returns a clean value or raises ValueError saying what was expected.


def text(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise ValueError("must be text")
    out = str(value).strip()
    if not out:
        raise ValueError("must not be empty")
    return out


def optional_text(value: Any) -> str:
    return "" if value is None else text(value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


def positive_number(value: Any) -> int:
    number = whole_number(value)
    if number < 1:
        raise ValueError("must be 1 or more")
    return number


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"must be a date written as YYYY-MM-DD, not {value!r}")


def text_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (text(value),)
    if not isinstance(value, list):
        raise ValueError("must be a list")
    return tuple(text(v) for v in value)


def mapping(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("must be a mapping of 'key: value' lines")
    return value  # kept as loaded, so nested values still know their lines


def absolute_url(value: Any) -> str:
    url = text(value)
    if not re.match(r"^https?://[^/\s]+", url):
        raise ValueError(f"must be an absolute address starting https://, not {url!r}")
    return url if url.endswith("/") else url + "/"


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug(value: Any) -> str:
    out = text(value)
    if not _SLUG.match(out):
        raise ValueError("must use only lower-case letters, digits and single hyphens")
    return out


def colour(value: Any) -> str:
    out = text(value)
    if not re.match(r"^#[0-9a-fA-F]{6}$", out):
        raise ValueError(f"must be a colour written as #rrggbb, not {out!r}")
    ratio = contrast_ratio(out, "#ffffff")
    if ratio < 4.5:
        raise ValueError(
            f"{out} has a contrast of {ratio:.1f}:1 on white; WCAG 2.2 AA needs 4.5:1 (choose a darker colour)"
        )
    return out.lower()


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two #rrggbb colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def one_of(*choices: str) -> Checker:
    def check(value: Any) -> str:
        out = text(value)
        if out not in choices:
            raise ValueError(f"must be one of: {', '.join(choices)}")
        return out

    return check
