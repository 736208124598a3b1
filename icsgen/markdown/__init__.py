"""Markdown to HTML, the NHS way: one `MarkdownConverter.convert()` door that turns `!!!` components
into NHS markup, gives headings ids and records every link with its line; `blocks()` reads a
page's prose with file lines for the style checks.
"""

from .convert import Converted, LinkRef, LinkTarget, MarkdownConverter, PageLinks, pdf_page_problem
from .source import FENCE, Block, blocks
from .video import settings as video_settings
from .words import WORDS

__all__ = [
    "FENCE",
    "WORDS",
    "Block",
    "Converted",
    "LinkRef",
    "LinkTarget",
    "MarkdownConverter",
    "PageLinks",
    "blocks",
    "pdf_page_problem",
    "video_settings",
]
