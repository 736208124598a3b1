"""icsgen.cache."""
