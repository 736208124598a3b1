"""icsgen.markdown."""
