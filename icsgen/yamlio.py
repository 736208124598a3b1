"""Safe YAML loading that keeps line numbers and refuses duplicate keys.

PyYAML's plain safe loader silently keeps the last of two equal keys and forgets where each value
came from. Editors need both: a duplicated key is almost always a mistake, and every message about a
value should name its line. Mappings therefore load as `LineDict`, which remembers each key's line.
"""

from __future__ import annotations

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
