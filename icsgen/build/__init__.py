"""icsgen.build."""
