"""`python -m icsgen`: the same as the `icsgen` command."""

from .cli import run

run()
