"""`icsgen serve`: the preview. An HTTP server on loopback, a file watcher, and a builder in a
process of its own that re-renders only what a change affects; errors show as an overlay.
"""

from .http import seen_by_others
from .session import Session

__all__ = [
    "Session",
    "seen_by_others",
]
