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
    """A YAML problem with the 1-based line where it was found, and a hint saying how to fix it."""

    def __init__(self, message: str, line: int, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


# Limits on what one YAML text may ask of the machine. Nobody writes settings, front matter or a data
# file nested 50 levels deep, bigger than 10 MB, or repeating anchored values (`&name` ... `*name`)
# into more than 100,000 values; a hostile or broken file can (a 700-byte "alias bomb" expands to
# 10^9 values, and 30,000 nested brackets crash libyaml's composer), so each is an error with its line.
MAX_DEPTH = 50
MAX_CHARS = 10_000_000
MAX_REPEATED = 100_000
_INDICATORS = "[{-:?"  # every level of nesting needs at least one of these characters


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    first_line = 1  # the file line where the YAML text starts (front matter starts on line 2)
    depth = 0  # mappings and lists being constructed, one inside another


def _line(loader: _Loader, node: yaml.Node) -> int:
    return node.start_mark.line + loader.first_line


def _construct_mapping(loader: _Loader, node: yaml.Node) -> LineDict:
    if not isinstance(node, yaml.MappingNode):
        raise YamlError("'!!map' must be followed by 'key: value' lines", _line(loader, node),
                        "remove the '!!map' tag")
    loader.depth += 1
    if loader.depth > MAX_DEPTH:
        raise YamlError(f"values nested more than {MAX_DEPTH} levels deep", _line(loader, node),
                        "nothing icsgen reads needs so many levels: check the indentation and brackets")
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
    loader.depth -= 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.Node) -> list:
    """A list, built at once (PyYAML's own builds lists in steps so that one may contain itself, which
    nothing icsgen reads may: such a list is reported as recursive)."""
    if not isinstance(node, yaml.SequenceNode):
        raise YamlError("'!!seq' must be followed by a list", _line(loader, node), "remove the '!!seq' tag")
    loader.depth += 1
    if loader.depth > MAX_DEPTH:
        raise YamlError(f"values nested more than {MAX_DEPTH} levels deep", _line(loader, node),
                        "nothing icsgen reads needs so many levels: check the indentation and brackets")
    result = [loader.construct_object(child, deep=True) for child in node.value]
    loader.depth -= 1
    return result


_TAGS = {f"tag:yaml.org,2002:{name}": f"!!{name}" for name in
         ("null", "bool", "int", "float", "binary", "timestamp", "omap", "pairs", "set")}


def _checked(tag: str, construct: Any) -> Any:
    """PyYAML's constructor for `tag`, with the Python errors it lets out of a value it cannot make
    (`2026-02-30`, a 5,000-digit number, `!!bool maybe`) turned into a `YamlError` at the value's line."""

    def checked(loader: _Loader, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except yaml.MarkedYAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            raise _unconstructable(tag, node, exc, _line(loader, node)) from None

    return checked


def _unconstructable(tag: str, node: yaml.Node, exc: Exception, line: int) -> YamlError:
    value = node.value if isinstance(node, yaml.ScalarNode) else ""
    shown = value if len(value) <= 40 else value[:37] + "..."
    if tag.endswith("int") and ("digits" in str(exc) or isinstance(exc, OverflowError)):
        return YamlError(f"a number of {len(value)} characters is too long to read", line,
                         f"numbers may have up to {MAX_DIGITS} digits; put it in quotes if it is text")
    why = str(exc) if isinstance(exc, ValueError) and len(str(exc)) < 60 else ""
    if tag.endswith("timestamp") and node.tag == tag and re.match(r"\d{4}-", value):
        return YamlError(f"'{shown}' is not a real date or time" + (f" ({why})" if why else ""), line,
                         "write a date that exists as YYYY-MM-DD, e.g. 2026-02-28, or put the text in quotes")
    name = _TAGS.get(tag, tag)
    return YamlError(f"'{shown}' cannot be read as {name}" + (f" ({why})" if why else ""), line,
                     f"remove the '{name}' tag, or put the value in quotes")


def _construct_int(loader: _Loader, node: yaml.Node) -> int:
    number = _PYYAML_INT(loader, node)
    if abs(number) >= _TOO_BIG:  # hexadecimal and binary numbers have no length limit in Python
        raise OverflowError("too big")
    return number


MAX_DIGITS = 100  # more than any count, phone number or identifier needs; Python refuses 4,300
_TOO_BIG = 10**MAX_DIGITS
_PYYAML_INT = _Loader.yaml_constructors["tag:yaml.org,2002:int"]
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
for _tag in _TAGS:
    _Loader.add_constructor(_tag, _checked(_tag, _Loader.yaml_constructors[_tag]))


def decode(raw: bytes) -> str:
    """A file's bytes as text; a `YamlError` at the line of the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x} at column {column})", line,
                        "save the file as UTF-8; text pasted from a word processor or saved as Windows-1252 "
                        "often has a '£' or a curly quote in another encoding") from None


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML safely; errors carry the line in the file (`first_line` is where `text` starts)."""
    if len(text) > MAX_CHARS:
        raise YamlError(f"{len(text) / 1e6:.0f} MB of YAML is more than icsgen reads ({MAX_CHARS // 1_000_000} MB)",
                        first_line, "split it into smaller files")
    flat = _flat_mapping(text, first_line)
    if flat is not None:
        return flat
    loader = _Loader(text)  # derives from SafeLoader: no arbitrary Python objects
    loader.first_line = first_line
    try:
        if len(text) > 1000 and sum(map(text.count, _INDICATORS)) > 1000:  # may nest deep enough to crash libyaml
            _check_depth(text, first_line)
        node = loader.get_single_node()
        if node is None:
            return None
        if _has_anchor(text):
            _check_repeats(node, first_line)
        return loader.construct_document(node)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        raise explain(exc, text, first_line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise YamlError(f"a control character ({character}) that text may not contain", line,
                        "delete it: it is often pasted in by accident with copied text") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", first_line) from None
    except RecursionError:  # nesting through tags the depth count does not see (`!!omap`, `!!set`)
        raise YamlError(f"values nested more than {MAX_DEPTH} levels deep", first_line,
                        "nothing icsgen reads needs so many levels") from None
    finally:
        loader.dispose()


def _has_anchor(text: str) -> bool:
    """Whether `text` may define an anchor (`&name`), which aliases (`*name`) can repeat: an '&' where a
    value starts, not the '&' of "Health & Care" or "A&E" (a plain find: a regex tried at every position
    cost a millisecond on regions.yaml)."""
    index = text.find("&")
    while index != -1:
        if (index == 0 or text[index - 1] in " \t\n[{,") and text[index + 1 : index + 2].strip():
            return True
        index = text.find("&", index + 1)
    return False


def _check_depth(text: str, first_line: int) -> None:
    """Refuse nesting deeper than `MAX_DEPTH` from the parser's events, before the composer recurses
    into it (libyaml's parser keeps its own stack; its composer uses the C stack, and crashes)."""
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(f"values nested more than {MAX_DEPTH} levels deep",
                                    event.start_mark.line + first_line,
                                    "nothing icsgen reads needs so many levels: check the indentation and brackets")
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                depth -= 1
    finally:
        loader.dispose()


def _check_repeats(root: yaml.Node, first_line: int) -> None:
    """Refuse a document whose aliases (`*name`) would repeat its anchored values into more than
    `MAX_REPEATED` values, or nest them deeper than `MAX_DEPTH`, or make a value contain itself.

    Counted on the composed nodes, where each anchored value is one node however often it is used:
    linear in the size of the text, whatever it would expand to.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    uses: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    ancestors: set[int] = set()
    cap = 10**12  # more than any text has nodes; keeps the sums of a bomb's sizes small
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            ancestors.discard(key)
            size[key] = min(cap, 1 + sum(size[id(child)] for child in children))
            depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
            shared = any(uses[id(child)] > 1 for child in children)
            line = node.start_mark.line + first_line
            if depth[key] > MAX_DEPTH + 1:
                raise YamlError(f"values nested more than {MAX_DEPTH} levels deep through aliases ('*name')",
                                line, "write the values out instead of nesting aliases")
            if shared and size[key] - len(size) > MAX_REPEATED:
                raise YamlError(f"aliases ('*name') here repeat anchored values into more than {MAX_REPEATED:,} "
                                "values", line, "write the values out, or repeat them less")
            continue
        uses[key] = uses.get(key, 0) + 1
        if key in size:
            continue
        if key in ancestors:
            raise YamlError("a value that contains itself (an alias '*name' inside its own anchor '&name')",
                            node.start_mark.line + first_line, "remove the alias, or point it at another value")
        ancestors.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


# -- the parser's messages in plain English ------------------------------------------------------------
#
# libyaml says what its grammar expected ("mapping values are not allowed in this context"), not what
# an editor did. `explain` looks at the line it points at (and the one before) and names the usual
# mistake: a colon in unquoted text, a missing space after a colon, a tab, a line out of step.

_KEY_NO_SPACE = re.compile(r"^\s*(?:- )?([A-Za-z_][\w-]*):[^\s/]")
_KEY = re.compile(r"^(\s*)(?:- )?[^\s#'\"][^:#]*:(?:\s|$)")


def explain(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> YamlError:
    """The parser's error as a `YamlError` an editor can act on: what is wrong, where, and the usual fix."""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark and mark and mark.index >= len(text.rstrip()):
        mark = exc.context_mark  # ran off the end (an unclosed bracket): point where it opened
    if exc.context_mark and "flow " in (exc.context or ""):  # an unclosed '[' or '{': the line it opened on
        mark = exc.context_mark
    index = mark.line if mark else 0
    lines = text.split("\n")
    here = lines[index] if index < len(lines) else ""
    problem, context = exc.problem or "", exc.context or ""
    said = f"{problem} ({context})" if context and problem else problem or context or "invalid YAML"
    message, hint = _plainly(problem, context, here, lines, index, mark)
    if message is None:
        return YamlError(f"invalid YAML: {said}", index + first_line,
                         "check the indentation (spaces, not tabs) and put text with a colon in quotes")
    at, message = message if isinstance(message, tuple) else (index, message)
    return YamlError(message, at + first_line, f"{hint}; YAML said: {said}")


def _plainly(problem: str, context: str, here: str, lines: list[str], index: int,
             mark: Any) -> tuple[Any, str]:
    """(message, or (line index, message); hint) for the parser's `problem`, or (None, '') if unknown."""
    column = mark.column if mark else 0
    char = here[column] if column < len(here) else ""
    for back in range(index, max(index - 3, -1), -1):  # `title:About` makes the next line's key an error
        if back < len(lines) and (found := _KEY_NO_SPACE.match(lines[back])) and (
                "mapping values" in problem or "expected ':'" in problem or back < index):
            return ((back, f"no space after the colon of '{found[1]}:'"),
                    f"write '{found[1]}: value', with a space after the colon")
    if "maximum nesting depth" in problem or "maximum nesting depth" in context:  # PyYAML 6.0.4's own limit
        return (f"values nested more than {MAX_DEPTH} levels deep",
                "nothing icsgen reads needs so many levels: check the indentation and brackets")
    if "could not determine a constructor" in problem:
        tag = problem.rpartition(" ")[2].strip("'").replace("tag:yaml.org,2002:", "!!")
        return f"'{tag}' is not a kind of value icsgen reads", "put a value that starts with '!' in quotes"
    if "unhashable key" in problem:
        return "a key must be plain text", "write the key as a word, not a list or mapping"
    if "base64" in problem:
        return "'!!binary' must be followed by base64 data", "remove the '!!binary' tag, or put the value in quotes"
    if "merging" in problem:
        return "'<<' must be followed by a mapping (or a list of mappings) to merge", "put '<<' in quotes if it is text"
    if "\t" in here[: len(here) - len(here.lstrip())] or char == "\t" or "tab" in problem:
        return "a tab character", "indent with spaces, never tabs"
    if "mapping values are not allowed" in problem:
        return ("a colon followed by a space inside a value (YAML reads it as a new key)",
                "put the value in quotes, e.g. title: \"Leeds: our plan\"")
    if "could not find expected ':'" in problem:
        return ("a line that is not 'key: value' inside a list of keys",
                "add the missing colon and space, or indent a continued value more than its key")
    if "quoted scalar" in context and "end of stream" in problem:
        return "a quotation mark that is never closed", "close the quote at the end of the value"
    if "flow sequence" in context or "flow mapping" in context:
        closing = "]" if "sequence" in context else "}"
        return (f"a '{'[' if closing == ']' else '{'}' that is not closed with '{closing}' on the same line",
                f"close it with '{closing}', or put text that starts with a bracket in quotes")
    if "flow node" in context:
        return "an empty item between commas in a list written in brackets", "remove the extra comma"
    if "cannot start any token" in problem:
        return (f"a value cannot start with '{char}'" if char and char.strip() else "a character YAML cannot read here",
                "put the value in quotes")
    if "undefined alias" in problem:
        return ("'*' at the start of a value refers to an anchor '&name' that does not exist",
                "put text that starts with '*' in quotes")
    if "escape character" in problem:
        return ("a backslash in double quotes starts a special character this one is not",
                "use single quotes, or write two backslashes")
    if "duplicate anchor" in context:
        return "the same anchor '&name' is given twice", "rename one of them"
    if "block scalar" in context:
        return ("text after '|' or '>' on the same line", "start the text on the next line, indented")
    if "another document" in problem or "document start" in problem:
        return ("a line '---' or '...' starts a second document; one file holds one",
                "remove the line, or put the text in quotes")
    if "directive" in context or "incompatible YAML" in problem:
        return "a line starting with '%'", "put text that starts with '%' in quotes"
    if "tag" in context:
        return "'!' at the start of a value marks a YAML tag", "put the value in quotes"
    if "expected key" in problem or "block end" in problem or "'-' indicator" in problem:
        if here.lstrip().startswith("- ") or here.strip() == "-":
            return ("a list item where a key was expected",
                    "indent the list under its key, with every '- ' lined up")
        if re.search(r"^\s*[^\s#]+:\s*(['\"]).*?\1\s*[^\s#]", here):
            return "text after the closing quote of a value", "put the whole value in quotes"
        if re.search(r"^\s*[^\s#]+:\s*[\[{].*[\]}]\s*[^\s#]", here):
            return ("text after the closing bracket of a value",
                    "put the whole value in quotes if it is text")
        return ("a line indented differently from the lines around it",
                "keys at the same level must start in the same column; indent with spaces")
    if "node content" in problem or "block entries" in problem:
        return ("a list item ('- ') where a value was expected",
                "indent the list on the lines under its key, or put the text in quotes")
    return None, ""


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
    if tag == _INT and _DECIMAL.fullmatch(raw) and len(raw) <= MAX_DIGITS:  # a longer one: the parser reports it
        return int(raw)
    date = _DATE.fullmatch(raw) if tag == _TIMESTAMP else None
    if date is not None:
        try:
            return dt.date(int(date[1]), int(date[2]), int(date[3]))
        except ValueError:
            return _NOT_FLAT
    return _NOT_FLAT
