"""Rendering one output page: region variables in the body, Markdown, then the theme's template,
with read-only views as the template context; themes, relative URLs, feeds and sitemaps.
`Renderer.render(job)` is a pure function of the loaded site and the job.
"""

from . import feeds
from .calendar import site_files as calendar_files
from .context import excerpt, nav_target
from .images import published_files, rewrite_images
from .publications import publication_pages, sub_pages
from .renderer import ConvertedBodies, Job, Output, Renderer, entry_key, special_page, synthetic_page, theme_environment
from .searchtext import SEARCH_KINDS, document_record, page_record
from .strings import Strings, missing_strings, strings_dirs
from .themes import ThemeChain, theme_chain
from .urls import Linker, host_and_path

__all__ = [
    "SEARCH_KINDS",
    "ConvertedBodies",
    "Job",
    "Linker",
    "Output",
    "Renderer",
    "Strings",
    "ThemeChain",
    "calendar_files",
    "document_record",
    "entry_key",
    "excerpt",
    "feeds",
    "host_and_path",
    "missing_strings",
    "nav_target",
    "page_record",
    "publication_pages",
    "published_files",
    "rewrite_images",
    "special_page",
    "strings_dirs",
    "sub_pages",
    "synthetic_page",
    "theme_chain",
    "theme_environment",
]
