"""`python -m icsgen`: the same as the `icsgen` command."""

from icsgen.cli.launch import run

run()
