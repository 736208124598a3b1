"""Calendar files (iCalendar, RFC 5545) and schema.org `Event` data for meetings and events.

Each upcoming or past meeting and event gets `<region>/calendar/<kind>-<id>.ics`, and each region
that has any a feed, `<region>/calendar.ics`, that calendar programs can subscribe to. Times are
local to England (`TZID=Europe/London`, with its `VTIMEZONE`), so a meeting at 10am stays at 10am
across the change to and from British Summer Time. A record's `UID` is made from its region, type and
`id` (or its date and title), so a calendar that imported it once updates it rather than adding it
twice. `DTSTAMP` is the build's date, so the same source built for the same day gives the same files.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterable
from typing import Any

from icsgen.content import Record, Site, slugify

from .urls import Linker

KINDS = {"meetings": "meeting", "events": "event"}
PRODID = "-//icsgen//NHS integrated care system sites//EN"
VTIMEZONE = (
    "BEGIN:VTIMEZONE", "TZID:Europe/London",
    "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100", "TZNAME:BST", "DTSTART:19810329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
    "BEGIN:STANDARD", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "TZNAME:GMT", "DTSTART:19961027T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
    "END:VTIMEZONE",
)


def record_id(record: Record) -> str:
    """The record's `id`, or one made from its date and title."""
    return record.values.get("id") or slugify(f"{record.date.isoformat()}-{record.title}")


def file_path(region_id: str, record: Record) -> str:
    """The site path of one record's calendar file."""
    return f"{region_id}/calendar/{KINDS[record.kind]}-{record_id(record)}.ics"


def feed_path(region_id: str) -> str:
    return f"{region_id}/calendar.ics"


def _last_sunday(year: int, month: int) -> dt.date:
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


def london_offset(day: dt.date, moment: dt.time) -> str:
    """The UK's offset from UTC at a local time: +01:00 in British Summer Time (from 1am GMT on the
    last Sunday of March to 1am GMT on the last Sunday of October), else +00:00."""
    local = dt.datetime.combine(day, moment)
    starts = dt.datetime.combine(_last_sunday(day.year, 3), dt.time(1))
    ends = dt.datetime.combine(_last_sunday(day.year, 10), dt.time(2))  # 1am GMT is 2am BST
    return "+01:00" if starts <= local < ends else "+00:00"


def _iso(day: dt.date, moment: dt.time | None) -> str:
    if moment is None:
        return day.isoformat()
    return f"{day.isoformat()}T{moment:%H:%M}:00{london_offset(day, moment)}"


def _ends(record: Record) -> tuple[dt.date, dt.time | None] | None:
    last = record.values.get("end_date") or record.date
    if record.end is not None:
        return last, record.end
    if last != record.date:
        return last, None
    return None


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append("".join(current))
            current, size = [" "], 1  # a continuation line starts with one space
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def _local(day: dt.date, moment: dt.time | None) -> str:
    if moment is None:
        return f";VALUE=DATE:{day:%Y%m%d}"
    return f";TZID=Europe/London:{day:%Y%m%d}T{moment:%H%M}00"


def _event_lines(record: Record, region_id: str, host: str, stamp: dt.date, page_url: str) -> list[str]:
    lines = ["BEGIN:VEVENT",
             f"UID:{region_id}-{KINDS[record.kind]}-{record_id(record)}@{host}",
             f"DTSTAMP:{stamp:%Y%m%d}T000000Z",
             f"DTSTART{_local(record.date, record.start)}"]
    ends = _ends(record)
    if ends is not None:
        last, moment = ends
        if moment is None:  # to the end of its last day: midnight after it (a date-time, as DTSTART is)
            last, moment = last + dt.timedelta(days=1), dt.time(0)
        lines.append(f"DTEND{_local(last, moment)}")
    lines.append(f"SUMMARY:{escape(record.title)}")
    description = [record.values.get("summary") or "", record.values.get("attend") or "",
                   record.values.get("accessibility") or ""]
    if record.values.get("online"):
        description.append(f"Join online: {record.online}")
    text = "\n\n".join(part for part in description if part)
    if text:
        lines.append(f"DESCRIPTION:{escape(text)}")
    where = record.venue or ("Online" if record.online else "")
    if where:
        lines.append(f"LOCATION:{escape(where)}")
    if page_url:
        lines.append(f"URL:{page_url}")
    status = "CANCELLED" if record.status == "cancelled" else "TENTATIVE" if record.status else "CONFIRMED"
    lines.append(f"STATUS:{status}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(records: Iterable[tuple[Record, str]], region_id: str, host: str, stamp: dt.date,
                  name: str = "") -> str:
    """A VCALENDAR of `records` (each with the address of the page that lists it, or '')."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
        lines.append("X-WR-TIMEZONE:Europe/London")
    lines.extend(VTIMEZONE)
    for record, page_url in records:
        lines.extend(_event_lines(record, region_id, host, stamp, page_url))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def site_files(site: Site, linker: Linker, regions: Iterable[str]) -> dict[str, str]:
    """Every calendar file of `regions`: one per meeting and event, and each region's feed."""
    files: dict[str, str] = {}
    for region_id in regions:
        region = site.regions[region_id]
        records = sorted((r for kind in KINDS for r in region.records.get(kind, ())),
                         key=lambda r: (r.date, r.start, r.title))
        if not records:
            continue
        host = urllib.parse.urlsplit(linker.absolute(f"{region_id}/")).hostname or "icsgen.invalid"
        for record in records:
            files[file_path(region_id, record)] = calendar_text([(record, "")], region_id, host, site.today)
        files[feed_path(region_id)] = calendar_text([(r, "") for r in records], region_id, host, site.today,
                                                    f"{region.config.name}: meetings and events")
    return files


def site_files_paths(site: Site, regions: Iterable[str]) -> set[str]:
    """The site paths `site_files` writes, without making them (for the list of addresses a build writes)."""
    paths = set()
    for region_id in regions:
        records = [r for kind in KINDS for r in site.regions[region_id].records.get(kind, ())]
        paths.update(file_path(region_id, r) for r in records)
        if records:
            paths.add(feed_path(region_id))
    return paths


def json_ld(record: Record, owner: str) -> dict[str, Any]:
    """schema.org `Event` data for a meeting or event (name, startDate, location, and what else it has)."""
    online, venue = record.values.get("online") or "", record.values.get("venue") or ""
    places: list[dict[str, Any]] = []
    if venue:
        places.append({"@type": "Place", "name": venue, "address": venue})
    if online:
        places.append({"@type": "VirtualLocation", "url": online})
    mode = "Mixed" if venue and online else "Online" if online else "Offline"
    status = {"cancelled": "EventCancelled", "postponed": "EventPostponed"}.get(record.status, "EventScheduled")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": record.title,
        "startDate": _iso(record.date, record.start),
        "eventStatus": f"https://schema.org/{status}",
        "eventAttendanceMode": f"https://schema.org/{mode}EventAttendanceMode",
        "location": places[0] if len(places) == 1 else places,
    }
    ends = _ends(record)
    if ends is not None:
        data["endDate"] = _iso(*ends)
    if record.values.get("summary"):
        data["description"] = record.summary
    if owner:
        data["organizer"] = {"@type": "Organization", "name": owner}
    if record.values.get("booking"):
        data["offers"] = {"@type": "Offer", "url": record.booking, "price": "0", "priceCurrency": "GBP",
                          "availability": "https://schema.org/InStock"}
    return data
