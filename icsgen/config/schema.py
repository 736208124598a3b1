"""Typed, documented field lists for YAML mappings: `regions.yaml` and page front matter.

One schema serves three jobs: validating what an editor wrote (every problem with its line, unknown
keys with a 'did you mean' hint), filling in defaults, and documenting the fields (`icsgen check` and
the guide describe fields from the same list).
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from icsgen.problems import Problems, closest

from .safe_yaml import LineDict

Checker = Callable[[Any], Any]  # returns the cleaned value or raises ValueError with a message


@dataclass(frozen=True)
class Field:
    name: str
    check: Checker
    doc: str
    required: bool = False
    default: Any = None


@dataclass(frozen=True)
class Schema:
    name: str  # e.g. "front matter", "region settings": used in messages
    fields: tuple[Field, ...]
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    def validate(self, data: Any, path: Path, line: int, problems: Problems) -> dict[str, Any]:
        """Return the cleaned values (defaults filled in); record every problem found."""
        if data is None:
            data = LineDict()
            data.lines, data.line = {}, line
        if not isinstance(data, dict):
            problems.add(path, line, f"{self.name} must be a mapping of 'key: value' lines")
            return {f.name: f.default for f in self.fields}
        lines = getattr(data, "lines", {})
        result: dict[str, Any] = {}
        misspelt: set[str] = set()  # fields an unknown key is most likely meant to be
        for key, value in data.items():
            key_line = lines.get(key, line)
            spec = self.by_name.get(key) if isinstance(key, str) else None
            if spec is None:
                meant = closest(str(key), self.by_name)
                hint = f"did you mean '{meant}'?" if meant else "put free-form values under 'extra:'" \
                    if "extra" in self.by_name else f"the keys are: {', '.join(self.by_name)}"
                problems.add(path, key_line, f"unknown key '{key}' in {self.name}", hint)
                if meant is not None:
                    misspelt.add(meant)
                continue
            try:
                result[key] = spec.check(value)
            except ValueError as exc:
                problems.add(path, key_line, f"'{key}' {exc}")
        for spec in self.fields:
            if spec.name not in result:
                if spec.required and spec.name not in data and spec.name not in misspelt:  # one mistake, one message
                    problems.add(path, line, f"'{spec.name}' is required in {self.name}", spec.doc)
                result.setdefault(spec.name, spec.default)
        return result


# Checkers: each returns a clean value or raises ValueError saying what was expected.


# Characters no text may hold: C0 and C1 controls other than tab and line breaks, DEL, lone
# surrogates (from YAML escapes such as "\ud800": they cannot even be written as UTF-8) and the
# non-characters U+FFFE and U+FFFF. None can be shown, and XML (feeds, sitemaps) forbids most of them.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def text(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise ValueError("must be text")
    out = str(value).strip()
    if not out:
        raise ValueError("must not be empty")
    unshowable = _UNSHOWABLE.search(out)
    if unshowable:
        raise ValueError(f"contains a control character (U+{ord(unshowable[0]):04X}) that cannot be shown: delete it "
                         "(often pasted in with copied text, or written as an escape such as \\v in double quotes)")
    return out


def optional_text(value: Any) -> str:
    return "" if value is None else text(value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    if abs(value) > 1_000_000:  # an order, not a quantity: anything bigger is a mistake (and slows sorting)
        raise ValueError("must be a whole number between -1,000,000 and 1,000,000")
    return value


def positive_number(value: Any) -> int:
    number = whole_number(value)
    if number < 1:
        raise ValueError("must be 1 or more")
    return number


def number_up_to(most: int) -> Checker:
    """A whole number from 1 to `most`: a count or a limit with a sensible largest value."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
            raise ValueError(f"must be a whole number from 1 to {most:,}")
        return value

    return check


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"must be a date written as YYYY-MM-DD, not {value!r}")


def text_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (text(value),)
    if not isinstance(value, list):
        raise ValueError("must be a list")
    return tuple(text(v) for v in value)


def mapping(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("must be a mapping of 'key: value' lines")
    return value  # kept as loaded, so nested values still know their lines


_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?")
_URL_PATH = re.compile(r"[A-Za-z0-9\-._~/%!$&()*+,;=:@]*")  # RFC 3986 path characters, less the quote


def absolute_url(value: Any) -> str:
    """The address a site or region is published at: it is written into every feed, sitemap and
    canonical link, in XML and in attributes, so it must be exactly an http(s) address and no more."""
    url = text(value)
    wrong = f"must be an absolute address starting https://, such as https://leeds.example.org/, not {url!r}"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(wrong) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or not url.lower().startswith(("http://",
                                                                                                       "https://")):
        raise ValueError(wrong)
    bad = next((c for c in url if c.isspace() or c in "\"'<>`{}|\\^" or not c.isprintable()), None)
    if bad is not None:
        raise ValueError(f"{wrong}: it contains {'a space' if bad.isspace() else repr(bad)}")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ValueError(f"{wrong}: an address to publish at has no '?' or '#' part")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{wrong}: it must not contain a user name ('@')")
    host = parts.hostname or ""
    if not (_HOST.fullmatch(host) or re.fullmatch(r"[0-9a-f:.]*:[0-9a-f:.]*", host)):  # a name, or IPv6
        raise ValueError(f"{wrong}: '{host}' is not a host name (write non-ASCII names in punycode, xn--...)")
    if not _URL_PATH.fullmatch(parts.path):
        raise ValueError(f"{wrong}: write characters other than letters, digits and - . _ ~ / in the path "
                         "as %-escapes")
    return url if url.endswith("/") else url + "/"


# A BCP 47 language tag as written in lang="" and xml:lang: a language (en, cy, gd), then optionally a
# script (Latn), a region (GB, 150), variants and a private-use part (x-...).
_LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}"
    r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?"
)


def language_tag(value: Any) -> str:
    out = text(value)
    if not _LANGUAGE_TAG.fullmatch(out):
        hyphened = out.replace("_", "-")
        hint = f" (write {hyphened!r}, with a hyphen)" if _LANGUAGE_TAG.fullmatch(hyphened) else ""
        raise ValueError(f"must be a language tag such as en-GB or cy, not {out!r}{hint}")
    return out


_EMAIL = re.compile(r"[^\s@\"'<>()\[\]\\,;:]+@(?:[^\s@\"'<>()\[\]\\,;:.]+\.)+[^\s@\"'<>()\[\]\\,;:.]+")


def email(value: Any) -> str:
    """An email address: written into a mailto: link, so only an address."""
    out = optional_text(value)
    if out and not _EMAIL.fullmatch(out):
        raise ValueError(f"must be an email address such as enquiries@leeds.example.org, not {out!r}")
    return out


_PHONE = re.compile(r"\+?[0-9 ()\-.]+")


def phone(value: Any) -> str:
    """A phone number: written into a tel: link, so digits, spaces and + ( ) - . only."""
    out = optional_text(value)
    if out and (not _PHONE.fullmatch(out) or sum(c.isdigit() for c in out) < 3):
        raise ValueError(f"must be a phone number of digits, spaces and + ( ) - only, such as 0113 123 4567, "
                         f"not {out!r}")
    return out


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug(value: Any) -> str:
    out = text(value)
    if not _SLUG.match(out):
        raise ValueError("must use only lower-case letters, digits and single hyphens")
    return out


def colour(value: Any) -> str:
    out = text(value)
    if not re.match(r"^#[0-9a-fA-F]{6}$", out):
        raise ValueError(f"must be a colour written as #rrggbb, not {out!r}")
    ratio = contrast_ratio(out, "#ffffff")
    if ratio < 4.5:
        raise ValueError(
            f"{out} has a contrast of {ratio:.1f}:1 on white; WCAG 2.2 AA needs 4.5:1 (choose a darker colour)"
        )
    return out.lower()


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two #rrggbb colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def one_of(*choices: str) -> Checker:
    """A value from a fixed list, written exactly. A near miss ('Local Authority', 'Cancelled', 'urgnt') is
    still an error, so a typo is never published, but the message names the choice it was probably meant to be."""
    by_case = {choice.casefold(): choice for choice in choices}

    def check(value: Any) -> str:
        out = text(value)
        if out not in choices:
            meant = by_case.get(out.casefold()) or closest(out, choices)
            raise ValueError(f"must be one of: {', '.join(choices)}" + (f" (did you mean '{meant}'?)" if meant else ""))
        return out

    return check
