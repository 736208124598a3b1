"""icsgen.config."""
