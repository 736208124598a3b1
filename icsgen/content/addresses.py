"""Which web addresses a page may link to, wherever the address comes from.

A link whose address starts `javascript:` (or `data:`, `vbscript:`...) runs when clicked, so an
address written in a data file or in `regions.yaml` could put a script on every page that shows
it. Addresses may only be web addresses (`http:`, `https:`), `mailto:`, `tel:` or relative ones
(`about/partners.md`, `/leeds/`, `#aims`). Two checks hold that:

* data files: a value under a key that names an address (`url`, `link`, `website`, `..._url`...)
  is checked when the file is read, so the message names the file and line;
* every page: each `href`/`src` (and other address attributes) of the page as written is checked,
  so an address that reaches a page some other way (a template showing another key, a setting) is
  still caught; the message names the data file or `regions.yaml` line the address was written
  on when it can be found there, else the page.

Schemes are read as a browser reads them: leading spaces and control characters dropped, tabs
and newlines removed anywhere, letters of any case, character references decoded.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from icsgen.problems import Problems

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
ADDRESS_KEYS = frozenset({"url", "href", "link", "website", "web", "homepage", "src", "address_url"})
ADDRESS_SUFFIXES = ("_url", "-url", "_link", "-link", "_href", "-href")
ADDRESS_HINT = "use a web address starting https://, a mailto: or tel: address, or a page of the site"

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_IGNORED = re.compile(r"[\t\n\r]")
_LEADING = "".join(map(chr, range(0x21)))  # what a browser drops from the start of an address
_USUAL = ("https:", "http:", "mailto:", "tel:")
# the start of an attribute value that has a scheme (or a character reference, which could hide one)
_SCHEMED_VALUE = re.compile(r"""=[ \t\n\r\f]*(["']?)[\x00-\x20]*(?:[a-zA-Z][a-zA-Z0-9+.\-\t\n\r]*:|&)""")
_ADDRESS_ATTRIBUTE = re.compile(
    r"""[\s"'/](?:href|src|action|formaction|poster|data|cite|background|xlink:href)[ \t\n\r\f]*\Z""", re.IGNORECASE)
DANGEROUS = frozenset({"javascript", "vbscript", "data", "file", "blob", "filesystem", "about"})


def refused_scheme(address: str) -> str | None:
    """The scheme of `address` if a page may not link to it (`javascript`), else None."""
    if "&" in address:
        address = html.unescape(address)
    if "\t" in address or "\n" in address or "\r" in address:
        address = _IGNORED.sub("", address)
    address = address.lstrip(_LEADING)
    if address.startswith(_USUAL):
        return None  # most addresses: answered without the regex
    match = _SCHEME.match(address)
    if match is None:
        return None  # relative: a path, '#fragment' or '?query' (or '//host/...', which keeps the page's scheme)
    scheme = match.group(1).lower()
    return None if scheme in ALLOWED_SCHEMES else scheme


def is_address_key(key: Any) -> bool:
    if not isinstance(key, str):
        return False
    key = key.lower()
    return key in ADDRESS_KEYS or key.endswith(ADDRESS_SUFFIXES)


def check_data_addresses(value: Any, path: Path, problems: Problems, line: int = 1) -> None:
    """Every address in a data file's values (under a key such as `url`), reported at its line."""
    if isinstance(value, dict):
        line_of = getattr(value, "line_of", None)  # the safe YAML loader's mappings know each key's line
        for key, item in value.items():
            item_line = line_of(key) if line_of is not None else line
            if is_address_key(key):
                for address in item if isinstance(item, list) else [item]:
                    scheme = refused_scheme(address) if isinstance(address, str) else None
                    if scheme is not None:
                        problems.add(path, item_line, refused_message(address, scheme), ADDRESS_HINT)
            check_data_addresses(item, path, problems, item_line)
    elif isinstance(value, list):
        for item in value:
            check_data_addresses(item, path, problems, getattr(item, "line", line))


def suspect(text: str) -> bool:
    """Whether `text`, shown somewhere in a page, could be a refused address in a link: a refused
    scheme known to run code, or any other one followed by no space. The page's links are then
    looked at (`refused_links`): too slow to do for every page, and most text with a colon is prose
    ('Leeds: our plans')."""
    scheme = refused_scheme(text) if ":" in text else None
    if scheme is None:
        return False
    if scheme in DANGEROUS:
        return True
    after = text.partition(":")[2]
    return not after[:1].isspace()


def refused_links(page_html: str) -> list[str]:
    """The addresses in `page_html`'s address attributes (href, src...) that a page may not link to."""
    found = []
    for match in _SCHEMED_VALUE.finditer(page_html):
        start = match.start()
        if _ADDRESS_ATTRIBUTE.search(page_html, max(0, start - 20), start) is None:
            continue
        quote = match.group(1)
        begin = match.end(1)
        if quote:
            end = page_html.find(quote, begin)
        else:
            end = next((i for i in range(begin, len(page_html)) if page_html[i] in " \t\n\r\f>"), len(page_html))
        value = page_html[begin:end if end >= 0 else len(page_html)]
        if refused_scheme(value) is not None:
            found.append(html.unescape(value))
    return found


def where_written(value: str, files: Iterable[Path]) -> tuple[Path, int] | None:
    """The first of `files` (data files, regions.yaml) in which `value` is written, and its line."""
    needle = value.strip()
    if not needle:
        return None
    # as written plain, in double quotes with escapes such as \t, or in single quotes with '' for '
    ways = dict.fromkeys((needle, json.dumps(needle, ensure_ascii=False)[1:-1], needle.replace("'", "''")))
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for way in ways:
            index = text.find(way)
            if index >= 0:
                return path, text.count("\n", 0, index) + 1
    return None


def refused_message(address: str, scheme: str) -> str:
    """One wording wherever the address is found, so a data file's line is reported once."""
    short = address if len(address) <= 60 else address[:57] + "..."
    return f"'{short}' is not an address a page may link to: {scheme}: addresses run code or open files"
