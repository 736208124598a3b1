"""Record types: the checkers an editor's values go through, on the values YAML really gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from icsgen.config import load_yaml
from icsgen.content.records import check_records, link, record_type, time_of_day, web_address
from icsgen.problems import Problems


@pytest.mark.parametrize(("written", "expected"), [
    ('"14:30"', dt.time(14, 30)), ("09:05", dt.time(9, 5)), ("10:00", dt.time(10)),  # YAML: 10:00 is 600
    ("2pm", dt.time(14)), ("2:30pm", dt.time(14, 30)), ("12am", dt.time(0)), ("12pm", dt.time(12)),
    ("10.15am", dt.time(10, 15)), ("23:59", dt.time(23, 59)),
])
def test_times_as_editors_write_them(written: str, expected: dt.time) -> None:
    assert time_of_day(load_yaml(f"start: {written}")["start"]) == expected


@pytest.mark.parametrize("written", ['"24:00"', "25:00", '"10:60"', "10", '"13pm"', '"noonish"', "true", '""'])
def test_what_is_not_a_time(written: str) -> None:
    with pytest.raises(ValueError, match="must be a time written as HH:MM"):
        time_of_day(load_yaml(f"start: {written}")["start"])


def test_addresses_and_links() -> None:
    assert web_address("https://meet.example.org/a") == "https://meet.example.org/a"
    assert web_address("mailto:board@example.org") == "mailto:board@example.org"
    assert link("board-papers/2026-01-14-agenda.pdf") == "board-papers/2026-01-14-agenda.pdf"
    for bad in ("ftp://x.example.org/", "javascript:alert(1)", "board papers.pdf", "https://"):
        with pytest.raises(ValueError):
            web_address(bad)
    for bad in ("javascript:alert(1)", " data:text/html,x", "a b.pdf"):
        with pytest.raises(ValueError):
            link(bad)


def test_the_name_of_a_data_file_gives_its_type() -> None:
    assert record_type("meetings") == "meetings" and record_type("meetings-2026") == "meetings"
    assert record_type("events-2027") == "events" and record_type("consultations") == "consultations"
    assert record_type("links") is None and record_type("meetings-26") is None and record_type("stuff-2026") is None


def test_a_free_form_file_is_not_checked_and_a_typed_one_is_all_at_once(tmp_path: Path) -> None:
    problems = Problems(tmp_path)
    path = tmp_path / "events.yaml"
    assert check_records("links", [{"anything": 1}], path, problems) is None
    # a `meetings.yaml` that is a mapping was free-form before there were types, and stays so; a year file is a list
    assert check_records("meetings", load_yaml("next: 14 January\nplace: Town Hall\n"), path, problems) is None
    assert check_records("meetings-2026", load_yaml("next: 14 January\n"), path, Problems(tmp_path)) == ()
    loaded = load_yaml("- title: A\n  date: 2026-01-01\n  start: '10:00'\n  venue: Hall\n  summary: S.\n"
                       "- title: B\n  date: 2026-01-01\n  start: '10:00'\n  summary: S.\n"
                       "- title: C\n  date: 2026-01-02\n  start: '10:00'\n  end: '09:00'\n  online: https://x.example.org/\n"
                       "  summary: S.\n")
    records = check_records("events", loaded, path, problems)
    assert records is not None and [r.title for r in records] == ["A"]
    assert [(p.line, p.message) for p in problems.errors] == [
        (6, "an event needs a 'venue' or an 'online' link (or both)"),
        (13, "'end' (09:00) is not after 'start' (10:00)"),
    ]


def test_markup_or_control_characters_in_a_contacts_email_phone_or_text_are_errors(tmp_path: Path) -> None:
    problems = Problems(tmp_path)
    loaded = load_yaml('- name: "<script>alert(16)</script>"\n  email: "a@b.example.org\\"><script>x</script>"\n'
                       '  phone: "0113 <b>1</b>"\n  description: "*not bold*\\x0b\\x01"\n')
    assert check_records("contacts", loaded, tmp_path / "contacts.yaml", problems) == ()
    assert [p.line for p in problems.errors] == [2, 3, 4]
    assert "'email' must be an email address" in problems.errors[0].message
    assert "'phone' must be a phone number" in problems.errors[1].message
    assert "control character" in problems.errors[2].message


def test_a_near_miss_in_a_fixed_list_names_the_choice_it_was_meant_to_be(tmp_path: Path) -> None:
    """'Local Authority' (as an editor capitalises it) was refused with the list of six types and no hint of
    which one, or that only the capital letter was wrong; it is still an error, now with the choice meant."""
    problems = Problems(tmp_path)
    loaded = load_yaml("- name: Leeds City Council\n  type: Local Authority\n"
                       "- name: Forum Central\n  type: Voluntry sector\n"
                       "- name: A club\n  type: Sports club\n")
    assert check_records("partners", loaded, tmp_path / "partners.yaml", problems) == ()
    assert [(p.line, p.message) for p in problems.errors] == [
        (2, "'type' must be one of: NHS trust, Local authority, Voluntary sector, Primary care, University, Other "
            "(did you mean 'Local authority'?)"),
        (4, "'type' must be one of: NHS trust, Local authority, Voluntary sector, Primary care, University, Other "
            "(did you mean 'Voluntary sector'?)"),
        (6, "'type' must be one of: NHS trust, Local authority, Voluntary sector, Primary care, University, Other"),
    ]
