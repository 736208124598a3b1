"""A region's publications library: `data/publications.yaml`, one record per document, checked like
front matter (every mistake with its line, all of them in one run).

```yaml
- title: Annual report and accounts 2025 to 2026
  file: publications/annual-report-2025-26.pdf   # a document of the region (from its folder), or
  # url: https://www.example.org/report.pdf     # one published elsewhere
  date: 2026-07-01
  category: Annual reports
  class: priorities        # the FOI publication scheme class (see SCHEME_CLASSES)
  summary: How we spent our budget and what we achieved.
```

The records feed the library's pages (render/publications.py: by category and by year) and the
Freedom of Information publication scheme, which lists what the region publishes in each of the
seven classes of the Information Commissioner's model publication scheme.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from icsgen.config import YamlError, decode, load_yaml
from icsgen.config import schema as s
from icsgen.problems import Problems, closest, read_file

from .documents import is_document
from .model import Page, Site, slugify

DATA_NAME = "publications"  # data/publications.yaml
LIBRARY = "publications"  # the template of a library page (render/publications.py makes its view)

# The Information Commissioner's model publication scheme: each class's id (what an editor writes),
# its name, and what it covers, in the ICO's own order and words (shortened).
SCHEME_CLASSES: dict[str, tuple[str, str]] = {
    "who-we-are": ("Who we are and what we do",
                   "Organisational information, locations and contacts, constitutional and legal governance."),
    "spending": ("What we spend and how we spend it",
                 "Financial information relating to projected and actual income and expenditure, tendering, "
                 "procurement and contracts."),
    "priorities": ("What our priorities are and how we are doing",
                   "Strategy and performance information, plans, assessments, inspections and reviews."),
    "decisions": ("How we make decisions",
                  "Policy proposals and decisions. Decision making processes, internal criteria and procedures, "
                  "consultations."),
    "policies": ("Our policies and procedures",
                 "Current written protocols for delivering our functions and responsibilities."),
    "lists": ("Lists and registers",
              "Information held in registers required by law and other lists and registers relating to the "
              "functions of the authority."),
    "services": ("The services we offer",
                 "Advice and guidance, booklets and leaflets, transactions and media releases. A description "
                 "of the services offered."),
}


def scheme_class(value: Any) -> str:
    """One of the seven classes, by its id (or its full name, in any case)."""
    text = s.text(value).lower()
    if text in SCHEME_CLASSES:
        return text
    for key, (name, _) in SCHEME_CLASSES.items():
        if text == name.lower():
            return key
    meant = closest(text, SCHEME_CLASSES)
    raise ValueError(f"must be one of {', '.join(SCHEME_CLASSES)}" + (f" (did you mean '{meant}'?)" if meant else ""))


def web_address(value: Any) -> str:
    """An http(s) address as written (the data file's own check refuses other schemes: see addresses.py)."""
    text = s.text(value)
    if not text.lower().startswith(("https://", "http://")) or any(ch.isspace() for ch in text):
        raise ValueError("must be a web address starting https://, with no spaces")
    return text


RECORD_SCHEMA = s.Schema(
    "publication",
    (
        s.Field("title", s.text, "what the document is called", True),
        s.Field("date", s.date, "when it was published, YYYY-MM-DD", True),
        s.Field("category", s.text, "the library's group for it, e.g. Annual reports", True),
        s.Field("class", scheme_class, f"its publication scheme class: {', '.join(SCHEME_CLASSES)}", True),
        s.Field("file", s.text, "a document of the region, from its folder: publications/report.pdf"),
        s.Field("url", web_address, "the address of a document or page published elsewhere"),
        s.Field("summary", s.optional_text, "a sentence about it", default=""),
    ),
)


@dataclass(frozen=True)
class Publication:
    """One document in a region's library."""

    title: str
    date: dt.date
    category: str
    scheme_class: str  # a key of SCHEME_CLASSES
    file: str  # the document's content path ('leeds/publications/report.pdf'), or ''
    url: str  # an address elsewhere, or ''
    summary: str
    line: int  # where its record starts in data/publications.yaml


def load_publications(regions: Any, statics: Any, chosen: tuple[str, ...],
                      problems: Problems) -> MappingProxyType:
    """Each chosen region's publications (region id -> records, newest first), from its data file, with
    every mistake reported at its line. Regions without the file have none."""
    found: dict[str, tuple[Publication, ...]] = {}
    for region_id in chosen:
        region = regions[region_id]
        path = region.data_files.get(DATA_NAME)
        if path is None:
            continue
        records = _read(Path(path), region_id, statics, problems)
        found[region_id] = tuple(sorted(records, key=lambda p: (p.date, p.title.lower()), reverse=True))
    return MappingProxyType(found)


def _read(path: Path, region_id: str, statics: Any, problems: Problems) -> list[Publication]:
    try:
        raw = load_yaml(decode(read_file(path)))
    except (YamlError, OSError):
        return []  # reported when the region's data was read
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(path, getattr(raw, "line", 1), "publications.yaml must be a list of publications, each "
                     "starting with '- title:'", "see 'Publications' in the editors' guide")
        return []
    out = []
    for item in raw:
        line = getattr(item, "line", 1)
        values = RECORD_SCHEMA.validate(item, path, line, problems)
        if not isinstance(item, dict):
            continue
        file_key = ""
        if values["file"] and values["url"]:
            problems.add(path, item.line_of("url"), "a publication has either 'file' or 'url', not both",
                         "keep 'file' for a document of this site")
            continue
        if values["file"]:  # checked whatever else is wrong: every mistake in one run
            file_key = _document_key(values["file"], region_id, statics, path, item.line_of("file"), problems)
            if not file_key:
                continue
        elif not values["url"] and "file" not in item and "url" not in item:
            problems.add(path, line, f"the publication '{values['title'] or ''}' has no 'file' or 'url'",
                         "give the document's path in the region's folder: file: publications/report.pdf")
            continue
        if not all(values[k] for k in ("title", "date", "category", "class")) or not (file_key or values["url"]):
            continue  # reported by the schema
        out.append(Publication(values["title"], values["date"], values["category"], values["class"], file_key,
                               values["url"] or "", values["summary"], line))
    return out


def _document_key(written: str, region_id: str, statics: Any, path: Path, line: int, problems: Problems) -> str:
    """The content path of the document `written` names (from the region's folder, or from content/ with
    a leading '/'), or '' with the problem reported."""
    key = posixpath.normpath(written.lstrip("/") if written.startswith("/") else f"{region_id}/{written}")
    if key in statics and is_document(key):
        return key
    if key in statics:
        problems.add(path, line, f"'{written}' is not a document (PDF, Word, Excel, PowerPoint, OpenDocument or CSV)",
                     "the library lists documents; link other files from a page")
        return ""
    names = [k.split("/", 1)[1] for k in statics if k.startswith(f"{region_id}/") and is_document(k)]
    meant = closest(written.lstrip("/"), names)
    problems.add(path, line, f"no document '{written}' in content/{region_id}/",
                 f"did you mean '{meant}'?" if meant else f"put the file in content/{region_id}/ and give its path "
                 "from there, e.g. publications/report.pdf")
    return ""


def libraries(site: Site) -> list[Page]:
    """The library pages (`template: publications`) of the chosen regions that have publications.

    A page's region is looked at before its front matter: a page restored from the page store decodes its
    front matter when first asked (cache/pages.py), and a site or region without publications asks none."""
    chosen = site.publications
    return [page for page in site.pages.values()
            if page.region in chosen and page.region in site.chosen and page.meta.template == LIBRARY]


def sub_addresses(library: Page, records: tuple[Publication, ...]) -> list[tuple[str, str, int]]:
    """The addresses of a library's category and year pages, as (address, category, 0) for each category
    (alphabetical) and (address, '', year) for each year (newest first). The one list the build plans
    pages from and the checks below check, so both agree on where the pages go."""
    out = [(f"{library.url}{slugify(category)}/", category, 0)
           for category in sorted({r.category for r in records}, key=str.lower)]
    out += [(f"{library.url}{year}/", "", year) for year in sorted({r.date.year for r in records}, reverse=True)]
    return out


def library_addresses(site: Site) -> dict[str, str]:
    """What the build writes at each library's category and year pages, by address (for old addresses)."""
    return {url: f"the library's page of {f'the category {category!r}' if category else year}"
            for library in libraries(site)
            for url, category, year in sub_addresses(library, site.publications[library.region])}


def check_libraries(site: Site, problems: Problems) -> None:
    """A library's category or year page whose address is a page's, a folder's or a file's, or another
    category's or year's, is an error at the first record that makes it.

    The pages are written by the build, not by an editor: without this, the last written won, silently
    (a category page in place of the editor's page of the same name; a category '2025' and the year page
    of 2025 at one address; 'Board papers' and 'Board Papers!' at one address)."""
    for library in libraries(site):
        records = site.publications[library.region]
        path = Path(site.regions[library.region].data_files[DATA_NAME])
        first: dict[str, Publication] = {}
        for record in sorted(records, key=lambda r: r.line):
            first.setdefault(record.category, record)
            first.setdefault(str(record.date.year), record)
        taken: dict[str, tuple[str, int]] = {}  # address -> the category (or '') and line that has it
        for url, category, year in sorted(sub_addresses(library, records), key=lambda a: first[a[1] or str(a[2])].line):
            line = first[category or str(year)].line
            what = f"the category '{category}'" if category else f"the library's page of {year}"
            owner = site.by_url.get(url)
            if owner is not None:
                problems.add(path, line, f"{what} would be published at /{url}, the address of '{owner.rstrip('/')}'",
                             "give the category another name, or move that page" if category else
                             "move that page: the library lists each year's publications there")
            elif url in taken:
                other, at = taken[url]
                if category and other:
                    problems.add(path, line, f"the categories '{category}' and '{other}' (line {at}) would both be "
                                 f"published at /{url}", "write the category the same way in every record")
                else:  # a category named like a year: reported at the category's record
                    problems.add(path, line if category else at, f"the category '{category or other}' would be "
                                 f"published at /{url}, where the library lists what was published in "
                                 f"{url.rstrip('/').rsplit('/', 1)[-1]}", "give the category a name that is not a year")
            else:
                taken[url] = (category, line)
