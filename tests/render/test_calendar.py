"""The pieces of calendar files and schema.org dates: UK time at the clock changes, folding, escaping."""

from __future__ import annotations

import datetime as dt

from icsgen.render.calendar import escape, fold, london_offset


def test_the_uk_offset_changes_at_1am_gmt_on_the_last_sundays_of_march_and_october() -> None:
    assert london_offset(dt.date(2026, 3, 29), dt.time(0, 59)) == "+00:00"  # the clocks go forward at 1am
    assert london_offset(dt.date(2026, 3, 29), dt.time(2, 0)) == "+01:00"
    assert london_offset(dt.date(2026, 10, 25), dt.time(0, 30)) == "+01:00"
    assert london_offset(dt.date(2026, 10, 25), dt.time(2, 0)) == "+00:00"  # back at 2am BST
    assert london_offset(dt.date(2027, 3, 27), dt.time(12)) == "+00:00"  # the day before, in 2027
    assert london_offset(dt.date(2027, 3, 28), dt.time(12)) == "+01:00"
    assert london_offset(dt.date(2026, 1, 14), dt.time(10)) == "+00:00"
    assert london_offset(dt.date(2026, 7, 8), dt.time(10)) == "+01:00"


def test_text_values_are_escaped() -> None:
    assert escape("a\\b; c, d\ne") == "a\\\\b\\; c\\, d\\ne"


def test_lines_fold_at_75_octets_never_inside_a_character() -> None:
    line = "DESCRIPTION:" + "é" * 100 + "x" * 50
    folded = fold(line).encode("utf-8").split(b"\r\n")
    assert all(len(part) <= 75 for part in folded)
    assert all(part.startswith(b" ") for part in folded[1:])
    assert b"".join([folded[0], *(part[1:] for part in folded[1:])]).decode("utf-8") == line
    assert fold("SUMMARY:short") == "SUMMARY:short"
