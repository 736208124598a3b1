"""Writing small real sites on disk for tests, and building them through the real command line."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import struct
import textwrap
import zlib
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from icsgen.cli.commands import main

PROJECT = Path(__file__).resolve().parent.parent.parent
THEMES = PROJECT / "icsgen" / "themes"  # the built-in themes, copied so a test can edit its site's copy

BASIC_CONFIG = """\
site:
  title: Test ICS sites
  base_url: https://test.example.org/
regions:
  alpha:
    name: Alpha Health and Care
    owner: NHS Alpha ICB
    contact:
      email: hello@alpha.example.org
    nav:
      - {title: About us, page: about/index.md}
      - {title: News, page: news/}
    image: images/share.gif
    image_alt: A blue card
  beta:
    name: Beta Partnership
    image: images/share.gif
    image_alt: A blue card
    owner: NHS Beta ICB
"""


def png_bytes(width: int, height: int) -> bytes:
    """A real PNG of one colour (zlib, no image library)."""
    raw = b"".join(b"\x00" + b"\x00\x5e\xb8" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png(path: Path, width: int, height: int) -> Path:
    """`png_bytes` written to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png_bytes(width, height))
    return path


def gif_bytes(width: int, height: int) -> bytes:
    """A real GIF of one colour (GIF's compression needs Pillow to write it)."""
    from PIL import Image

    written = io.BytesIO()
    Image.new("P", (width, height), 0).save(written, "GIF")
    return written.getvalue()


# The basic site's share image: the size link previews show large, so `icsgen check` has nothing to say,
# and a GIF, which the build copies as it is, where a PNG would be made again in four widths and three
# formats on every test's first build.
SHARE_GIF = gif_bytes(1200, 630)

# Every page has a summary and every region a share image, as `icsgen new` makes them: `icsgen check`
# has nothing to say about this site, so a test sees only the warnings its own change brings.
BASIC_PAGES: dict[str, str | bytes] = {
    "content/_shared/accessibility.md": "---\ntitle: Accessibility statement\n"
    "summary: How accessible this site is.\n---\n"
    "This statement is for {{ region.name }}. Email {{ region.contact.email or 'us' }}.\n",
    "content/alpha/index.md": "---\ntitle: Welcome to Alpha\nsummary: The home page.\n---\n"
    "Read [about us](about/index.md) and [our partners](about/partners.md#nhs-trusts).\n",
    "content/alpha/about/index.md": "---\ntitle: About us\nsummary: Who we are.\n---\n## Who we are\n\nWe are Alpha.\n",
    "content/alpha/about/partners.md": "---\ntitle: Partners\nsummary: Who we work with.\nweight: 2\n---\n"
    "## NHS trusts\n\nSee the [Beta home page](/beta/index.md).\n",
    "content/alpha/news/2024-01-10-first.md": "---\ntitle: First post\ndate: 2024-01-10\n"
    "summary: The first.\n---\nHello.\n",
    "content/alpha/news/2024-02-10-second.md": "---\ntitle: Second post\ndate: 2024-02-10\n"
    "summary: The second.\n---\nHello again.\n",
    "content/alpha/data/partners.yaml": "- name: Alpha Hospital\n  type: NHS trust\n",
    "content/alpha/images/share.gif": SHARE_GIF,
    "content/beta/images/share.gif": SHARE_GIF,
    "content/beta/index.md": "---\ntitle: Welcome to Beta\nsummary: The home page.\n---\n"
    "Back to [Alpha](/alpha/index.md).\n",
}


def write_site(root: Path, files: dict[str, str | bytes] | dict[str, str], config: str | None = BASIC_CONFIG,
               theme: bool = True) -> Path:
    """Write `files` (path -> text, or bytes) under `root`, with regions.yaml and a copy of the real theme."""
    root.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "regions.yaml").write_text(textwrap.dedent(config), encoding="utf-8")
    if theme and not (root / "themes").exists():
        shutil.copytree(THEMES, root / "themes")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def basic_site(root: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """The basic two-region site; `changes` maps a path to new text, or to None to leave it out."""
    files = dict(BASIC_PAGES)
    for rel, text in (changes or {}).items():
        if text is None:
            files.pop(rel, None)
        else:
            files[rel] = text
    return write_site(root, files)


def run(root: Path, *args: str) -> Result:
    """Run `icsgen ARGS --root ROOT` in-process, the way an editor would on the command line."""
    return CliRunner().invoke(main, [*args, "--root", str(root)], catch_exceptions=False)


# Pagefind writes its filter tables from hash maps, in an order that differs from one run to the next
# (pagefind/src/index/mod.rs: "TODO: Change filter indexes to BTree to give them a stable hash"): the filter
# files, and the meta and entry files naming them, are compared by their place only; every other index
# file (the words, each page's fragment) by its bytes.
_VARYING_INDEX_FILE = re.compile(
    r"^(.*/pagefind/(?:\d+/)?)(?:filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json)$")


def tree_digest(folder: Path) -> dict[str, str]:
    digests = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(folder).as_posix()
        varying = _VARYING_INDEX_FILE.match(rel)
        if varying:
            digests[f"{varying.group(1)}<{p.suffix or p.name}>"] = "varies"
        else:
            digests[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return digests


def leftovers(folder: Path) -> list[str]:
    """Hidden folders a build left beside build/ in `folder`, but for its twin (see icsgen/build/output.py),
    which stays."""
    return sorted(p.name for p in folder.glob(".build.*") if p.name != ".build.twin")


def clean_build(root: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "clean"
    result = run(root, "build", "--no-cache", "--out", str(out))
    assert result.exit_code == 0, result.output
    return tree_digest(out)


def edit(root: Path, rel: str, change: Callable[[str], str]) -> None:
    path = root / rel
    path.write_text(change(path.read_text()))
