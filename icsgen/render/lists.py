"""`!!! list NAME`: a list from a data file placed in a page without writing a template loop.

An editor writes, on a line of its own,

    !!! list meetings
    !!! list events upcoming 3
    !!! list consultations

and the line becomes the list, laid out the NHS way: board meetings upcoming then past by year,
events and consultations with their status, all measured against the build's date (`--today`).
Meetings, events and consultations (see content/records.py) get their own layouts; partners,
priorities and contacts theirs; any other data file whose items have a `title` or `name` is a
plain list.

The lists are made before the Markdown is converted: headings are Markdown (so they get ids and
appear in the contents list), the rest one line of HTML each (so Markdown leaves it alone). Every
value is escaped here. Links to the region's files (papers, minutes) are checked here and reported
at the data file's line; they reach the page as `icsgen-site:<site path>`, which the converter
leaves alone, and `finish` makes them relative to the page once it is converted.

Every word a list shows (headings, labels, statuses, dates and times) is one of the theme's words in
the page's language (`ListScope.words`, the templates' `t`: render/strings.py).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from icsgen.content import RECORD_TYPES, Record, Site, record_type, slugify
from icsgen.markdown import LinkTarget, pdf_page_problem
from icsgen.problems import closest

from . import calendar
from .context import Deps
from .strings import long_date

LIST_LINE = re.compile(r"^!!! ?list\b(?P<rest>[^\n]*)$", re.MULTILINE)
SITE_LINK = "icsgen-site:"  # a site path the converter leaves alone (see `finish`)
_SITE_LINK = re.compile(r'icsgen-site:([^"\s<>]*)')
PARTS = ("upcoming", "past", "open", "closed")
CLOSING_SOON_DAYS = 14  # a consultation closing within this many days is "closing soon"


@dataclass
class ListScope:
    """What placing lists in one page needs: the site, the region, the page, and where to report."""

    site: Site
    region_id: str
    page_path: Path
    first_line: int  # the file line of the body's first line
    deps: Deps
    resolve: Callable[[str], LinkTarget | str]  # a path from content/ ('/leeds/papers/a.pdf') -> target
    owner: str = ""  # the organisation, for schema.org
    # the theme's words in the page's language: words('agenda'), words('questions_by', date=...)
    words: Callable[..., Any] = field(default=lambda word, count=None, **values: word)
    problems: list[tuple[Path, int, str, str]] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        self.deps.dates.add("today")
        return self.site.today


def place_lists(body: str, scope: ListScope) -> str:
    """`body` with each `!!! list NAME` line (outside code blocks) replaced by its list."""
    if "list" not in body or LIST_LINE.search(body) is None:  # most pages: one scan for a word, not the regex
        return body
    out, fenced = [], False
    for number, line in enumerate(body.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        found = None if fenced else LIST_LINE.match(line)
        out.append(_one_list(found.group("rest"), scope, scope.first_line + number) if found else line)
    return "\n".join(out)


def finish(converted_html: str, link: Callable[[str], str]) -> str:
    """The converted page with the lists' site links made relative to the page (`link`)."""
    if SITE_LINK not in converted_html:
        return converted_html
    return _SITE_LINK.sub(lambda m: html.escape(link(html.unescape(m.group(1))), quote=True), converted_html)


def _one_list(rest: str, scope: ListScope, line: int) -> str:
    words = rest.split()
    if not words:
        scope.problems.append((scope.page_path, line, "'!!! list' needs the name of a data file",
                               "for example: !!! list meetings"))
        return ""
    name, options = words[0], words[1:]
    region = scope.site.regions[scope.region_id]
    kind = record_type(name) or (name if name in RECORD_TYPES else None)
    if kind is not None and kind not in region.records:
        kind = None  # `meetings.yaml` written as a mapping is free-form (see records.check_records)
    files = sorted(stem for stem in region.data_files if (record_type(stem) or stem) == (kind or name))
    if not files and any((record_type(stem) or stem) == name for stem in region.unreadable_data):
        return ""  # it is there, but YAML could not read it: reported at its own line
    if not files:
        known = sorted({record_type(stem) or stem for stem in region.data_files})
        meant = closest(name, known)
        hint = f"did you mean '{meant}'?" if meant else (
            f"this region's data files: {', '.join(known)}" if known else
            f"add data/{name}.yaml to the region's folder")
        scope.problems.append((scope.page_path, line, f"no data file '{name}' in this region", hint))
        return ""
    for stem in files:
        scope.deps.data.add(f"{scope.region_id}/{stem}")
    part, limit = None, None
    for word in options:
        if word.isdigit() and int(word) > 0:
            limit = int(word)
        elif word in PARTS:
            part = word
        else:
            meant = closest(word, PARTS)
            scope.problems.append((scope.page_path, line, f"'{word}' is not a choice of '!!! list'",
                                   f"did you mean '{meant}'?" if meant else
                                   "after the name: upcoming, past, open or closed, and a number to show at most"))
            return ""
    if kind is None:
        return _plain(name, [region.data[stem] for stem in files], scope, line, limit)
    records = [r for r in region.records.get(kind, ()) if r.path.stem in files]
    maker = {"meetings": _meetings, "events": _events, "consultations": _consultations,
             "partners": _partners, "priorities": _priorities, "contacts": _contacts}[kind]
    return maker(records, scope, part, limit)


# -- pieces ---------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def day(value: dt.date, words: Callable[..., Any]) -> str:
    """'Wednesday 14 January 2026', as the NHS writes dates (in the page's language: `date_with_weekday`)."""
    return long_date(value, words, weekday=True)


def clock(value: dt.time, words: Callable[..., Any]) -> str:
    """'10am', '2:30pm', 'midday', as the NHS writes times (in the page's language: `time_am`, `time_pm`)."""
    if value.hour == 12 and value.minute == 0:
        return str(words("midday"))
    hour = value.hour % 12 or 12
    shown = str(hour) if value.minute == 0 else f"{hour}:{value.minute:02d}"
    return str(words("time_am" if value.hour < 12 else "time_pm", time=shown))


def _time_element(value: dt.date, moment: dt.time | None, text: str) -> str:
    stamp = value.isoformat() + (f"T{moment:%H:%M}" if moment is not None else "")
    return f'<time datetime="{stamp}">{_e(text)}</time>'


def when(record: Record, words: Callable[..., Any]) -> str:
    """The date and time of a meeting or event in `<time>` elements: 'Wednesday 14 January 2026, 10am to 12:30pm'."""
    comma = str(words("list_separator"))
    start = _time_element(record.date, record.start, f"{day(record.date, words)}{comma}{clock(record.start, words)}")
    last = record.values.get("end_date")
    if last is not None and last != record.date:
        finish_text = f"{day(last, words)}{comma}{clock(record.end, words)}" if record.end is not None else \
            day(last, words)
        return _between(words, start, _time_element(last, record.end, finish_text))
    if record.end is not None:
        return _between(words, start, _time_element(record.date, record.end, clock(record.end, words)))
    return start


def _between(words: Callable[..., Any], start: str, end: str) -> str:
    """'START to END' in the page's language, the two being HTML already."""
    return str(words("time_range", start=Markup(start), end=Markup(end)))


def _row(key: str, value: str) -> str:
    return (f'<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{_e(key)}</dt>'
            f'<dd class="nhsuk-summary-list__value">{value}</dd></div>')


def _tag(text: str, colour: str) -> str:
    return f'<strong class="nhsuk-tag icsgen-tag--{colour}">{_e(text)}</strong>'


def _file_link(written: str, text: str, record: Record, scope: ListScope, key: str) -> str:
    """A link to a file or page of the region (from the region's folder) or a web address; a file that
    is not there is reported at the data file's line."""
    if re.match(r"(?i)^(https?:|mailto:|tel:)", written):
        return f'<a href="{_e(written)}">{_e(text)}</a>'
    path, _, fragment = written.partition("#")
    target = path if path.startswith("/") else f"/{scope.region_id}/{path}"
    found = scope.resolve(target)
    if isinstance(found, str):
        scope.problems.append((record.path, _line_of(record, written),
                               f"'{key}' links to '{written}': {found}",
                               "paths in data files start from the region's folder, e.g. board/papers/agenda.pdf"))
        return _e(text)
    wrong, hint = pdf_page_problem(fragment, found.document) if fragment and found.document else ("", "")
    if wrong:  # a PDF opens at `#page=N`, as from a page's Markdown; a page of it that is not there is an error
        scope.problems.append((record.path, _line_of(record, written), f"'{key}' links to '{written}': {wrong}", hint))
        return _e(text)
    # a document says what it is, as a Markdown link to it does: 'Agenda (PDF, 120 KB, 3 pages)'
    note, _, language = (*getattr(found, "document", ()), "", "", "")[:3]
    said = f" ({_e(note)})" if note and f"({note.split(',', 1)[0]}".lower() not in text.lower() else ""
    lang = f' hreflang="{_e(language)}"' if language else ""
    return (f'<a href="{SITE_LINK}{_e(found.url)}{"#" + _e(fragment) if fragment else ""}"{lang}>'
            f"{_e(text)}{said}</a>")


def _line_of(record: Record, text: str) -> int:
    """The line of `text` in the record's file, from the record's first line on."""
    try:
        lines = record.path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return record.line
    for number in range(record.line - 1, len(lines)):
        if text in lines[number]:
            return number + 1
    return record.line


def _calendar_link(record: Record, scope: ListScope) -> str:
    path = calendar.file_path(scope.region_id, record)
    what = f"{record.title}{scope.words('list_separator')}{day(record.date, scope.words)}"
    return (f'<p class="icsgen-calendar"><a href="{SITE_LINK}{_e(path)}">{_e(scope.words("add_to_calendar"))}'
            f'<span class="nhsuk-u-visually-hidden">: {_e(what)}</span></a> {_e(scope.words("calendar_file"))}</p>')


def _subscribe(scope: ListScope) -> str:
    """A link to the region's calendar feed of every meeting and event, for calendar apps to subscribe to."""
    return (f'<p class="icsgen-calendar"><a href="{SITE_LINK}{_e(calendar.feed_path(scope.region_id))}">'
            f'{_e(scope.words("subscribe_calendar"))}</a> {_e(scope.words("calendar_feed"))}</p>')


def _where(record: Record, words: Callable[..., Any]) -> list[str]:
    rows = []
    if record.venue:
        rows.append(_row(words("where"), _e(record.venue)))
    if record.online:
        rows.append(_row(words("online"), f'<a href="{_e(record.online)}">{_e(words("join_online"))}'
                                          f'<span class="nhsuk-u-visually-hidden">: {_e(record.title)}</span></a>'))
    return rows


def _status(record: Record, words: Callable[..., Any]) -> str:
    if record.status == "cancelled":
        return _tag(words("cancelled"), "red")
    if record.status == "postponed":
        return _tag(words("postponed"), "orange")
    return ""


def _card(level: int, record: Record, rows: list[str], words: Callable[..., Any], extra: str = "",
          prefix: str = "") -> str:
    anchor = f' id="{_e(prefix + (record.id or _default_id(record)))}"'
    title = f'<h{level} class="nhsuk-card__heading">{_e(record.title)}</h{level}>'
    status = _status(record, words) if record.kind in ("meetings", "events") else ""
    listing = f'<dl class="nhsuk-summary-list">{"".join(rows)}</dl>' if rows else ""
    searched = _SEARCH_KIND.get(record.kind, "")  # the page's kind for search's filter (render/searchtext.py)
    return (f'<div class="nhsuk-card icsgen-record"{anchor}{searched}><div class="nhsuk-card__content">{title}'
            f'{"<p>" + status + "</p>" if status else ""}'
            f'{"<p>" + _e(record.summary) + "</p>" if record.values.get("summary") else ""}'
            f'{listing}{extra}</div></div>')


_SEARCH_KIND = {"meetings": ' data-pagefind-filter="kind:meeting"', "events": ' data-pagefind-filter="kind:event"'}


def _default_id(record: Record) -> str:
    date = record.values.get("date") or record.values.get("opens")
    return slugify(f"{date.isoformat() if date else ''}-{record.values.get('title') or record.values.get('name')}")


def _block(parts: list[str]) -> str:
    """HTML that Markdown leaves as it is: one line, with blank lines around it."""
    joined = "".join(parts)
    return f"\n\n<div class=\"icsgen-list\">{joined}</div>\n\n" if joined else ""


def _json_ld(items: list[dict[str, Any]]) -> str:
    if not items:
        return ""
    text = json.dumps(items if len(items) > 1 else items[0], ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


# -- meetings ---------------------------------------------------------------------------------------


def _heading(marks: str, text: Any) -> str:
    """A Markdown heading of the theme's words (so it gets an id and a place in the contents list);
    characters Markdown would read as marks are escaped."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;")
    return f"{marks} {_MARKDOWN_MARKS.sub(lambda m: chr(92) + m.group(0), text)}"


def _sentence(text: Any) -> str:
    """A paragraph of the theme's words, escaped, that Markdown leaves as it is."""
    return f"\n\n<p>{_e(text)}</p>\n\n"


_MARKDOWN_MARKS = re.compile(r"[\\`*_{}\[\]>#+!]")  # those Python-Markdown lets a backslash escape


def _meetings(records: list[Record], scope: ListScope, part: str | None, limit: int | None) -> str:
    today, words = scope.today, scope.words
    upcoming = sorted((r for r in records if r.date >= today), key=lambda r: (r.date, r.start))
    past = sorted((r for r in records if r.date < today), key=lambda r: (r.date, r.start), reverse=True)
    if limit is not None:
        upcoming, past = upcoming[:limit], past[:limit]
    both = part is None
    out = []
    if part in (None, "upcoming", "open"):
        if both:
            out.append(_heading("##", words("upcoming_meetings")))
        out.append(_block([_meeting(r, scope, 3 if both else 2, upcoming=True) for r in upcoming]
                          + ([_json_ld([calendar.json_ld(r, scope.owner) for r in upcoming]), _subscribe(scope)]
                             if upcoming else []))
                   or _sentence(words("no_upcoming_meetings")))
    if part in (None, "past", "closed"):
        if both:
            out.append(_heading("##", words("past_meetings")))
        if not past:
            out.append(_sentence(words("no_past_meetings")))
        for year in sorted({r.date.year for r in past}, reverse=True):
            out.append(f"\n\n{'###' if both else '##'} {year}\n\n")
            out.append(_block([_meeting(r, scope, 4 if both else 3, upcoming=False)
                               for r in past if r.date.year == year]))
    return "\n".join(out)


def _meeting(record: Record, scope: ListScope, level: int, upcoming: bool) -> str:
    words = scope.words
    rows = [_row(words("date_and_time"), when(record, words)), *_where(record, words)]
    if upcoming and record.attend:
        rows.append(_row(words("how_to_attend"), _e(record.attend)))
    if upcoming and (record.questions or record.questions_by):
        text = _e(record.questions)
        if record.questions_by is not None:
            closed = record.questions_by < scope.today
            by = Markup(_time_element(record.questions_by, None, day(record.questions_by, words)))
            text += (" " if text else "") + str(words("questions_closed" if closed else "questions_by", date=by))
        rows.append(_row(words("questions"), text))
    said = day(record.date, words)
    if record.agenda:
        rows.append(_row(words("agenda"), _file_link(record.agenda, words("agenda_for", title=record.title, date=said),
                                                     record, scope, "agenda")))
    if record.papers:
        items = "".join(f"<li>{_file_link(p['link'], p['title'], record, scope, 'papers')}</li>"
                        for p in record.papers)
        rows.append(_row(words("papers"), f'<ul class="nhsuk-list nhsuk-list--bullet">{items}</ul>'))
    if record.minutes:
        rows.append(_row(words("minutes"), _file_link(record.minutes, words("minutes_for", title=record.title,
                                                                            date=said), record, scope, "minutes")))
    elif not upcoming and record.status != "cancelled":
        rows.append(_row(words("minutes"), _e(words("minutes_later"))))
    if record.recording:
        rows.append(_row(words("recording"), f'<a href="{_e(record.recording)}">{_e(words("watch_recording"))}'
                                             f'<span class="nhsuk-u-visually-hidden">: {_e(record.title)}</span></a>'))
    return _card(level, record, rows, words, _calendar_link(record, scope) if upcoming else "", "meeting-")


# -- events ---------------------------------------------------------------------------------------


def _events(records: list[Record], scope: ListScope, part: str | None, limit: int | None) -> str:
    today, words = scope.today, scope.words

    def last_day(r: Record) -> dt.date:
        return r.end_date or r.date

    upcoming = sorted((r for r in records if last_day(r) >= today), key=lambda r: (r.date, r.start))
    past = sorted((r for r in records if last_day(r) < today), key=lambda r: (r.date, r.start), reverse=True)
    if limit is not None:
        upcoming, past = upcoming[:limit], past[:limit]
    both = part is None
    out = []
    if part in (None, "upcoming", "open"):
        if both:
            out.append(_heading("##", words("upcoming_events")))
        out.append(_block([_event(r, scope, 3, True) for r in upcoming]
                          + ([_json_ld([calendar.json_ld(r, scope.owner) for r in upcoming]), _subscribe(scope)]
                             if upcoming else []))
                   or _sentence(words("no_upcoming_events")))
    if part in (None, "past", "closed"):
        if both:
            out.append(_heading("##", words("past_events")))
        out.append(_block([_event(r, scope, 3, False) for r in past]) or _sentence(words("no_past_events")))
    return "\n".join(out)


def _event(record: Record, scope: ListScope, level: int, upcoming: bool) -> str:
    words = scope.words
    rows = [_row(words("date_and_time"), when(record, words)),
            *(_where(record, words) if upcoming else
              [_row(words("where"), _e(record.venue))] if record.venue else [])]
    if record.accessibility:
        rows.append(_row(words("accessibility"), _e(record.accessibility)))
    if upcoming and record.booking and record.status != "cancelled":
        closed = record.booking_by is not None and record.booking_by < scope.today
        if closed:
            rows.append(_row(words("booking"), _e(words("booking_closed"))))
        else:
            by = (" " + str(words("book_by", date=Markup(_time_element(record.booking_by, None,
                                                                        day(record.booking_by, words))))))\
                if record.booking_by else ""
            rows.append(_row(words("booking"), f'<a href="{_e(record.booking)}">{_e(words("book_a_place"))}'
                                               f'<span class="nhsuk-u-visually-hidden">: {_e(record.title)}</span>'
                                               f'</a>.{by}'))
    return _card(level, record, rows, words, _calendar_link(record, scope) if upcoming else "", "event-")


# -- consultations ------------------------------------------------------------------------------------


def consultation_status(record: Record, today: dt.date) -> str:
    """opening soon, open, closing soon, closed, or outcome published."""
    if today < record.opens:
        return "opening soon"
    if today <= record.closes:
        return "closing soon" if (record.closes - today).days < CLOSING_SOON_DAYS else "open"
    return "outcome published" if record.outcome or record.outcome_link else "closed"


_STATUS_TAGS = {"opening soon": "grey", "open": "green", "closing soon": "orange", "closed": "grey",
                "outcome published": "blue"}


def _consultations(records: list[Record], scope: ListScope, part: str | None, limit: int | None) -> str:
    today, words = scope.today, scope.words
    current = sorted((r for r in records if r.closes >= today), key=lambda r: (r.closes, r.title))
    closed = sorted((r for r in records if r.closes < today), key=lambda r: r.closes, reverse=True)
    if limit is not None:
        current, closed = current[:limit], closed[:limit]
    both = part is None
    out = []
    if part in (None, "open", "upcoming"):
        if both:
            out.append(_heading("##", words("open_consultations")))
        out.append(_block([_consultation(r, scope, 3, today) for r in current])
                   or _sentence(words("no_open_consultations")))
    if part in (None, "closed", "past"):
        if both:
            out.append(_heading("##", words("closed_consultations")))
        out.append(_block([_consultation(r, scope, 3, today) for r in closed])
                   or _sentence(words("no_closed_consultations")))
    return "\n".join(out)


def _consultation(record: Record, scope: ListScope, level: int, today: dt.date) -> str:
    words = scope.words
    status = consultation_status(record, today)
    rows = [_row(words("status"), _tag(words("consultation_" + status.replace(" ", "_")), _STATUS_TAGS[status])),
            _row(words("opens"), _time_element(record.opens, None, day(record.opens, words))),
            _row(words("closes"), _time_element(record.closes, None, day(record.closes, words)))]
    if record.details:
        rows.append(_row(words("details"), _file_link(record.details, words("read_about", title=record.title),
                                                      record, scope, "details")))
    if status in ("open", "closing soon") and record.respond:
        hidden = f'<span class="nhsuk-u-visually-hidden">: {_e(record.title)}</span>'
        rows.append(_row(words("have_your_say"), f'<a href="{_e(record.respond)}">{_e(words("respond"))}{hidden}</a>'))
    if status in ("closed", "outcome published"):
        outcome = _e(record.outcome) if record.outcome else _e(words("outcome_pending"))
        if record.outcome_link:
            outcome += " " + _file_link(record.outcome_link, words("read_outcome", title=record.title), record, scope,
                                        "outcome_link")
        rows.append(_row(words("outcome"), outcome))
    return _card(level, record, rows, words, "", "consultation-")


# -- partners, priorities, contacts, any other data file -------------------------------------------


_PARTNER_ORDER = ("NHS trust", "Local authority", "Voluntary sector", "Primary care", "University", "Other")


def partner_word(kind: str) -> str:
    """The theme's word for a type of partner: 'NHS trust' -> 'partner_nhs_trust'."""
    return "partner_" + kind.lower().replace(" ", "_")


def _partners(records: list[Record], scope: ListScope, part: str | None, limit: int | None) -> str:
    rows = []
    for record in sorted(records, key=lambda r: (_PARTNER_ORDER.index(r.type), r.name.lower()))[:limit]:
        name = f'<a href="{_e(record.url)}">{_e(record.name)}</a>' if record.url else _e(record.name)
        rows.append(f'<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{name}</dt>'
                    f'<dd class="nhsuk-summary-list__value">{_e(scope.words(partner_word(record.type)))}'
                    f'{". " + _e(record.description) if record.description else ""}</dd></div>')
    return _block([f'<dl class="nhsuk-summary-list">{"".join(rows)}</dl>'] if rows else [])


def _priorities(records: list[Record], scope: ListScope, part: str | None, limit: int | None) -> str:
    items = "".join(f"<li><strong>{_e(r.title)}</strong>: {_e(r.summary)}</li>" for r in records[:limit])
    return _block([f'<ol class="nhsuk-list nhsuk-list--number">{items}</ol>'] if items else [])


def _contacts(records: list[Record], scope: ListScope, part: str | None, limit: int | None) -> str:
    words = scope.words
    rows = []
    for record in records[:limit]:
        parts = [_e(record.description)]
        if record.phone:
            parts.append(f'{_e(words("phone"))}: <a href="tel:{_e(record.phone.replace(" ", ""))}">'
                         f'{_e(record.phone)}</a>')
        if record.email:
            parts.append(f'{_e(words("email"))}: <a href="mailto:{_e(record.email)}">{_e(record.email)}</a>')
        if record.hours:
            parts.append(_e(record.hours))
        rows.append(_row(record.name, "<br>".join(parts)))
    return _block([f'<dl class="nhsuk-summary-list">{"".join(rows)}</dl>'] if rows else [])


def _plain(name: str, files: list[Any], scope: ListScope, line: int, limit: int | None) -> str:
    """Any other data file: a list of items each with a `title` or `name` (and a `summary` or
    `description`, and a `url`, if it has them)."""
    items = [item for value in files for item in (value if isinstance(value, list | tuple) else [value])]
    out = []
    for item in items[:limit]:
        if not isinstance(item, dict | Record) and not hasattr(item, "get"):
            scope.problems.append((scope.page_path, line, f"'!!! list {name}': its items are not 'key: value' lines",
                                   "each item needs a 'title' or a 'name'"))
            return ""
        title = item.get("title") or item.get("name")
        if not isinstance(title, str) or not title.strip():
            scope.problems.append((scope.page_path, line, f"'!!! list {name}': an item has no 'title' or 'name' "
                                                          "to show", f"give every item of data/{name}.yaml a title"))
            return ""
        url = item.get("url")
        head = f'<a href="{_e(url)}">{_e(title)}</a>' if isinstance(url, str) and url.startswith(("http://",
                                                                                               "https://")) \
            else _e(title)
        text = item.get("summary") or item.get("description")
        out.append(f"<li>{head}{': ' + _e(text) if isinstance(text, str) and text else ''}</li>")
    return _block([f'<ul class="nhsuk-list nhsuk-list--bullet">{"".join(out)}</ul>'] if out else [])
