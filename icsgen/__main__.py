"""`python -m icsgen`: the same as the `icsgen` command."""

from icsgen.cli import run

run()
