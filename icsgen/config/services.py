"""Third-party services a region may use, and urgent notices: the settings and the facts about each provider.

`analytics:` (Google Analytics 4, Matomo, Plausible) and `toolbar:` (Recite Me, ReachDeck) load code from
another company's servers, so each provider here says exactly what the site then asks of the reader's
browser: the script to load, the hosts the Content-Security-Policy must allow, and the cookies it sets.
The cookie banner, the cookies page and the security headers are all made from these facts, so none of
them can disagree with the settings or go stale. `notices:` are dated messages shown on every page.

Site-wide values apply to every region; a region's own value replaces the site's (`analytics: none`
turns a site-wide one off for that region). Notices add up: the site's, then the region's.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icsgen.problems import Problems, closest

from . import schema as s
from .safe_yaml import LineDict

# The cookie that remembers a reader's choice: the only cookie the site itself sets, and only once the
# reader has chosen. Strictly necessary (it records a refusal too), so it needs no consent of its own.
CONSENT_COOKIE = "ics-consent"
CONSENT_DAYS = 365
OFF = "none"  # `analytics: none` / `toolbar: none`: a region opts out of a site-wide service


@dataclass(frozen=True)
class Cookie:
    """One cookie as the cookies page lists it."""

    name: str
    purpose: str
    expires: str
    provider: str


@dataclass(frozen=True)
class Provider:
    """What one service is and what it needs: `csp` maps a CSP directive to the sources it must allow."""

    name: str  # as readers know it: "Google Analytics"
    company: str  # who runs it, for the privacy page
    id_label: str  # what the id is called in the provider's own screens
    id_shape: re.Pattern[str] | None
    id_example: str
    privacy_url: str


@dataclass(frozen=True)
class Analytics:
    provider: str  # key of ANALYTICS
    id: str
    address: str  # the server's address (Matomo; Plausible when hosted elsewhere than plausible.io)
    line: int

    @property
    def facts(self) -> Provider:
        return ANALYTICS[self.provider]

    @property
    def name(self) -> str:
        return self.facts.name

    @property
    def script(self) -> str:
        """The address of the script the reader's browser loads once they accept."""
        if self.provider == "google-analytics":
            return f"https://www.googletagmanager.com/gtag/js?id={urllib.parse.quote(self.id)}"
        if self.provider == "matomo":
            return self.address + "matomo.js"
        return (self.address or "https://plausible.io/") + "js/script.js"

    @property
    def endpoint(self) -> str:
        """Where visits are counted (Matomo's tracker); '' when the script knows it."""
        return self.address + "matomo.php" if self.provider == "matomo" else ""

    @property
    def sets_cookies(self) -> bool:
        return bool(self.cookies)

    @property
    def cookies(self) -> tuple[Cookie, ...]:
        if self.provider == "google-analytics":
            stream = self.id.removeprefix("G-")
            return (
                Cookie("_ga", "Tells one visitor from another, so we can count how many people use the site",
                       "2 years", "Google Analytics"),
                Cookie(f"_ga_{stream}", "Remembers which pages you have seen during your visit", "2 years",
                       "Google Analytics"),
            )
        if self.provider == "matomo":
            return (
                Cookie(f"_pk_id.{self.id}.*", "Tells one visitor from another, so we can count how many people "
                       "use the site", "13 months", "Matomo"),
                Cookie(f"_pk_ses.{self.id}.*", "Groups the pages you see in one visit", "30 minutes", "Matomo"),
            )
        return ()  # Plausible counts visits without cookies

    @property
    def csp(self) -> dict[str, tuple[str, ...]]:
        if self.provider == "google-analytics":  # as Google documents for GA4
            tags = "https://*.googletagmanager.com"
            return {"script-src": (tags,),
                    "img-src": ("https://*.google-analytics.com", tags),
                    "connect-src": ("https://*.google-analytics.com", "https://*.analytics.google.com", tags)}
        origin = _origin(self.address or "https://plausible.io/")
        return {"script-src": (origin,), "connect-src": (origin,),
                **({"img-src": (origin,)} if self.provider == "matomo" else {})}


@dataclass(frozen=True)
class Toolbar:
    provider: str  # key of TOOLBARS
    key: str
    line: int

    @property
    def facts(self) -> Provider:
        return TOOLBARS[self.provider]

    @property
    def name(self) -> str:
        return self.facts.name

    @property
    def script(self) -> str:
        if self.provider == "recite-me":
            return f"https://api.reciteme.com/asset/js?key={urllib.parse.quote(self.key)}"
        return "https://www.browsealoud.com/plus/scripts/3.1.0/ba.js"

    @property
    def cookies(self) -> tuple[Cookie, ...]:
        if self.provider == "recite-me":
            return (Cookie("Recite.Persist", "Remembers that you turned the toolbar on, and your settings in it",
                           "1 year", "Recite Me"),)
        return (Cookie("_BrowseAloud", "Remembers that you turned the toolbar on, and your settings in it",
                       "1 year", "Texthelp (ReachDeck)"),)

    @property
    def csp(self) -> dict[str, tuple[str, ...]]:
        hosts = ("https://*.reciteme.com",) if self.provider == "recite-me" else \
            ("https://*.browsealoud.com", "https://*.texthelp.com")
        return {name: hosts for name in ("script-src", "style-src", "font-src", "img-src", "connect-src",
                                         "media-src")}


@dataclass(frozen=True)
class Notice:
    """An urgent notice: shown at the top of every page of its region from `start` to `end`, both included."""

    message: str
    severity: str  # one of SEVERITIES
    link: str  # an http(s) address, or a page of the region (`news/heat.md`); '' for none
    link_text: str
    start: dt.date
    end: dt.date
    path: Path  # regions.yaml, for messages about the notice
    line: int

    def shown_on(self, today: dt.date) -> bool:
        return self.start <= today <= self.end


ANALYTICS = {
    "google-analytics": Provider("Google Analytics", "Google", "measurement ID",
                                 re.compile(r"G-[A-Z0-9]{4,20}"), "G-A1B2C3D4E5",
                                 "https://policies.google.com/privacy"),
    "matomo": Provider("Matomo", "the organisation that runs the Matomo server", "site ID",
                       re.compile(r"[1-9][0-9]{0,8}"), "3", "https://matomo.org/privacy-policy/"),
    "plausible": Provider("Plausible Analytics", "Plausible Insights", "site domain",
                          re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}"), "leeds.example.org",
                          "https://plausible.io/privacy"),
}
TOOLBARS = {
    "recite-me": Provider("Recite Me", "Recite Me", "key", re.compile(r"[A-Za-z0-9]{8,64}"),
                          "a1b2c3d4e5f6a7b8c9d0", "https://reciteme.com/privacy-policy"),
    "reachdeck": Provider("ReachDeck", "Texthelp", "key", None, "", "https://www.texthelp.com/privacy-policy/"),
}
SEVERITIES = ("information", "warning", "urgent")

ANALYTICS_SCHEMA = s.Schema("analytics", (
    s.Field("provider", s.text, f"one of: {', '.join(ANALYTICS)}", True),
    s.Field("id", s.text, "the provider's id for this site, e.g. G-A1B2C3D4E5 for Google Analytics", True),
    s.Field("address", s.absolute_url, "the address of your own Matomo (or Plausible) server"),
))
TOOLBAR_SCHEMA = s.Schema("toolbar", (
    s.Field("provider", s.text, f"one of: {', '.join(TOOLBARS)}", True),
    s.Field("key", s.optional_text, "the key the provider gave you (Recite Me)", default=""),
))
NOTICE_SCHEMA = s.Schema("notice", (
    s.Field("message", s.text, "one or two sentences: what has happened and what to do", True),
    s.Field("severity", s.one_of(*SEVERITIES), f"one of: {', '.join(SEVERITIES)}", default="information"),
    s.Field("link", s.text, "an https:// address, or a page of the region such as news/heatwave.md"),
    s.Field("link_text", s.text, "the words of the link, saying where it goes"),
    s.Field("start", s.date, "the first day to show it, YYYY-MM-DD", True),
    s.Field("end", s.date, "the last day to show it, YYYY-MM-DD", True),
))

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def _origin(address: str) -> str:
    try:
        parts = urllib.parse.urlsplit(address)
    except ValueError:  # an unbalanced '[' in the host: reported where the address is checked
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _line(mapping: Any, key: str, default: int) -> int:
    return mapping.line_of(key) if isinstance(mapping, LineDict) else default


def _off(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == OFF)


def read_analytics(raw: Any, path: Path, line: int, problems: Problems) -> Analytics | str | None:
    """The `analytics:` setting: an Analytics, OFF (`analytics: none`), or None (not set, or wrong)."""
    if raw is None:
        return None
    if _off(raw):
        return OFF
    before = len(problems)
    values = ANALYTICS_SCHEMA.validate(raw, path, line, problems)
    provider, ident, address = values["provider"], values["id"], values["address"]
    if provider and provider not in ANALYTICS:
        meant = closest(provider, ANALYTICS)
        problems.add(path, _line(raw, "provider", line), f"unknown analytics provider '{provider}'",
                     f"did you mean '{meant}'?" if meant else f"use one of: {', '.join(ANALYTICS)}")
        return None
    if not provider or not ident:
        return None
    facts = ANALYTICS[provider]
    if facts.id_shape is not None and not facts.id_shape.fullmatch(ident):
        problems.add(path, _line(raw, "id", line), f"'{ident}' is not a {facts.name} {facts.id_label}",
                     f"it looks like {facts.id_example}")
    if provider == "matomo" and "address" not in raw:  # one given but wrong is reported by the schema, once
        problems.add(path, line, "Matomo needs the 'address' of your Matomo server",
                     "for example address: https://analytics.example.org/")
    if provider == "google-analytics" and address:
        problems.add(path, _line(raw, "address", line), "Google Analytics has no 'address'",
                     "delete the line: the measurement ID is all it needs")
    if address and not address.startswith("https://"):
        problems.add(path, _line(raw, "address", line), f"the analytics 'address' must start https://, not {address!r}",
                     "a page served over https cannot load a script over http")
    if len(problems) > before:
        return None
    return Analytics(provider, ident, address or "", line)


def read_toolbar(raw: Any, path: Path, line: int, problems: Problems) -> Toolbar | str | None:
    """The `toolbar:` setting: a Toolbar, OFF (`toolbar: none`), or None (not set, or wrong)."""
    if raw is None:
        return None
    if _off(raw):
        return OFF
    before = len(problems)
    values = TOOLBAR_SCHEMA.validate(raw, path, line, problems)
    provider, key = values["provider"], values["key"]
    if provider and provider not in TOOLBARS:
        meant = closest(provider, TOOLBARS)
        problems.add(path, _line(raw, "provider", line), f"unknown toolbar provider '{provider}'",
                     f"did you mean '{meant}'?" if meant else f"use one of: {', '.join(TOOLBARS)}")
        return None
    if not provider:
        return None
    facts = TOOLBARS[provider]
    if facts.id_shape is not None:
        if not key:
            problems.add(path, line, f"{facts.name} needs the 'key' it gave you",
                         f"for example key: {facts.id_example}")
        elif not facts.id_shape.fullmatch(key):
            problems.add(path, _line(raw, "key", line), f"'{key}' is not a {facts.name} key",
                         "it is 8 to 64 letters and digits, as in the code Recite Me sent you")
    if len(problems) > before:
        return None
    return Toolbar(provider, key, line)


def read_notices(raw: Any, path: Path, line: int, problems: Problems) -> tuple[Notice, ...]:
    """The `notices:` setting: a list of notices, each checked with its line."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(path, line, "'notices' must be a list: start each notice with '- message:'")
        return ()
    notices = []
    for item in raw:
        item_line = item.line if isinstance(item, LineDict) else line
        before = len(problems)
        values = NOTICE_SCHEMA.validate(item, path, item_line, problems)
        link, link_text = values["link"] or "", values["link_text"] or ""
        if link:
            scheme = _SCHEME.match(link)
            if scheme and scheme.group(1).lower() not in ("http", "https", "mailto", "tel"):
                problems.add(path, _line(item, "link", item_line),
                             f"a notice's link cannot be a '{scheme.group(1).lower()}:' address",
                             "use an https:// address or a page of the region, such as news/heatwave.md")
            if not link_text:
                problems.add(path, item_line, "a notice with a 'link' needs 'link_text'",
                             "the words of the link, such as: Read the heat-health advice")
        elif link_text:
            problems.add(path, _line(item, "link_text", item_line), "a notice has 'link_text' but no 'link'",
                         "add the link, or delete link_text")
        start, end = values["start"], values["end"]
        if start and end and end < start:
            problems.add(path, _line(item, "end", item_line),
                         f"the notice ends ({end.isoformat()}) before it starts ({start.isoformat()})",
                         "swap the dates, or correct the one that is wrong")
        if len(problems) == before:
            notices.append(Notice(values["message"], values["severity"], link, link_text, start, end,
                                  path, item_line))
    return tuple(notices)


def analytics_cookies(analytics: Analytics | None, toolbar: Toolbar | None, owner: str) -> tuple[Cookie, ...]:
    """Every cookie a region's pages can set, in the order the cookies page lists them."""
    if analytics is None and toolbar is None:
        return ()
    own = Cookie(CONSENT_COOKIE, "Remembers whether you accepted or rejected optional cookies (and the "
                 "accessibility toolbar), so we do not ask again", "1 year", owner or "this website")
    return (own, *(analytics.cookies if analytics else ()), *(toolbar.cookies if toolbar else ()))
