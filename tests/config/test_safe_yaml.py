"""YAML as editors write it: the quick reading of flat front matter (yamlio._flat_mapping) gives exactly
what PyYAML's parser gives, values, types and lines, and leaves everything else to the parser."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from icsgen.config import safe_yaml as yamlio
from icsgen.config.safe_yaml import YamlError, load_yaml

KEYS = ["title", "summary", "date", "author", "tags", "weight", "draft", "nav_title", "_private", "Title2",
        "yes", "No", "null", "on", "y", "n", "true_", "x"]
VALUES = [
    "Our priorities", "Survey results on urgent treatment centres", "Café – open 9 to 5, Monday to Friday",
    "Children's services", "A \"quoted\" word", "It's 24/7 (mostly)", "100% sure", "C# and F#", "a#b", "a: b", "a:b",
    "ends with colon:", "#comment", "- dash first", "-dash", "? question", "@at", "`tick", "%percent", "&anchor",
    "*alias", "!tag", "|", ">", "yes", "No", "ON", "off", "True", "FALSE", "y", "n", "~", "null", "Null", "",
    "0", "7", "42", "-3", "+5", "012", "0o14", "0x1F", "1_000", "1.5", "1e3", "1.0e+3", ".inf", "-.Inf", ".nan",
    "190:20:30", "2024-01-05", "2024-1-5", "2024-02-30", "2024-13-01", "2024-01-05 10:30:00", "2024-01-05T10:30Z",
    "'single'", "'it''s'", "''", "'unclosed", "\"double\"", "\"with \\n escape\"", "\"\"", "\"unclosed", "\"a\" b",
    "[a, b]", "[mental health, prevention]", "[]", "[ ]", "[a,,b]", "[a, b,]", "[a, [b]]", "[yes, 2, 2024-01-05]",
    "[a]b", "[a, 'b']", "[a b c]", "[ spaced , items ]", "{a: 1}", "=", "<<", " leading", "trailing ", "tab\there",
    "non\u00a0breaking", "line\u2028separator", "x y z", "very long " * 20,
]

COMMON = ["Our priorities", "Children's services", "\"Where possible, we publish reports.\"", "2020-07-01", "3", "true",
          "[mental health, prevention]", "'Chief executive, Leeds'", "NHS 111 – call or go online", "no"]


def full(text: str, first_line: int) -> Any:
    """The parser's reading, without the quick path."""
    loader = yamlio._Loader(text)
    loader.first_line = first_line
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def shown(value: Any) -> Any:
    """A value with its types spelled out: 1 == True and 1 == 1.0 in Python, not in front matter."""
    if isinstance(value, dict):
        return ("map", [(shown(k), shown(v)) for k, v in value.items()], getattr(value, "lines", None),
                getattr(value, "line", None))
    if isinstance(value, list):
        return ("list", [shown(v) for v in value])
    return (type(value).__name__, repr(value))


def documents(count: int) -> list[str]:
    rng = random.Random(3)
    docs = []
    for _ in range(count):
        lines = []
        for _ in range(rng.randint(1, 7)):
            roll = rng.random()
            if roll < 0.03:
                lines.append(rng.choice(["", "# a comment", "  indented: x", "title:", "- item", "key : spaced"]))
            else:
                key = rng.choice(KEYS if rng.random() < 0.3 else KEYS[:9])
                lines.append(f"{key}: {rng.choice(VALUES if rng.random() < 0.4 else COMMON)}")
        docs.append("\n".join(lines) + rng.choice(["", "", "", "\n"]))
    return docs


def test_the_quick_reading_equals_the_parsers_wherever_it_answers() -> None:
    answered = 0
    for text in documents(4000):
        quick = yamlio._flat_mapping(text, 2)
        if quick is None:
            continue
        answered += 1
        assert shown(quick) == shown(full(text, 2)), text
    assert answered > 500  # it does answer for flat front matter, so the comparison means something


@pytest.mark.parametrize("text", [
    "title: Our aims\nsummary: \"What we do, and why\"\ndate: 2024-03-01\ntags: [a, b c]\nweight: 2\ndraft: no",
    "title: It's here (at last)\nauthor: 'Jo Bloggs'",
])
def test_flat_front_matter_is_read_quickly(text: str) -> None:
    quick = yamlio._flat_mapping(text, 2)
    assert quick is not None and shown(quick) == shown(full(text, 2))


@pytest.mark.parametrize("text", [
    "title: a: b", "title: x # note", "date: 2024-02-30", "weight: 012", "yes: 1", "title: x\n  more", "title: ~",
    "tags: [a, [b]]", "title: \"a\\tb\"", "summary: >-\n  folded\n  text", "title: x\ntitle: y", "",
])
def test_anything_else_goes_to_the_parser(text: str) -> None:
    assert yamlio._flat_mapping(text, 2) is None


def test_errors_and_duplicates_still_come_from_the_parser() -> None:
    with pytest.raises(YamlError) as duplicate:
        load_yaml("title: One\ntitle: Two", first_line=2)
    assert duplicate.value.line == 3 and "duplicate key 'title'" in duplicate.value.message
    with pytest.raises(YamlError) as broken:
        load_yaml("title: x\ntags: [a, b", first_line=2)
    assert broken.value.line == 3
    assert load_yaml("date: 2024-01-05")["date"] == dt.date(2024, 1, 5)
