"""icsgen.cli."""
