"""YAML as editors write it: the quick reading of flat front matter (yamlio._flat_mapping) gives exactly
what PyYAML's parser gives, values, types and lines, and leaves everything else to the parser."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from pathlib import Path
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
    "weight: " + "1" * 101,
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


# -- values PyYAML cannot make, exhaustion and the parser's jargon: file:line errors a person can act on ----

@pytest.mark.parametrize("text, line, message, hint", [
    ("title: x\nreviewed: 2026-02-30", 3, "'2026-02-30' is not a real date or time (day is out of range for month)",
     "write a date that exists as YYYY-MM-DD"),
    ("date: 2026-13-01", 2, "'2026-13-01' is not a real date or time (month must be in 1..12)", "YYYY-MM-DD"),
    ("a:\n  when: 2026-01-01 25:00:00", 3, "'2026-01-01 25:00:00' is not a real date or time (hour must be in 0..23)",
     "YYYY-MM-DD"),
    ("weight: " + "9" * 5000, 2, "a number of 5000 characters is too long to read", "up to 100 digits"),
    ("weight: 0x" + "f" * 200, 2, "a number of 202 characters is too long to read", "put it in quotes"),
    ("draft: !!bool maybe", 2, "'maybe' cannot be read as !!bool", "remove the '!!bool' tag"),
    ("date: !!timestamp soon", 2, "'soon' cannot be read as !!timestamp", "remove the '!!timestamp' tag"),
    ("x: !!binary 'é'", 2, "'!!binary' must be followed by base64 data", "remove the '!!binary' tag"),
    ("x: !!map text", 2, "'!!map' must be followed by 'key: value' lines", "remove the '!!map' tag"),
    ("x: !foo text", 2, "'!foo' is not a kind of value icsgen reads", "in quotes"),
    ("x: !!python/object/apply:os.system ['echo hacked']", 2,
     "'!!python/object/apply:os.system' is not a kind of value icsgen reads", "in quotes"),
])
def test_a_value_pyyaml_cannot_make_is_an_error_at_its_line(text: str, line: int, message: str, hint: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text, first_line=2)
    assert (caught.value.line, caught.value.message) == (line, message)
    assert hint in caught.value.hint


def test_long_numbers_go_to_the_parser_which_reports_them() -> None:
    assert yamlio._flat_mapping("weight: " + "9" * 101, 2) is None
    assert load_yaml("weight: " + "9" * 100)["weight"] == int("9" * 100)


@pytest.mark.parametrize("text", [
    # the "billion laughs": each line repeats the one before nine times, 9^9 values from 300 bytes
    "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n"
                                            for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
    # the same with merge keys
    "a: &a {x: 1, y: 2}\n" + "".join(f"{c}: &{c} {{<<: [" + ",".join([f"*{p}"] * 9) + "]}\n"
                                     for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
], ids=["lists", "merge keys"])
def test_an_alias_bomb_is_refused_at_its_line(text: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert caught.value.line == 6  # the first value that would expand past the limit
    assert caught.value.message == "aliases ('*name') here repeat anchored values into more than 100,000 values"


def test_aliases_within_reason_still_work() -> None:
    data = load_yaml("base: &base {phone: 0113 000, hours: 9 to 5}\nleeds: *base\nyork: [*base, *base]\n"
                     "note: Health & Care, A&E\n")
    assert data["york"] == [data["base"], data["base"]] and data["note"] == "Health & Care, A&E"


@pytest.mark.parametrize("text, message", [
    ("a: &x [*x]", "a value that contains itself (an alias '*name' inside its own anchor '&name')"),
    ("a: &x {b: *x}", "a value that contains itself (an alias '*name' inside its own anchor '&name')"),
    ("a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 2000)),
     "values nested more than 50 levels deep through aliases ('*name')"),
    ("a: " + "[" * 60 + "]" * 60, "values nested more than 50 levels deep"),
    ("\n".join("  " * i + "a:" for i in range(300)) + " 1", "values nested more than 50 levels deep"),
    ("- " * 3000 + "x", "values nested more than 50 levels deep"),
], ids=["list", "mapping", "alias chain", "brackets", "indentation", "dashes"])
def test_values_that_contain_themselves_or_nest_too_deep_are_refused(text: str, message: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert caught.value.message == message


def test_nesting_that_would_crash_libyaml_is_refused_before_it_is_composed() -> None:
    """100,000 brackets crash libyaml's composer (the C stack): in a child, so a crash fails only this test."""
    code = ("from icsgen.config.safe_yaml import load_yaml, YamlError\n"
            "try:\n    load_yaml('a: ' + '[' * 100_000 + ']' * 100_000)\n"
            "except YamlError as exc:\n    print(exc.line, exc.message)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(Path(yamlio.__file__).parent.parent.parent)})
    assert (result.returncode, result.stdout) == (0, "1 values nested more than 50 levels deep\n"), result.stderr


def test_more_yaml_than_anyone_writes_is_refused() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("a: " + "x" * 11_000_000)
    assert caught.value.message == "11 MB of YAML is more than icsgen reads (10 MB)"


@pytest.mark.parametrize("text, line, message, hint", [
    ("title: Leeds: our plan\nsummary: x", 2, "a colon followed by a space inside a value (YAML reads it as a new key)",
     "put the value in quotes, e.g. title: \"Leeds: our plan\"; YAML said: mapping values are not allowed"),
    ("title:About\nsummary: x", 2, "no space after the colon of 'title:'", "write 'title: value', with a space"),
    ("summary: x\ntitle:About", 3, "no space after the colon of 'title:'", "write 'title: value', with a space"),
    ("extra:\n\thero: x.png", 3, "a tab character", "indent with spaces, never tabs"),
    ("extra:\n    hero: x\n  alt: y", 4, "a line indented differently from the lines around it",
     "keys at the same level must start in the same column"),
    ("tags:\n  - a\n - b", 4, "a list item where a key was expected", "indent the list under its key"),
    ("title: \"Our plan\" for 2025", 2, "text after the closing quote of a value", "put the whole value in quotes"),
    ("summary: \"unclosed\nauthor: x", 2, "a quotation mark that is never closed", "close the quote"),
    ("tags: [a, b\nauthor: x", 2, "a '[' that is not closed with ']' on the same line", "close it with ']'"),
    ("title: @home", 2, "a value cannot start with '@'", "put the value in quotes"),
    ("title: *star", 2, "'*' at the start of a value refers to an anchor '&name' that does not exist",
     "put text that starts with '*' in quotes"),
    ("path: \"C:\\docs\"", 2, "a backslash in double quotes starts a special character this one is not",
     "use single quotes"),
    ("a: 1\n---\nb: 2", 3, "a line '---' or '...' starts a second document; one file holds one", "remove the line"),
    ("tags: [a,, b]", 2, "an empty item between commas in a list written in brackets", "remove the extra comma"),
    ("summary: |x\n  y", 2, "text after '|' or '>' on the same line", "start the text on the next line"),
])
def test_parser_jargon_is_explained_with_the_usual_cause(text: str, line: int, message: str, hint: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text, first_line=2)
    assert (caught.value.line, caught.value.message) == (line, message)
    assert caught.value.hint.startswith(hint)
    assert "; YAML said: " in caught.value.hint  # the parser's own words, to search for


def test_a_control_character_in_the_text_is_named_at_its_line() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("title: x\nsummary: a\x01b", first_line=2)
    assert (caught.value.line, caught.value.message) == (3, "a control character (U+0001) that text may not contain")


def test_bytes_that_are_not_utf8_are_named_at_their_line_and_column() -> None:
    with pytest.raises(YamlError) as caught:
        yamlio.decode("title: x\nsummary: Caf\xe9 open\n".encode("cp1252"))
    assert (caught.value.line, caught.value.message) == (2, "not valid UTF-8 text (byte 0xe9 at column 13)")
    assert caught.value.hint.startswith("save the file as UTF-8")
