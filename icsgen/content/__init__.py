"""The read-only site model: regions, sections, pages (front matter and Markdown) and static files,
found under `content/`. Plain code: nothing here knows about caches or processes.
"""

from .addresses import ADDRESS_HINT, refused_links, refused_message, refused_scheme, suspect, where_written
from .documents import DOCUMENT_TYPES, Document, DocumentMemo, describe_documents, format_size, is_document
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
    suggest_link,
    update_site,
)
from .publications import SCHEME_CLASSES, Publication, load_publications
from .records import TYPES as RECORD_TYPES
from .records import Record, record_type
from .required import check_required

__all__ = [
    "ADDRESS_HINT",
    "ASSETS",
    "BROKEN",
    "DATE_PREFIX",
    "DOCUMENT_TYPES",
    "NEWS",
    "RECORD_TYPES",
    "SCHEME_CLASSES",
    "SHARED",
    "Document",
    "DocumentMemo",
    "FrontMatter",
    "FrontMatterMemo",
    "LoadOptions",
    "Page",
    "PageCache",
    "PageSource",
    "Publication",
    "Record",
    "Section",
    "Site",
    "StaticFile",
    "body_of",
    "check_required",
    "decode_value",
    "describe_documents",
    "encode_value",
    "format_size",
    "is_document",
    "load_publications",
    "load_site",
    "page_url",
    "read_page",
    "record_type",
    "refused_links",
    "refused_message",
    "refused_scheme",
    "resolve_link",
    "slugify",
    "suggest_link",
    "suspect",
    "update_site",
    "where_written",
]
