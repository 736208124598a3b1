"""Links to files whose names are not address-safe: written either way by editors, published encoded."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote

from PIL import Image

from icsgen.render.urls import encode_path
from tests.support.sitemaker import basic_site, run


def test_a_path_is_encoded_only_where_an_address_needs_it() -> None:
    assert encode_path("leeds/about/") == "leeds/about/"
    assert encode_path("files/board paper.pdf") == "files/board%20paper.pdf"
    assert encode_path("files/50%.pdf") == "files/50%25.pdf"
    assert encode_path("bn/অগ্রাধিকার/") == "bn/অগ্রাধিকার/"  # letters of any script stay readable
    assert encode_path('a"<b>.pdf') == "a%22%3Cb%3E.pdf"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(out, "PNG")
    return out.getvalue()


def test_files_named_with_spaces_and_percent_are_linked_as_written_either_way(tmp_path: Path) -> None:
    """An editor copies `board%20paper.pdf` from the browser, or writes `<board paper.pdf>`: both reach
    the file, and the page links it with an address a browser and srcset read whole."""
    root = basic_site(tmp_path / "site", {"content/alpha/index.md": (
        "---\ntitle: Welcome to Alpha\nsummary: The home page.\n---\n"
        "[Paper, as copied](files/board%20paper.pdf)\n\n[Paper, as named](<files/board paper.pdf>)\n\n"
        "[Half](files/50%25.pdf)\n\n![A teal square](<files/a chart.png>)\n")})
    (root / "content/alpha/files").mkdir()
    for name in ("board paper.pdf", "50%.pdf"):
        (root / "content/alpha/files" / name).write_bytes(b"%PDF-1.4\n%%EOF\n")
    (root / "content/alpha/files/a chart.png").write_bytes(_png())
    built = run(root, "build", "--no-search")
    assert built.exit_code == 0, built.output
    page = (root / "build/alpha/index.html").read_text()
    hrefs = re.findall(r'href="(files/[^"]*)"', page)
    assert hrefs.count("files/board%20paper.pdf") == 2 and "files/50%25.pdf" in hrefs
    srcsets = re.findall(r'srcset="([^"]*)"', page)
    assert srcsets and all(re.fullmatch(r"[^ ,]+ \d+w(, [^ ,]+ \d+w)*", s) for s in srcsets), srcsets
    assert 'src="files/a%20chart.png"' in page and 'width="800"' in page
    for address in [*hrefs, *(part.split()[0] for s in srcsets for part in s.split(", "))]:
        assert (root / "build/alpha" / unquote(address)).is_file(), address
