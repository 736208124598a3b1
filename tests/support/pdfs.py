"""Real PDF files for tests, written by the same code as the sample content's (scripts/pdfs.py)."""

from __future__ import annotations

import importlib.util

from .sitemaker import PROJECT

_spec = importlib.util.spec_from_file_location("icsgen_sample_pdfs", PROJECT / "scripts" / "pdfs.py")
assert _spec is not None and _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)

pdf_bytes = _module.pdf_bytes
write_pdf = _module.write_pdf

__all__ = ["pdf_bytes", "write_pdf"]
