"""`python -m icsgen.cli`: the same as the `icsgen` command."""

from icsgen.cli.launch import run

run()
