"""Safe YAML loading that keeps line numbers and refuses duplicate keys.

PyYAML's plain safe loader silently keeps the last of two equal keys and forgets where each value
came from. Editors need both: a duplicated key is almost always a mistake, and every message about a
value should name its line. Mappings therefore load as `LineDict`, which remembers each key's line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

try:  # libyaml's parser is several times faster; the constructor below is ours either way.
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml is missing on some platforms
    _BaseLoader = yaml.SafeLoader


class LineDict(dict):
    """A dict that also knows the 1-based line of each of its keys (`lines[key]`)."""

    lines: dict[Any, int]
    line: int

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class YamlError(Exception):
    """A YAML problem with the 1-based line where it was found."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    first_line = 1  # the file line where the YAML text starts (front matter starts on line 2)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.lines = {}
    result.line = node.start_mark.line + loader.first_line
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            line = key_node.start_mark.line + loader.first_line
            raise YamlError("a key must be plain text", line) from None
        line = key_node.start_mark.line + loader.first_line
        if key in result:
            raise YamlError(
                f"duplicate key '{key}' (first given on line {result.lines[key]})", line
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML safely; errors carry the line in the file (`first_line` is where `text` starts)."""
    flat = _flat_mapping(text, first_line)
    if flat is not None:
        return flat
    loader = _Loader(text)  # derives from SafeLoader: no arbitrary Python objects
    loader.first_line = first_line
    try:
        return loader.get_single_data()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and mark and mark.index >= len(text.rstrip()):
            mark = exc.context_mark  # ran off the end (an unclosed bracket): point where it opened
        line = (mark.line + 1 if mark else 1) + first_line - 1
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.problem} ({exc.context})"
        raise YamlError(f"invalid YAML: {what}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", first_line) from None
    finally:
        loader.dispose()


# -- the common case without the parser ---------------------------------------------------------------
#
# Nearly all front matter is a few `key: value` lines of plain text, quoted text, dates, whole numbers,
# booleans and flat lists (`tags: [a, b]`), and making a parser and constructor for that was 40% of
# loading a page (~30 us). `_flat_mapping` reads exactly that much and hands anything else, however
# slightly different, to the parser, which then gives the result or the error. What it accepts it
# reads as PyYAML does: plain values take the tag PyYAML's own resolver gives them, and only tags it
# can construct the same way are accepted (tests/test_yamlio.py compares the two on awkward input).

_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): (.+)")
_RESOLVER = yaml.resolver.Resolver()  # the resolver of the safe loaders: which tag a plain value gets
_STR, _BOOL, _INT, _TIMESTAMP = (f"tag:yaml.org,2002:{name}" for name in ("str", "bool", "int", "timestamp"))
_BOOLEANS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")  # indicators, and a space
_NOT_FLAT = object()


def _flat_mapping(text: str, first_line: int) -> LineDict | None:
    result = LineDict()
    result.lines = {}
    result.line = first_line
    for index, line in enumerate(text.split("\n")):
        entry = _ENTRY.fullmatch(line)
        if entry is None:
            return None
        key, raw = entry.groups()
        if key in result or _RESOLVER.resolve(yaml.ScalarNode, key, (True, False)) != _STR:
            return None  # a duplicate (the parser reports it), or a key such as `yes` or `null`
        value = _flat_value(raw)
        if value is _NOT_FLAT:
            return None
        result[key] = value
        result.lines[key] = first_line + index
    return result


def _flat_value(raw: str) -> Any:
    if not raw.isprintable():
        return _NOT_FLAT
    first = raw[0]
    if first == '"' or first == "'":
        inner = raw[1:-1]
        if len(raw) < 2 or raw[-1] != first or first in inner or "\\" in inner:
            return _NOT_FLAT
        return inner
    if first == "[":
        inner = raw[1:-1]
        if raw[-1] != "]" or any(bracket in inner for bracket in "[]{}"):
            return _NOT_FLAT
        if not inner:
            return []
        items = [_plain(item.strip(" ")) for item in inner.split(",")]
        return _NOT_FLAT if _NOT_FLAT in items else items
    return _plain(raw)


def _plain(raw: str) -> Any:
    if not raw or raw[0] in _NOT_FIRST or raw[-1] == " " or "#" in raw or ":" in raw:
        return _NOT_FLAT
    tag = _RESOLVER.resolve(yaml.ScalarNode, raw, (True, False))
    if tag == _STR:
        return raw
    if tag == _BOOL:
        return _BOOLEANS[raw.lower()]
    if tag == _INT and _DECIMAL.fullmatch(raw):
        return int(raw)
    date = _DATE.fullmatch(raw) if tag == _TIMESTAMP else None
    if date is not None:
        try:
            return dt.date(int(date[1]), int(date[2]), int(date[3]))
        except ValueError:
            return _NOT_FLAT
    return _NOT_FLAT
