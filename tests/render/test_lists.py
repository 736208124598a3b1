"""`!!! list NAME` and record types: meetings, events and consultations as an editor writes them,
built through the real command line and read back from the files it wrote.

Record mistakes are file:line errors; status follows the build's date (the same source built on two
days); calendar files are strict RFC 5545; schema.org data is valid JSON with the required
properties; the pages pass the Nu checker and axe-core, and work without JavaScript (no script but data).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_CONTEXT_OPTIONS
from tests.support.pdfs import write_pdf
from tests.support.servers import serve_static
from tests.support.sitemaker import basic_site as make_site
from tests.support.sitemaker import run
from tests.support.vnu import format_vnu, run_vnu

MEETINGS_2026 = """\
# two meetings in 2026
- title: Board meeting in public
  date: 2026-01-14
  start: 10:00
  end: "12:30"
  venue: Alpha Town Hall, 1 Sample Street
  online: https://meet.example.org/board
  attend: Anyone can come; seats are limited.
  questions: Email board@alpha.example.org.
  questions_by: 2026-01-09
  agenda: board/papers/2026-01-14-agenda.pdf
  papers:
    - title: Chief executive's report, January
      link: board/papers/2026-01-14-report.pdf
  minutes: board/papers/2026-01-14-minutes.pdf
- title: Extraordinary board meeting
  date: 2026-06-03
  start: "14:00"
  online: https://meet.example.org/board
"""

EVENTS = """\
- id: drop-in-2026
  title: Drop-in day; bring questions, and friends
  date: 2026-05-01
  start: "10:00"
  end: "15:00"
  venue: Alpha Library, Sample Road
  summary: >-
    Come and talk to us about the health services you use, and how we could make them work
    better for everyone who lives here.
  accessibility: Step-free access and a hearing loop.
  booking: https://book.example.org/drop-in
"""

CONSULTATIONS = """\
- title: Urgent care
  summary: How urgent care should work.
  opens: 2026-02-01
  closes: 2026-04-30
  respond: https://survey.example.org/urgent
  outcome: We will open a new urgent treatment centre.
"""

PAGES = {
    "content/alpha/data/meetings-2026.yaml": MEETINGS_2026,
    "content/alpha/data/events.yaml": EVENTS,
    "content/alpha/data/consultations.yaml": CONSULTATIONS,
    "content/alpha/board.md": "---\ntitle: Board meetings\n---\nOur board meets in public.\n\n!!! list meetings\n",
    "content/alpha/events.md": "---\ntitle: Events\n---\nCome along.\n\n!!! list events\n",
    "content/alpha/have-your-say.md": "---\ntitle: Have your say\n---\nTell us.\n\n!!! list consultations\n",
}


PAPERS = ("agenda", "report", "minutes")


def basic_site(root: Path, changes: dict[str, str | None] | None = None) -> Path:
    """The basic site with the pages above (and `changes`), and the meeting's papers as real PDFs."""
    made = make_site(root, changes)
    for name in PAPERS:
        write_pdf(made / f"content/alpha/board/papers/2026-01-14-{name}.pdf", f"Board {name}, January",
                  [f"The {name} of the board meeting of 14 January 2026."])
    return made


def _build(root: Path, day: str, out: Path | None = None) -> str:
    args = ["build", "--today", day, *(["--out", str(out)] if out else [])]
    done = run(root, *args)
    assert done.exit_code == 0, done.output
    return done.output


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _section(html: str, start: str, end: str | None) -> str:
    """The text between two headings of the page (by their text)."""
    text = _text(html)
    begin = text.index(start)
    return text[begin:text.index(end, begin) if end else None]


# -- record types: every field checked, file:line errors ---------------------------------------------


def test_every_mistake_in_a_meetings_file_is_reported_at_its_line_in_one_run(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {**PAGES, "content/alpha/data/meetings-2026.yaml": """\
- title: Board meeting
  date: 2026-01-14
  start: "25:00"
  venue: Town Hall
  onlin: https://meet.example.org/
- title: Second
  date: "2026-02-30"
  start: "10:00"
  online: ftp://files.example.org/
  papers:
    - titel: Agenda
      link: board/papers/a.pdf
- date: 2026-03-01
  start: "10:00"
  venue: Town Hall
  agenda: javascript:alert(1)
- title: Wrong year
  date: 2027-03-01
  start: "10:00"
  venue: Town Hall
"""})
    done = run(root, "build")
    assert done.exit_code == 1
    path = "content/alpha/data/meetings-2026.yaml"
    for expected in (
        f"{path}:3: 'start' must be a time written as HH:MM, such as 14:30, not '25:00'",
        f"{path}:5: unknown key 'onlin' in a meeting (did you mean 'online'?)",
        f"{path}:7: 'date' must be a date written as YYYY-MM-DD, not '2026-02-30'",
        f"{path}:9: 'online' must be a web address starting https://",
        f"{path}:11: unknown key 'titel' in a paper (did you mean 'title'?)",
        f"{path}:13: 'title' is required in a meeting",
        f"{path}:16: 'agenda' 'javascript:alert(1)' is not an address a page may link to",
        f"{path}:18: a meeting on 2027-03-01 is in the file for 2026",
    ):
        assert expected in done.output, done.output
    assert "Traceback" not in done.output and not (root / "build").exists()


def test_a_paper_that_is_not_there_is_reported_at_the_data_files_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", PAGES)
    (root / "content/alpha/board/papers/2026-01-14-report.pdf").unlink()
    done = run(root, "build", "--today", "2026-12-01")
    assert done.exit_code == 1
    assert ("content/alpha/data/meetings-2026.yaml:14: 'papers' links to 'board/papers/2026-01-14-report.pdf': "
            "no page or file") in done.output, done.output


def test_a_paper_may_open_at_a_page_of_its_pdf_but_not_one_it_lacks(tmp_path: Path) -> None:
    """As in a page's Markdown, `#page=N` opens a PDF at that page. Found by probing: a data file's link took
    any #fragment on a document, `#page=9` of a 3-page PDF too, where the same link in a page is an error."""
    root = basic_site(tmp_path / "site", PAGES)
    write_pdf(root / "content/alpha/board/papers/2026-01-14-agenda.pdf", "Agenda", ["Item."], pages=3)
    meetings = root / "content/alpha/data/meetings-2026.yaml"
    meetings.write_text(MEETINGS_2026.replace("2026-01-14-agenda.pdf", "2026-01-14-agenda.pdf#page=3"))
    done = run(root, "build", "--today", "2026-12-01")
    assert done.exit_code == 0, done.output
    assert 'papers/2026-01-14-agenda.pdf#page=3">' in (root / "build/alpha/board/index.html").read_text()
    meetings.write_text(MEETINGS_2026.replace("2026-01-14-agenda.pdf", "2026-01-14-agenda.pdf#page=9")
                        .replace("2026-01-14-minutes.pdf", "2026-01-14-minutes.pdf#minute-4"))
    done = run(root, "build", "--today", "2026-12-01")
    assert done.exit_code == 1
    assert ("content/alpha/data/meetings-2026.yaml:11: 'agenda' links to 'board/papers/2026-01-14-agenda.pdf#page=9': "
            "the document has 3 pages") in done.output, done.output
    assert ("content/alpha/data/meetings-2026.yaml:15: 'minutes' links to 'board/papers/2026-01-14-minutes.pdf"
            "#minute-4': only pages have #anchors (a PDF can be opened at one of its pages: #page=2)") in done.output


def test_a_data_file_yaml_cannot_read_is_named_once_not_said_to_be_missing(tmp_path: Path) -> None:
    """Found by probing: a meetings, events or partners file with a YAML mistake was reported at its line,
    and then each `!!! list` of it said "no data file 'partners' in this region (add data/partners.yaml to
    the region's folder)", telling the editor to add the file they were looking at."""
    root = basic_site(tmp_path / "site", {
        "content/alpha/data/meetings-2026.yaml": "- title: Board\n  date: 2026-01-14\n  start: '10:00\n",
        "content/alpha/data/partners.yaml": "- name: Alpha Hospital\n  type: [NHS trust\n",
        "content/alpha/board/index.md": "---\ntitle: Board\nsummary: Meetings.\n---\n!!! list meetings\n\n"
        "!!! list partners\n\n!!! list priorities\n"})
    done = run(root, "build", "--today", "2026-12-01")
    assert done.exit_code == 1
    problems = done.output.splitlines()[:-1]
    assert [line.split(": ", 1)[0] for line in problems] == [
        "content/alpha/board/index.md:9", "content/alpha/data/meetings-2026.yaml:3",
        "content/alpha/data/partners.yaml:2"], done.output
    assert "no data file 'priorities' in this region" in problems[0]


def test_a_wrong_list_name_or_choice_is_reported_at_the_pages_line(tmp_path: Path) -> None:
    page = "---\ntitle: Board\n---\nIntro.\n\n!!! list meetngs\n\n!!! list events soon\n"
    root = basic_site(tmp_path / "site", {**PAGES, "content/alpha/board.md": page})
    done = run(root, "build")
    assert done.exit_code == 1
    assert "content/alpha/board.md:6: no data file 'meetngs' in this region (did you mean 'meetings'?)" in done.output
    assert "content/alpha/board.md:8: 'soon' is not a choice of '!!! list'" in done.output


def test_a_data_file_shown_with_braces_is_an_error_not_a_python_repr(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {**PAGES, "content/alpha/events.md": "---\ntitle: Events\n---\n"
                                          "{{ data.events }}\n"})
    done = run(root, "build")
    assert done.exit_code == 1
    assert "content/alpha/events.md:4: error in a {{ }} variable" in done.output, done.output
    assert "LineDict" not in done.output and "mappingproxy" not in done.output


def test_any_data_file_with_titles_can_be_listed(tmp_path: Path) -> None:
    links = "- title: NHS website\n  url: https://www.nhs.uk/\n  summary: Health A to Z.\n"
    root = basic_site(tmp_path / "site", {**PAGES, "content/alpha/data/links.yaml": links,
                                          "content/alpha/links.md": "---\ntitle: Links\n---\n!!! list links\n"})
    _build(root, "2026-03-01")
    html = (root / "build/alpha/links/index.html").read_text()
    assert '<a href="https://www.nhs.uk/">NHS website</a>: Health A to Z.' in html


# -- status from the build's date -------------------------------------------------------------------------


def test_the_same_source_built_on_two_days_moves_meetings_events_and_consultations(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", PAGES)
    early, late = tmp_path / "early", tmp_path / "late"
    _build(root, "2026-01-08", early)
    _build(root, "2026-06-10", late)

    board = (early / "alpha/board/index.html").read_text()
    upcoming = _section(board, "Upcoming meetings", "Past meetings")
    assert "Wednesday 14 January 2026, 10am to 12:30pm" in upcoming
    assert "Wednesday 3 June 2026, 2pm" in upcoming
    assert upcoming.index("14 January") < upcoming.index("3 June")  # soonest first
    assert "Send questions by Friday 9 January 2026" in upcoming
    assert "There are no past meetings to show yet" in board
    assert '<time datetime="2026-01-14T10:00">' in board

    board = (late / "alpha/board/index.html").read_text()
    assert "No meetings are planned yet" in _section(board, "Upcoming meetings", "Past meetings")
    past = _section(board, "Past meetings", None)
    assert past.index("2026") < past.index("3 June") < past.index("14 January")  # by year, newest first
    assert "Minutes: Board meeting in public" in past and "Published once approved" in past
    # the link says what the paper is, as any link to a document does (type, size, pages)
    assert re.search(r'href="papers/2026-01-14-report\.pdf">Chief executive&#x27;s report, January '
                     r'\(PDF, [0-9.]+ (?:bytes|KB), 1 page\)</a>', board), board

    events = (early / "alpha/events/index.html").read_text()
    assert "Book a place" in _section(events, "Upcoming events", "Past events")
    events = (late / "alpha/events/index.html").read_text()
    assert "Drop-in day" in _section(events, "Past events", None) and "Book a place" not in events

    for day, expected in (("2026-01-31", "Opening soon"), ("2026-02-01", "Open"), ("2026-04-17", "Closing soon"),
                          ("2026-04-30", "Closing soon"), ("2026-05-01", "Outcome published")):
        out = tmp_path / day
        _build(root, day, out)
        html = (out / "alpha/have-your-say/index.html").read_text()
        tag = re.search(r'<strong class="nhsuk-tag[^"]*">([^<]+)</strong>', html)
        assert tag is not None and tag.group(1) == expected, (day, tag and tag.group(1))
        assert ("Respond to the consultation" in html) == (expected in ("Open", "Closing soon")), day
        assert ("We will open a new urgent treatment centre." in html) == (expected == "Outcome published"), day


# -- iCalendar and JSON-LD ---------------------------------------------------------------------------------


def _unfold(raw: bytes) -> list[str]:
    """The content lines of an iCalendar file, checked strictly: CRLF only, lines of at most 75 octets,
    continuation lines starting with one space."""
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    physical = raw[:-2].split(b"\r\n")
    assert all(len(line) <= 75 for line in physical), [line for line in physical if len(line) > 75]
    lines: list[str] = []
    for line in physical:
        if line.startswith(b" "):
            lines[-1] += line[1:].decode("utf-8")
        else:
            lines.append(line.decode("utf-8"))
    return lines


def _components(lines: list[str]) -> list[dict[str, list[str]]]:
    """Each VEVENT's properties by name (parameters cut off), checking BEGIN/END nest properly."""
    stack: list[str] = []
    events: list[dict[str, list[str]]] = []
    for line in lines:
        name, _, value = line.partition(":")
        assert re.fullmatch(r"[A-Z-]+(;[A-Z-]+=[^;:]+)*", name), line
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value, line
        elif stack and stack[-1] == "VEVENT":
            events[-1].setdefault(name.split(";")[0], []).append(line)
    assert stack == []
    return events


def _unescape(value: str) -> str:
    assert not re.search(r"(?<!\\)[;,]", value.replace("\\\\", "")), value  # TEXT escapes ; and ,
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_each_meeting_and_event_has_a_strict_rfc_5545_calendar_file_and_the_region_a_feed(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", PAGES)
    _build(root, "2026-01-10")
    folder = root / "build/alpha/calendar"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["event-drop-in-2026.ics", "meeting-2026-01-14-board-meeting-in-public.ics",
                     "meeting-2026-06-03-extraordinary-board-meeting.ics"]
    feed = _unfold((root / "build/alpha/calendar.ics").read_bytes())
    assert feed[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and any(line.startswith("PRODID:") for line in feed)
    assert "TZID:Europe/London" in feed and "BEGIN:VTIMEZONE" in feed
    events = _components(feed)
    assert len(events) == 3
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert len(event.get(required, [])) == 1, (required, event)
        assert re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", event["DTSTAMP"][0])
        assert re.fullmatch(r"DTSTART;TZID=Europe/London:\d{8}T\d{6}", event["DTSTART"][0])
    drop_in = next(e for e in events if "drop-in" in e["UID"][0])
    assert drop_in["UID"] == ["UID:alpha-event-drop-in-2026@test.example.org"]
    assert _unescape(drop_in["SUMMARY"][0].partition(":")[2]) == "Drop-in day; bring questions, and friends"
    assert drop_in["DTEND"] == ["DTEND;TZID=Europe/London:20260501T150000"]
    one = _components(_unfold((folder / "event-drop-in-2026.ics").read_bytes()))
    assert [e["UID"] for e in one] == [drop_in["UID"]]
    # the same source built on another day: the same UIDs, so calendars update rather than duplicate
    _build(root, "2026-02-10")
    again = _components(_unfold((root / "build/alpha/calendar.ics").read_bytes()))
    assert sorted(e["UID"][0] for e in again) == sorted(e["UID"][0] for e in events)


def test_upcoming_meetings_and_events_carry_schema_org_event_data(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", PAGES)
    _build(root, "2026-01-10")
    for rel, count in (("alpha/board/index.html", 2), ("alpha/events/index.html", 1)):
        html = (root / "build" / rel).read_text()
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        blocks = [block for block in blocks if '"Event"' in block]  # not the page's own (render/social.py)
        assert len(blocks) == 1, rel
        data = json.loads(blocks[0])
        items = data if isinstance(data, list) else [data]
        assert len(items) == count
        for item in items:
            assert item["@context"] == "https://schema.org" and item["@type"] == "Event"
            assert item["name"] and item["location"]
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+0[01]:00", item["startDate"])
    found = [block for block in re.findall(r'ld\+json">(.*?)</script>', (root / "build/alpha/board/index.html")
                                           .read_text(), re.S) if '"Event"' in block]
    assert found
    board = json.loads(found[0])
    assert board[0]["startDate"] == "2026-01-14T10:00:00+00:00"  # GMT in January
    assert board[1]["startDate"] == "2026-06-03T14:00:00+01:00"  # BST in June
    assert board[0]["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"


# -- valid, accessible, without JavaScript --------------------------------------------------------------


def test_list_pages_are_valid_html_and_need_no_javascript(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", PAGES)
    _build(root, "2026-01-10")
    pages = [root / "build/alpha" / name / "index.html" for name in ("board", "events", "have-your-say")]
    messages = run_vnu(pages)
    assert messages == [], format_vnu(messages)
    for page in pages:
        scripts = re.findall(r"<script\b([^>]*)>", page.read_text())
        assert all('type="application/ld+json"' in attrs for attrs in scripts), page


@pytest.mark.browser
def test_list_pages_pass_axe_and_a_past_meetings_papers_are_reached_by_keyboard(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    root = basic_site(tmp_path / "site", {**PAGES, "content/alpha/index.md": "---\ntitle: Welcome to Alpha\n---\n"
                                          "See [our board meetings](board.md).\n"})
    _build(root, "2026-06-10")
    with serve_static(root / "build") as base:
        context = browser.new_context(**DEFAULT_CONTEXT_OPTIONS)
        page = context.new_page()
        for rel in ("alpha/board/", "alpha/events/", "alpha/have-your-say/"):
            violations = run_axe(page, base + rel)
            assert violations == [], format_violations(violations)
        page.goto(base + "alpha/")
        for _ in range(60):  # Tab to the board meetings link and follow it with Enter
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent") == "our board meetings":
                break
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/alpha/board/"))
        for _ in range(120):  # then on to the January meeting's report
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent").startswith("Chief executive's report, January"):
                break
        assert page.evaluate("document.activeElement.getAttribute('href')") == "papers/2026-01-14-report.pdf"
        context.close()


def test_the_preview_updates_the_list_and_its_calendar_file_when_the_data_file_changes(tmp_path: Path) -> None:
    import datetime as dt

    from icsgen.build.pipeline import BuildOptions
    from icsgen.serve.incremental import Preview

    root = basic_site(tmp_path / "site", PAGES)
    preview = Preview(root, BuildOptions(drafts=True, jobs=1, today=dt.date(2026, 1, 8)), tmp_path / "preview")
    try:
        assert preview.build().problems == []
        data = root / "content/alpha/data/events.yaml"
        data.write_text(data.read_text().replace("title: Drop-in day", "title: Open day"))
        result = preview.rebuild([data])
        assert result.problems == []
        assert "alpha/events/" in result.rendered and "alpha/board/" not in result.rendered
        assert "Open day" in (preview.folder / "alpha/events/index.html").read_text()
        ics = (preview.folder / "alpha/calendar/event-drop-in-2026.ics").read_text()
        assert "SUMMARY:Open day\\; bring questions\\, and friends" in ics
    finally:
        preview.close()
