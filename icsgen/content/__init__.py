"""The read-only site model: regions, sections, pages (front matter and Markdown) and static files,
found under `content/`. Plain code: nothing here knows about caches or processes.
"""

from .frontmatter import FrontMatter, FrontMatterMemo, body_of, decode_value, encode_value
from .model import (
    ASSETS,
    BROKEN,
    DATE_PREFIX,
    NEWS,
    SHARED,
    LoadOptions,
    Page,
    PageCache,
    PageSource,
    Section,
    Site,
    StaticFile,
    load_site,
    page_url,
    read_page,
    resolve_link,
    slugify,
    update_site,
)
from .required import check_required

__all__ = [
    "ASSETS",
    "BROKEN",
    "DATE_PREFIX",
    "NEWS",
    "SHARED",
    "FrontMatter",
    "FrontMatterMemo",
    "LoadOptions",
    "Page",
    "PageCache",
    "PageSource",
    "Section",
    "Site",
    "StaticFile",
    "body_of",
    "check_required",
    "decode_value",
    "encode_value",
    "load_site",
    "page_url",
    "read_page",
    "resolve_link",
    "slugify",
    "update_site",
]
