"""Record types for data files: every field of a meeting, event, consultation, partner, priority or
contact checked as front matter is, each problem at its file and line.

A data file is a list of records. Its name says its type: `data/events.yaml` holds events, and a
type may be split into one file per year (`data/meetings-2026.yaml`): a board sets its meetings a
year at a time, so last year's file is finished and never touched again, and this year's stays
short. Data files of any other name are free-form (templates read them as they are).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from icsgen.config import schema
from icsgen.config.schema import Field, Schema
from icsgen.problems import Problems

from .addresses import refused_message, refused_scheme

YEAR_FILE = re.compile(r"^(?P<kind>[a-z][a-z0-9_]*)-(?P<year>\d{4})$")


def time_of_day(value: Any) -> dt.time:
    """A time written 14:30 (24-hour) or 2:30pm. YAML reads an unquoted 10:00 as the number 600
    (minutes: its old base-60 numbers), so such a number (from 1:00 on) is taken as that time; a
    plain `10` is not a time."""
    if isinstance(value, int) and not isinstance(value, bool) and 60 <= value < 24 * 60:
        return dt.time(value // 60, value % 60)
    if isinstance(value, str):
        text = value.strip().lower().replace(".", ":")
        found = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", text)
        if found and (found.group(2) or found.group(3)):
            hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
            if half and 1 <= hour <= 12:
                hour = hour % 12 + (12 if half == "pm" else 0)
            elif half:
                hour = 99  # 13pm: no such time
            if hour < 24 and minute < 60:
                return dt.time(hour, minute)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 60:
        value = f"{value // 60}:{value % 60:02d}"  # as written: YAML read 25:00 as a number
    raise ValueError(f"must be a time written as HH:MM, such as 14:30, not {value!r}")


def link(value: Any) -> str:
    """A file or page of the region (`papers/2026-01-14-agenda.pdf`, from the region's folder) or a web
    address: never one that would run code."""
    out = schema.text(value)
    if not out or any(c.isspace() for c in out):
        raise ValueError(f"must be a path such as papers/agenda.pdf or an address starting https://, not {out!r}")
    scheme = refused_scheme(out)
    if scheme is not None:
        raise ValueError(refused_message(out, scheme))
    return out


def web_address(value: Any) -> str:
    """An address people go to (an online meeting, a booking form): http(s) or mailto/tel only."""
    out = schema.text(value)
    if any(c.isspace() for c in out) or not re.match(r"(?i)^(https?://[^/\s]+|mailto:\S+@\S+|tel:[+0-9])", out):
        raise ValueError(f"must be a web address starting https://, a mailto: or a tel: address, not {out!r}")
    return out


PAPER = Schema("a paper", (
    Field("title", schema.text, "what the paper is, e.g. 'Chief executive's report'", required=True),
    Field("link", link, "the file, e.g. papers/2026-01-14-chief-executive-report.pdf", required=True),
))


def a_list(value: Any) -> list:
    """A list as loaded (its items are checked one by one where their lines are known)."""
    if not isinstance(value, list):
        raise ValueError("must be a list: one item a line, each starting with '- '")
    return value


def identifier(value: Any) -> str:
    return schema.slug(value)


_COMMON = (
    Field("id", identifier, "a short name that never changes, e.g. board-2026-01: keeps calendar entries "
          "and links the same when the title changes"),
    Field("extra", schema.mapping, "anything else, for templates", default={}),
)

_PLACE = (
    Field("venue", schema.optional_text, "where it is held: a building and address", default=""),
    Field("online", web_address, "the link to join or watch online", default=""),
)

MEETING = Schema("a meeting", (
    Field("title", schema.text, "e.g. 'Board meeting in public'", required=True),
    Field("date", schema.date, "the day it is held, YYYY-MM-DD", required=True),
    Field("start", time_of_day, "when it starts, HH:MM", required=True),
    Field("end", time_of_day, "when it ends, HH:MM"),
    *_PLACE,
    Field("summary", schema.optional_text, "a sentence about the meeting", default=""),
    Field("attend", schema.optional_text, "how a member of the public can attend or watch", default=""),
    Field("questions", schema.optional_text, "how to ask the board a question", default=""),
    Field("questions_by", schema.date, "the last day for questions, YYYY-MM-DD"),
    Field("agenda", link, "the agenda: a file such as papers/2026-01-14-agenda.pdf"),
    Field("papers", a_list, "the meeting's papers: a list of {title, link}", default=()),
    Field("minutes", link, "the minutes, once approved: a file such as papers/2026-01-14-minutes.pdf"),
    Field("recording", web_address, "a recording of the meeting", default=""),
    Field("status", schema.one_of("cancelled", "postponed"), "cancelled or postponed, if it is", default=""),
    *_COMMON,
))

EVENT = Schema("an event", (
    Field("title", schema.text, "what the event is called", required=True),
    Field("date", schema.date, "the day it starts, YYYY-MM-DD", required=True),
    Field("start", time_of_day, "when it starts, HH:MM", required=True),
    Field("end", time_of_day, "when it ends, HH:MM"),
    Field("end_date", schema.date, "the last day, for an event of more than one day"),
    *_PLACE,
    Field("summary", schema.text, "one or two sentences about the event", required=True),
    Field("accessibility", schema.optional_text, "step-free access, hearing loops, BSL interpreters...",
          default=""),
    Field("booking", web_address, "where to book a place", default=""),
    Field("booking_by", schema.date, "the last day to book"),
    Field("status", schema.one_of("cancelled", "postponed"), "cancelled or postponed, if it is", default=""),
    *_COMMON,
))

CONSULTATION = Schema("a consultation", (
    Field("title", schema.text, "what the consultation is about", required=True),
    Field("summary", schema.text, "one or two sentences: what is being decided", required=True),
    Field("opens", schema.date, "the first day to respond, YYYY-MM-DD", required=True),
    Field("closes", schema.date, "the last day to respond, YYYY-MM-DD", required=True),
    Field("respond", web_address, "where to have your say: a survey or an email address", default=""),
    Field("details", link, "a page or document with the full details"),
    Field("outcome", schema.optional_text, "what was decided, once published", default=""),
    Field("outcome_link", link, "the outcome report: a page or document"),
    *_COMMON,
))

PARTNER = Schema("a partner", (
    Field("name", schema.text, "the organisation's name", required=True),
    Field("type", schema.one_of("NHS trust", "Local authority", "Voluntary sector", "Primary care", "University",
                                "Other"), "NHS trust, Local authority, Voluntary sector, Primary care, University "
          "or Other", required=True),
    Field("url", web_address, "its website", default=""),
    Field("description", schema.optional_text, "what it does", default=""),
    *_COMMON,
))

PRIORITY = Schema("a priority", (
    Field("title", schema.text, "the priority in a few words", required=True),
    Field("summary", schema.text, "one or two sentences", required=True),
    *_COMMON,
))

CONTACT = Schema("a contact", (
    Field("name", schema.text, "who to contact", required=True),
    Field("description", schema.text, "what to contact them about", required=True),
    Field("phone", schema.phone, "a phone number", default=""),
    Field("email", schema.email, "an email address", default=""),
    Field("hours", schema.optional_text, "when the phone is answered", default=""),
    *_COMMON,
))

TYPES: dict[str, Schema] = {
    "meetings": MEETING,
    "events": EVENT,
    "consultations": CONSULTATION,
    "partners": PARTNER,
    "priorities": PRIORITY,
    "contacts": CONTACT,
}


@dataclass(frozen=True)
class Record:
    """One checked item of a data file: its values (every field, defaults filled in) and where it is."""

    kind: str  # the type: meetings, events...
    values: MappingProxyType
    path: Path
    line: int

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def record_type(stem: str) -> str | None:
    """The record type a data file's name gives (`meetings-2026` -> meetings), or None: free-form."""
    if stem in TYPES:
        return stem
    found = YEAR_FILE.match(stem)
    return found.group("kind") if found and found.group("kind") in TYPES else None


def check_records(stem: str, loaded: Any, path: Path, problems: Problems) -> tuple[Record, ...] | None:
    """The records of a data file whose name gives a type, each field checked; None for a free-form file
    (any other name, or a file named as a type that holds a mapping rather than a list: such files were
    free-form before record types, and templates may read them so).

    Every problem is reported at its line, all at once; a record with a problem is left out (the
    build stops anyway).
    """
    kind = record_type(stem)
    if kind is None:
        return None
    spec = TYPES[kind]
    if loaded is None:
        return ()
    if not isinstance(loaded, list):
        if stem == kind:  # `meetings.yaml` as a mapping: a free-form file, as it was before there were types
            return None
        problems.add(path, getattr(loaded, "line", 1), f"a {kind} file is a list of {spec.name[2:]}s",
                     "start each one with '- ' (see the guide: Data files)")
        return ()
    out = []
    year = YEAR_FILE.match(stem)
    mine = Problems(problems.root)
    for item in loaded:
        line = getattr(item, "line", 1)
        before = len(mine.errors)
        values = spec.validate(item, path, line, mine)
        if isinstance(values.get("papers"), list):
            at = item.line_of("papers") if hasattr(item, "line_of") else line
            values["papers"] = tuple(MappingProxyType(PAPER.validate(one, path, getattr(one, "line", at), mine))
                                     for one in values["papers"])
        if len(mine.errors) == before:
            _check_together(kind, values, item, path, line, mine, int(year.group("year")) if year else None)
        if len(mine.errors) == before:
            out.append(Record(kind, MappingProxyType(values), path, line))
    # an address that would run code, under a key such as `link`, was reported when the file was read
    refused = {(p.path, p.line) for p in problems.errors if "is not an address a page may link to" in p.message}
    for problem in mine.errors:
        if (problem.path, problem.line) not in refused:
            problems.extend([problem])
    return tuple(out)


def _check_together(kind: str, values: dict[str, Any], item: Any, path: Path, line: int, problems: Problems,
                    year: int | None) -> None:
    """What one field cannot say alone: an end before the start, a meeting in another year's file."""
    def at(key: str) -> int:
        return item.line_of(key) if hasattr(item, "line_of") else line

    if kind in ("meetings", "events"):
        if not values["venue"] and not values["online"]:
            problems.add(path, line, f"{TYPES[kind].name} needs a 'venue' or an 'online' link (or both)",
                         "say where it is held, or give the link to join online")
        if values["end"] is not None and values["end"] <= values["start"] and not values.get("end_date"):
            problems.add(path, at("end"), f"'end' ({values['end']:%H:%M}) is not after 'start' "
                                          f"({values['start']:%H:%M})", "write times as HH:MM, 24-hour")
        if values.get("end_date") is not None and values["end_date"] < values["date"]:
            problems.add(path, at("end_date"), "'end_date' is before 'date'", "")
        if year is not None and values["date"].year != year:
            problems.add(path, at("date"), f"{TYPES[kind].name} on {values['date']} is in the file for {year}",
                         f"move it to the file for {values['date'].year}, or correct the date")
    if kind == "meetings" and values["questions_by"] is not None and values["questions_by"] > values["date"]:
        problems.add(path, at("questions_by"), "'questions_by' is after the meeting", "")
    if kind == "consultations" and values["closes"] < values["opens"]:
        problems.add(path, at("closes"), "'closes' is before 'opens'", "")
