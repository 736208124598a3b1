"""icsgen: a static site generator for NHS Integrated Care System microsites."""

__version__ = "0.1.0"
