"""The preview's search index: written after the answer to the server, in a child process, and brought up
to date after a save (only the regions, and shards, whose pages changed); `--no-search` writes none."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from icsgen.build.pipeline import BuildOptions
from icsgen.serve.incremental import Preview
from tests.support.sitemaker import basic_site


def indexed_text(folder: Path, region: str) -> str:
    """Every page fragment of a region's index, decompressed (Pagefind gzips them, after a signature)."""
    texts = []
    for path in (folder / region / "pagefind").glob("*/fragment/*.pf_fragment"):
        texts.append(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
    return "\n".join(texts)


def test_the_index_catches_up_after_a_save_and_only_where_pages_changed(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    preview = Preview(root, BuildOptions(drafts=True, future=True, jobs=1), tmp_path / "preview")
    try:
        assert preview.build().problems == []
        assert not (preview.folder / "alpha" / "pagefind").exists()  # the answer comes first...
        preview.index_search()  # ...then the builder starts the index (serve/builder.py)
        preview.search.wait()
        assert "Alpha" in indexed_text(preview.folder, "alpha")
        beta_before = sorted(p.name for p in (preview.folder / "beta" / "pagefind").rglob("*"))
        page = root / "content" / "alpha" / "about" / "partners.md"
        page.write_text(page.read_text() + "\nThe Xylophonist Trust joined this year.\n")
        result = preview.rebuild([page])
        assert result.problems == [] and "alpha/about/partners/" in result.rendered
        assert "Xylophonist" not in indexed_text(preview.folder, "alpha")  # not yet: after the reply
        assert set(preview.search.changed) == {"alpha"}
        preview.index_search()
        preview.search.wait()
        assert "Xylophonist" in indexed_text(preview.folder, "alpha")
        assert sorted(p.name for p in (preview.folder / "beta" / "pagefind").rglob("*")) == beta_before
        assert not list(preview.folder.parent.glob(".preview.search-*"))  # nothing left beside it
    finally:
        preview.close()


def test_no_search_writes_no_index(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    preview = Preview(root, BuildOptions(jobs=1, search=False), tmp_path / "preview")
    try:
        assert preview.build().problems == []
        preview.index_search()
        preview.search.wait()
        assert not list(preview.folder.glob("*/pagefind"))
        assert (preview.folder / "alpha" / "search" / "index.html").is_file()
    finally:
        preview.close()


def test_a_save_swaps_in_only_the_shard_of_the_page_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICSGEN_TEST_SHARD_PAGES", "1")  # as if each page were 150: the small site gets shards
    root = basic_site(tmp_path / "site")
    preview = Preview(root, BuildOptions(drafts=True, future=True, jobs=1), tmp_path / "preview")
    try:
        assert preview.build().problems == []
        preview.index_search()
        preview.search.wait()
        index = preview.folder / "alpha" / "pagefind"
        count = json.loads((index / "shards.json").read_text())["shards"]
        assert count > 1
        folders = {n: (index / str(n)).stat().st_ino for n in range(count)}
        page = root / "content" / "alpha" / "about" / "partners.md"
        page.write_text(page.read_text() + "\nThe Xylophonist Trust joined this year.\n")
        assert preview.rebuild([page]).problems == []
        preview.index_search()
        preview.search.wait()
        swapped = [n for n in range(count) if (index / str(n)).stat().st_ino != folders[n]]
        assert len(swapped) == 1
        assert "Xylophonist" in indexed_text(preview.folder, "alpha")
        assert json.loads((index / "shards.json").read_text())["shards"] == count
    finally:
        preview.close()
