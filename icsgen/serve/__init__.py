"""icsgen.serve."""

from .incremental import Session

__all__ = [
    "Session",
]
