"""`python -m icsgen`: the same as the `icsgen` command."""

from .launch import run

run()
