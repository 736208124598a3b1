"""`icsgen check` warnings for link previews: summaries, share image size and alt text
(icsgen/check/sharing.py)."""

from __future__ import annotations

import struct
from pathlib import Path

from icsgen.check.sharing import image_size
from tests.support.sitemaker import basic_site, png, run, write_site


def test_sizes_are_read_from_png_gif_jpeg_and_webp_headers(tmp_path: Path) -> None:
    assert image_size(png(tmp_path / "a.png", 640, 320)) == (640, 320)
    gif = tmp_path / "a.gif"
    gif.write_bytes(b"GIF89a" + struct.pack("<HH", 300, 200) + b"\x00\x00\x00;")
    assert image_size(gif) == (300, 200)
    jpeg = tmp_path / "a.jpg"  # SOI, an APP0 segment, then the frame header holding the size
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    jpeg.write_bytes(b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0
                     + b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 630, 1200, 1) + b"\x01\x11\x00" + b"\xff\xd9")
    assert image_size(jpeg) == (1200, 630)
    webp = tmp_path / "a.webp"
    webp.write_bytes(b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
                     + (1199).to_bytes(3, "little") + (629).to_bytes(3, "little"))
    assert image_size(webp) == (1200, 630)
    text = tmp_path / "a.png.txt"
    text.write_text("not a picture")
    assert image_size(text) is None


def check_lines(root: Path) -> list[str]:
    return run(root, "check").output.splitlines()


def test_what_an_editor_wrote_is_always_checked(tmp_path: Path) -> None:
    long = "A summary that goes on " * 8
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/index.md": f"---\ntitle: About us\nsummary: {long.strip()}\nimage: small.png\n---\n"
        "Text.\n",
        "content/alpha/about/partners.md": "---\ntitle: Partners\nsummary: Short.\nimage: mid.png\n"
        "image_alt: A chart\n---\nText.\n",
    })
    png(root / "content/alpha/about/small.png", 120, 90)
    png(root / "content/alpha/about/mid.png", 800, 420)
    lines = check_lines(root)
    assert f"content/alpha/about/index.md:3: warning: summary is {len(long.strip())} characters: previews and " \
           "search results cut it at about 160 (shorten it to a sentence or two)" in lines
    assert "content/alpha/about/index.md:4: warning: share image has no 'image_alt' (add 'image_alt:' saying " \
           "what the picture shows)" in lines
    assert "content/alpha/about/index.md:4: warning: share image alpha/about/small.png is 120 x 90 pixels: too " \
           "small to be shown (at least 200 x 200) (use a picture of 1200 x 630 pixels)" in lines
    assert "content/alpha/about/partners.md:4: warning: share image alpha/about/mid.png is 800 x 420 pixels: it " \
           "is shown small (use a picture of at least 1200 x 630 pixels to be shown large)" in lines
    assert not any("has no summary" in line or "no share image" in line for line in lines)


def test_a_missing_summary_and_share_image_are_warnings_unless_previews_is_false(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/index.md": "---\n# Who we are\ntitle: About us\n---\n## Who we are\n\nWe are Alpha.\n",
    })
    config = (root / "regions.yaml").read_text().replace(
        "    image: images/share.gif\n    image_alt: A blue card\n  beta:", "  beta:")
    write_site(root, {"regions.yaml": config}, config=None, theme=False)
    lines = check_lines(root)
    assert "regions.yaml:5: warning: region 'alpha' has no share image: a link to one of its pages shared in " \
           "Teams, WhatsApp, an email or on social media shows no picture (unless the page sets its own " \
           "'image:') (add 'image: images/share.png' (a picture in the region's folder, 1200 x 630 pixels) and " \
           "'image_alt:' saying what it shows to the region; 'check: previews: false' turns this off)" in lines
    assert "content/alpha/about/index.md:3: warning: page has no summary: a link to it shared in Teams, " \
           "WhatsApp, an email or on social media, and search results, show its first words instead (add " \
           "'summary:' to the front matter, a sentence of up to 160 characters saying what the page is for; " \
           "'check: previews: false' for the region turns this off)" in lines
    assert lines[-1] == "0 errors, 2 warnings in 9 pages"  # beta has its image; every other page its summary
    off = config.replace("    owner: NHS Alpha ICB\n", "    owner: NHS Alpha ICB\n    check:\n      previews: false\n")
    write_site(root, {"regions.yaml": off}, config=None, theme=False)
    assert check_lines(root) == ["0 errors, 0 warnings in 9 pages"]
    png(root / "content/alpha/share.png", 1200, 630)
    config = config.replace("    owner: NHS Alpha ICB\n", "    owner: NHS Alpha ICB\n    image: share.png\n"
                            "    image_alt: Our logo\n")
    write_site(root, {"regions.yaml": config}, config=None, theme=False)
    assert not any("no share image" in line for line in check_lines(root))


def test_the_basic_test_site_has_nothing_to_report(tmp_path: Path) -> None:
    """Every test site starts from it: a warning here would hide in every test's output."""
    assert check_lines(basic_site(tmp_path / "site")) == ["0 errors, 0 warnings in 9 pages"]
