"""`icsgen check`: the errors a build stops on, plus the NHS content style and readability warnings,
found without writing anything.
"""

from .command import CheckOptions, check

__all__ = [
    "CheckOptions",
    "check",
]
