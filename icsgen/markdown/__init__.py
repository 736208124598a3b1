"""icsgen.markdown."""

from .convert import Converted, LinkRef, LinkTarget, MarkdownConverter, PageLinks
from .source import Block, blocks

__all__ = [
    "Block",
    "Converted",
    "LinkRef",
    "LinkTarget",
    "MarkdownConverter",
    "PageLinks",
    "blocks",
]
