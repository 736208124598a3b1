"""The `icsgen` command: thin commands that parse options, call one function, print problems and
choose the exit code. `run` is the installed entry point (a plain build skips importing click).
"""

from .launch import run

__all__ = [
    "run",
]
