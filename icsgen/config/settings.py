"""Reading and validating `regions.yaml` into frozen settings.

Everything about a site that is not content lives here: the site's title and address, and for each
region its name, theme, colours, owner, contacts and navigation. Unknown keys are errors so that a
typo (`colur:`) is caught rather than quietly ignored.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from icsgen.config import schema as s
from icsgen.config import services
from icsgen.files import link_problem, link_state
from icsgen.problems import Problems, read_file

from .safe_yaml import LineDict, YamlError, decode, load_yaml

CONFIG_FILE = "regions.yaml"
REGION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_IDS = {"assets", "_shared"}

SITE_SCHEMA = s.Schema(
    "site settings",
    (
        s.Field("title", s.text, "the name of the whole site, shown on the hub page", True),
        s.Field("base_url", s.absolute_url, "where the site is published, e.g. https://example.org/", True),
        s.Field("language", s.language_tag, "the language tag of the content, e.g. en-GB", default="en-GB"),
        s.Field("theme", s.slug, "the theme folder under themes/", default="nhs"),
        s.Field("description", s.optional_text, "one sentence about the site", default=""),
        s.Field("news_per_page", s.number_up_to(1000), "news items on each listing page", default=10),
        s.Field("pretty_links", s.boolean, "links end in '/' rather than '/index.html'", default=False),
        s.Field("analytics", lambda v: v, "a provider and id for measuring visits, with the reader's consent"),
        s.Field("toolbar", lambda v: v, "an accessibility toolbar (Recite Me, ReachDeck) and its key"),
        s.Field("notices", lambda v: v, "urgent notices: message, severity, link, start and end dates"),
        s.Field("extra", s.mapping, "free-form values for templates", default={}),
    ),
)

CONTACT_SCHEMA = s.Schema(
    "contact",
    (
        s.Field("email", s.email, "the public enquiries email address", default=""),
        s.Field("phone", s.phone, "the public enquiries phone number", default=""),
        s.Field("address", s.optional_text, "the postal address", default=""),
    ),
)

NAV_SCHEMA = s.Schema(
    "navigation item",
    (
        s.Field("title", s.text, "the link text", True),
        s.Field("page", s.text, "a page of this region, e.g. about/index.md or news/", True),
    ),
)

ACCESSIBILITY_SCHEMA = s.Schema(
    "accessibility",
    (
        s.Field(
            "status",
            s.one_of("fully compliant", "partially compliant", "not compliant"),
            "how far the site meets WCAG 2.2 AA",
            default="partially compliant",
        ),
        s.Field("prepared", s.date, "when the statement was first prepared"),
        s.Field("reviewed", s.date, "when the statement was last reviewed"),
        s.Field("known_issues", s.text_list, "content that is not yet accessible", default=()),
        s.Field("response_days", s.number_up_to(365), "working days to reply to a report", default=5),
    ),
)

# Documents (PDF, Word...): who to ask for one in another format (the accessibility regulations ask for a
# way to request an accessible format), and the size `icsgen check` warns over
ACCESSIBLE_FORMATS_SCHEMA = s.Schema(
    "accessible formats",
    (
        s.Field("email", s.email, "where to ask for a document in another format (default: contact email)",
                default=""),
        s.Field("phone", s.phone, "a number to call for a document in another format (default: contact phone)",
                default=""),
    ),
)

DOCUMENTS_SCHEMA = s.Schema(
    "documents",
    (
        s.Field("accessible_formats", s.mapping, "how to ask for a document in another format: email, phone",
                default={}),
        s.Field("size_limit_mb", s.number_up_to(10_000), "icsgen check warns about a document bigger than this",
                default=10),
    ),
)

CHECK_SCHEMA = s.Schema(
    "check settings",
    (
        s.Field("reading_grade", s.number_up_to(30), "target Flesch-Kincaid grade", default=9),
        s.Field("review_months", s.number_up_to(1200), "months before a page needs review", default=12),
        s.Field("abbreviations", s.mapping, "abbreviation: what it stands for", default={}),
        s.Field("max_sentence_words", s.number_up_to(1000), "longest sentence before a warning", default=30),
        s.Field("max_paragraph_words", s.number_up_to(10_000), "longest paragraph before a warning",
                default=120),
        s.Field("required", s.mapping, "section: list of front matter fields it requires", default={}),
        s.Field("previews", s.boolean, "warn about pages with no summary and no share image", default=True),
    ),
)

REGION_SCHEMA = s.Schema(
    "region settings",
    (
        s.Field("name", s.text, "the region's full name", True),
        s.Field("short_name", s.optional_text, "a short name for tight spaces", default=""),
        s.Field("description", s.optional_text, "one sentence for the hub page", default=""),
        s.Field("base_url", s.absolute_url, "the region's own domain, if it has one"),
        s.Field("part_of", s.optional_text, "the larger system this region belongs to", default=""),
        s.Field("theme", s.slug, "a theme for this region only"),
        s.Field("colour", s.colour, "accent colour #rrggbb with 4.5:1 contrast on white"),
        s.Field("logo_text", s.optional_text, "text in the header logo", default=""),
        s.Field("owner", s.optional_text, "the organisation named in the footer", default=""),
        s.Field("contact", s.mapping, "email, phone and address", default={}),
        s.Field("nav", lambda v: v, "the main navigation: a list of title and page", default=[]),
        s.Field("accessibility", s.mapping, "facts for the accessibility statement", default={}),
        s.Field("check", s.mapping, "settings for icsgen check", default={}),
        s.Field("analytics", lambda v: v, "a provider and id for measuring visits, with the reader's consent"),
        s.Field("toolbar", lambda v: v, "an accessibility toolbar (Recite Me, ReachDeck) and its key"),
        s.Field("notices", lambda v: v, "urgent notices: message, severity, link, start and end dates"),
        s.Field("documents", s.mapping, "documents: who to ask for other formats, size limit", default={}),
        s.Field("redirects", s.mapping, "old address: where it goes now (a page of the region or an https:// "
                "address), for old addresses no page owns", default={}),
        s.Field("image", s.optional_text, "the picture shown when a page without its own is shared (a file of "
                "the region's content folder)", default=""),
        s.Field("image_alt", s.optional_text, "what the region's share picture shows", default=""),
        s.Field("extra", s.mapping, "free-form values for templates", default={}),
    ),
)

TOP_SCHEMA = s.Schema(
    CONFIG_FILE,
    (
        s.Field("site", s.mapping, "settings for the whole site", True),
        s.Field("regions", s.mapping, "a mapping of region id to region settings", True),
    ),
)


def freeze(value: Any) -> Any:
    """Read-only copies of nested mappings and lists, so templates cannot change settings."""
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class NavItem:
    title: str
    page: str  # as written: a path of the region's content, resolved by the content stage
    line: int


@dataclass(frozen=True)
class RedirectRule:
    """One line of a region's `redirects:`: an old address and where it goes, both as written."""

    source: str
    target: str
    line: int


@dataclass(frozen=True)
class Contact:
    email: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Accessibility:
    status: str = "partially compliant"
    prepared: dt.date | None = None
    reviewed: dt.date | None = None
    known_issues: tuple[str, ...] = ()
    response_days: int = 5


@dataclass(frozen=True)
class DocumentSettings:
    """Where readers ask for a document in another format (the region's contact details unless given),
    and the size over which `icsgen check` warns about a document."""

    accessible_formats: Contact = Contact()
    size_limit_mb: int = 10


@dataclass(frozen=True)
class CheckSettings:
    reading_grade: int = 9
    review_months: int = 12
    abbreviations: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    max_sentence_words: int = 30
    max_paragraph_words: int = 120
    required: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    previews: bool = True  # warn about what link previews lack (no summary, no share image); `false` turns it off


@dataclass(frozen=True)
class RegionConfig:
    id: str
    name: str
    short_name: str
    description: str
    base_url: str | None
    part_of: str
    theme: str
    colour: str | None
    logo_text: str
    owner: str
    contact: Contact
    nav: tuple[NavItem, ...]
    accessibility: Accessibility
    check: CheckSettings
    extra: MappingProxyType
    line: int  # where the region starts in regions.yaml
    # third-party services (the region's own, else the site's) and notices (the site's, then the region's)
    analytics: services.Analytics | None = None
    toolbar: services.Toolbar | None = None
    notices: tuple[services.Notice, ...] = ()
    documents: DocumentSettings = DocumentSettings()  # who to ask for other formats; size limit

    @property
    def cookies(self) -> tuple[services.Cookie, ...]:
        """Every cookie this region's pages can set: what its cookies page lists."""
        return services.analytics_cookies(self.analytics, self.toolbar, self.owner)
    redirects: tuple[RedirectRule, ...] = ()
    image: str = ""
    image_alt: str = ""


@dataclass(frozen=True)
class SiteConfig:
    title: str
    base_url: str
    language: str
    theme: str
    description: str
    news_per_page: int
    pretty_links: bool
    extra: MappingProxyType
    regions: tuple[RegionConfig, ...]
    path: Path
    notices: tuple[services.Notice, ...] = ()  # for every region

    def region(self, region_id: str) -> RegionConfig | None:
        return next((r for r in self.regions if r.id == region_id), None)


def load_config(root: Path, problems: Problems) -> SiteConfig | None:
    """Read `regions.yaml`; return None (with problems recorded) when it cannot be used at all."""
    path = root / CONFIG_FILE
    project = os.path.realpath(root)
    if path.is_symlink() and link_state(path, project) != "inside":  # nothing outside the project is read
        problems.add(path, 0, *link_problem(path, project))
        return None
    try:
        raw = load_yaml(decode(read_file(path)))
    except FileNotFoundError:
        problems.add(path, 0, f"{CONFIG_FILE} not found", "run icsgen from the project folder or pass --root; "
                     "to start a new site, run: icsgen init FOLDER")
        return None
    except OSError as exc:  # a folder of that name, a pipe, no permission: said plainly, never waited on
        problems.add_os_error(path, exc)
        return None
    except YamlError as exc:
        problems.add(path, exc.line, exc.message, exc.hint)
        return None
    top = TOP_SCHEMA.validate(raw, path, 1, problems)
    site = SITE_SCHEMA.validate(top["site"], path, _line(raw, "site"), problems)
    shared = _services(top["site"], site, path, _line(raw, "site"), problems)
    regions_raw = top["regions"] or {}
    regions = []
    for region_id, settings in regions_raw.items():
        line = _line(regions_raw, region_id)
        if not isinstance(region_id, str) or not REGION_ID.match(region_id):
            problems.add(
                path, line, f"region id '{region_id}' must use lower-case letters, digits and hyphens"
            )
            continue
        if region_id in RESERVED_IDS:
            problems.add(path, line, f"region id '{region_id}' is reserved; choose another")
            continue
        regions.append(_region(region_id, settings, site["theme"], path, line, problems, shared))
    if not regions and site.get("title"):
        problems.add(path, _line(raw, "regions"), "no regions defined", "add at least one under 'regions:'")
    return SiteConfig(
        title=site["title"] or "",
        base_url=site["base_url"] or "https://example.org/",
        language=site["language"],
        theme=site["theme"],
        description=site["description"],
        news_per_page=site["news_per_page"],
        pretty_links=site["pretty_links"],
        extra=freeze(site["extra"]),
        regions=tuple(regions),
        path=path,
        notices=shared[2],
    )


def _line(mapping: Any, key: str) -> int:
    return mapping.line_of(key) if isinstance(mapping, LineDict) else 1


Services = tuple[Any, Any, tuple[services.Notice, ...]]


def _services(raw: Any, values: dict[str, Any], path: Path, line: int, problems: Problems) -> Services:
    """`analytics`, `toolbar` and `notices` of a site or region, each checked where it is written."""
    def at(key: str) -> int:
        return raw.line_of(key) if isinstance(raw, LineDict) else line

    return (
        services.read_analytics(values["analytics"], path, at("analytics"), problems),
        services.read_toolbar(values["toolbar"], path, at("toolbar"), problems),
        services.read_notices(values["notices"], path, at("notices"), problems),
    )


def _region(
    region_id: str, raw: Any, site_theme: str, path: Path, line: int, problems: Problems, shared: Services
) -> RegionConfig:
    r = REGION_SCHEMA.validate(raw, path, line, problems)
    analytics, toolbar, notices = _services(raw, r, path, line, problems)
    analytics = shared[0] if analytics is None else analytics  # the region's own, else the site's
    toolbar = shared[1] if toolbar is None else toolbar
    contact = CONTACT_SCHEMA.validate(r["contact"], path, _line(raw, "contact"), problems)
    access = ACCESSIBILITY_SCHEMA.validate(r["accessibility"], path, _line(raw, "accessibility"), problems)
    check = CHECK_SCHEMA.validate(r["check"], path, _line(raw, "check"), problems)
    documents = DOCUMENTS_SCHEMA.validate(r["documents"], path, _line(raw, "documents"), problems)
    formats_raw = documents["accessible_formats"]
    formats = ACCESSIBLE_FORMATS_SCHEMA.validate(formats_raw, path, _line(r["documents"], "accessible_formats"),
                                                 problems)
    nav = []
    nav_raw = r["nav"] or []
    if not isinstance(nav_raw, list):
        problems.add(path, _line(raw, "nav"), "'nav' must be a list of items with title and page")
        nav_raw = []
    for item in nav_raw:
        item_line = item.line if isinstance(item, LineDict) else _line(raw, "nav")
        values = NAV_SCHEMA.validate(item, path, item_line, problems)
        if values["title"] and values["page"]:
            nav.append(NavItem(values["title"], values["page"], item_line))
    return RegionConfig(
        id=region_id,
        name=r["name"] or region_id,
        short_name=r["short_name"] or r["name"] or region_id,
        description=r["description"],
        base_url=r["base_url"],
        part_of=r["part_of"],
        theme=r["theme"] or site_theme,
        colour=r["colour"],
        logo_text=r["logo_text"],
        owner=r["owner"],
        contact=Contact(**contact),
        nav=tuple(nav),
        accessibility=Accessibility(**access),
        check=CheckSettings(
            reading_grade=check["reading_grade"],
            review_months=check["review_months"],
            abbreviations=freeze({str(k): str(v) for k, v in check["abbreviations"].items()}),
            max_sentence_words=check["max_sentence_words"],
            max_paragraph_words=check["max_paragraph_words"],
            required=freeze(check["required"]),
            previews=check["previews"],
        ),
        extra=freeze(r["extra"]),
        line=line,
        analytics=None if analytics == services.OFF else analytics,
        toolbar=None if toolbar == services.OFF else toolbar,
        notices=(*shared[2], *notices),
        documents=DocumentSettings(
            accessible_formats=Contact(email=formats["email"] or contact["email"] or "",
                                       phone=formats["phone"] or contact["phone"] or ""),
            size_limit_mb=documents["size_limit_mb"],
        ),
        redirects=_redirect_rules(r["redirects"], path, _line(raw, "redirects"), problems),
        image=r["image"],
        image_alt=r["image_alt"],
    )


def _redirect_rules(raw: Any, path: Path, line: int, problems: Problems) -> tuple[RedirectRule, ...]:
    """The `redirects:` mapping as rules with their lines; whether each address exists is the content
    stage's question (content/redirects.py)."""
    rules = []
    for source, target in (raw or {}).items():
        where = _line(raw, source) if isinstance(source, str) else line
        try:
            rules.append(RedirectRule(s.text(source), s.text(target), where))
        except ValueError as exc:
            problems.add(path, where, f"redirect '{source}: {target}': the old address and the new one {exc}",
                         "write one line per old address, e.g. /old-ccg/about-us/: about/index.md")
    return tuple(rules)
