"""icsgen.content."""
