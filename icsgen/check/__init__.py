"""icsgen.check."""
