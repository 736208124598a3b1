"""icsgen.serve."""
