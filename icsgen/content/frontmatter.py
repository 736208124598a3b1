"""Splitting a page file into its YAML front matter and Markdown body, and checking the fields."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from icsgen.config import YamlError, freeze, load_yaml
from icsgen.config import schema as s
from icsgen.problems import Problems

FRONT_MATTER = s.Schema(
    "front matter",
    (
        s.Field("title", s.text, "every page needs a title, e.g. 'title: About us'", True),
        s.Field("summary", s.optional_text, "one or two sentences for listings and search", default=""),
        s.Field("date", s.date, "publication date, YYYY-MM-DD"),
        s.Field("updated", s.date, "date of the last substantial update, YYYY-MM-DD"),
        s.Field("author", s.optional_text, "who wrote it", default=""),
        s.Field("tags", s.text_list, "a list of topics", default=()),
        s.Field("draft", s.boolean, "true leaves the page out of the published site", default=False),
        s.Field("template", s.slug, "a template name such as partners or contact"),
        s.Field("weight", s.whole_number, "order within its section, lower first", default=0),
        s.Field("nav_title", s.optional_text, "a shorter title for breadcrumbs", default=""),
        s.Field("reviewed", s.date, "when the page was last reviewed, YYYY-MM-DD"),
        s.Field("review_due", s.date, "when the page is next due for review, YYYY-MM-DD"),
        s.Field("toc", s.boolean, "show or hide the contents list"),
        s.Field("slug", s.slug, "the last part of the page address"),
        s.Field("aliases", s.text_list, "old addresses of this page, which redirect to it", default=()),
        s.Field("image", s.optional_text, "the picture shown when the page is shared (a file beside the page, "
                "or in the region's folder)", default=""),
        s.Field("image_alt", s.optional_text, "what the share picture shows, for people who cannot see it",
                default=""),
        s.Field("extra", s.mapping, "free-form values for templates", default={}),
        s.Field("lang", s.language_tag, "the page's language when it is not the site's, e.g. bn or ur", default=""),
    ),
)


@dataclass(frozen=True)
class FrontMatter:
    """The checked fields of one page, plus where each came from."""

    title: str
    summary: str
    date: dt.date | None
    updated: dt.date | None
    author: str
    tags: tuple[str, ...]
    draft: bool
    template: str | None
    weight: int
    nav_title: str
    reviewed: dt.date | None
    review_due: dt.date | None
    toc: bool | None
    slug: str | None
    aliases: tuple[str, ...]
    image: str
    image_alt: str
    extra: MappingProxyType
    lines: MappingProxyType  # field name -> line in the file
    lang: str = ""  # a BCP 47 tag; '' for the site's language (see content/languages.py)


@dataclass(frozen=True)
class SplitPage:
    meta: FrontMatter
    body: str
    body_line: int  # the file line on which the body starts


_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


class FrontMatterMemo:
    """Parsed front matter by the hash of its text, so unchanged pages skip YAML on the next run."""

    def __init__(self, entries: dict[str, Any] | None = None) -> None:
        self.entries = entries or {}
        self.used: set[str] = set()


def split_page(text: str, path: Path, problems: Problems, memo: FrontMatterMemo | None = None) -> SplitPage | None:
    """Split and check a page; return None when the front matter is unusable (problems recorded)."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    first_line, _, rest = text.partition("\n")
    if first_line.strip() != "---":
        problems.add(
            path, 1, "no front matter", "start the file with a line '---', then 'title: ...', then '---'"
        )
        return None
    closing = _CLOSING.search(rest)  # found without splitting the whole page into lines
    if closing is None:
        problems.add(path, 1, "front matter is not closed", "add a line '---' after the front matter")
        return None
    yaml_text = rest[: max(closing.start() - 1, 0)]
    body = rest[closing.end() + 1 :]
    end = rest.count("\n", 0, closing.start()) + 1  # the closing line's index, counting from 0
    key = hashlib.blake2b(yaml_text.encode(), digest_size=16).hexdigest()
    if memo is not None and key in memo.entries:
        memo.used.add(key)
        cached = memo.entries[key]
        return SplitPage(_front_matter(decode_values(cached["values"]), cached["lines"]), body, end + 2)
    try:
        raw: Any = load_yaml(yaml_text, first_line=2)
    except YamlError as exc:
        problems.add(path, exc.line, exc.message, exc.hint)
        return None
    before = len(problems.errors)
    values = FRONT_MATTER.validate(raw, path, 1, problems)
    if len(problems.errors) > before:
        return None if not values.get("title") else SplitPage(_front_matter(values, {}), body, end + 2)
    line_map = {str(k): v for k, v in (getattr(raw, "lines", {}) or {}).items()}
    if memo is not None:
        memo.entries[key] = {"values": encode_values(values), "lines": line_map}
        memo.used.add(key)
    return SplitPage(_front_matter(values, line_map), body, end + 2)


def body_of(text: str, body_line: int) -> str:
    """The Markdown of a page file whose body starts on line `body_line`, as `split_page` gives it."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    parts = text.split("\n", body_line - 1)
    return parts[-1] if len(parts) == body_line else ""


def _front_matter(values: dict[str, Any], line_map: dict[str, int]) -> FrontMatter:
    return FrontMatter(
        title=values["title"] or "",
        summary=values["summary"],
        date=values["date"],
        updated=values["updated"],
        author=values["author"],
        tags=tuple(values["tags"]),
        draft=values["draft"],
        template=values["template"],
        weight=values["weight"],
        nav_title=values["nav_title"],
        reviewed=values["reviewed"],
        review_due=values["review_due"],
        toc=values["toc"],
        slug=values["slug"],
        aliases=tuple(values["aliases"]),
        image=values["image"],
        image_alt=values["image_alt"],
        extra=freeze(values["extra"]),
        lines=MappingProxyType(line_map),
        lang=values.get("lang") or "",
    )


DATE_FIELDS = ("date", "updated", "reviewed", "review_due")


def encode_values(values: dict[str, Any]) -> dict[str, Any]:
    """Checked front matter as JSON: dates as text, `extra` tagged so its values come back as they were."""
    out = dict(values)
    for name in DATE_FIELDS:
        if out.get(name) is not None:
            out[name] = out[name].isoformat()
    out["tags"] = list(out["tags"])
    out["aliases"] = list(out["aliases"])
    out["extra"] = encode_value(out["extra"])
    return out


def decode_values(stored: dict[str, Any]) -> dict[str, Any]:
    values = dict(stored)
    for name in DATE_FIELDS:
        if values.get(name) is not None:
            values[name] = dt.date.fromisoformat(values[name])
    values["extra"] = decode_value(values["extra"])
    return values


def encode_value(value: Any) -> Any:
    """Front matter values as JSON: dates tagged so they come back as dates."""
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {"$map": [[k, encode_value(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [encode_value(v) for v in value]
    return value


def decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        return {k: decode_value(v) for k, v in value["$map"]}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value
