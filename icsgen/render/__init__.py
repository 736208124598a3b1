"""icsgen.render."""
