"""icsgen.check."""

from .command import CheckOptions, check

__all__ = [
    "CheckOptions",
    "check",
]
