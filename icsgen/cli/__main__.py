"""`python -m icsgen.cli`: the same as the `icsgen` command."""

from .launch import run

run()
