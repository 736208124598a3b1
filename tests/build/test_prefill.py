"""A full build makes its output files ahead of the render (build/prefill.py): guesses that were wrong leave no
trace, and the site is exactly what a build without them writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from icsgen.build.prefill import likely_outputs
from icsgen.cache.outputs import BuildCache
from icsgen.content.model import scan_content
from tests.support.sitemaker import basic_site, run, tree_digest

MANY = {f"content/alpha/services/topic-{n // 10}/service-{n}.md": f"---\ntitle: Service {n}\n---\nAbout {n}.\n"
        for n in range(80)}  # enough pages for a parallel build, which is when files are made ahead
MISLEADING = {
    # its address comes from its slug, not its name; a file named as the guess would be sits beside it
    "content/alpha/guide/renamed.md": "---\ntitle: Renamed\nslug: elsewhere\n---\nSee [the file](renamed).\n",
    "content/alpha/guide/renamed": "a plain file, copied as it is\n",
    "content/alpha/guide/draft.md": "---\ntitle: Not yet\ndraft: true\n---\nDraft.\n",
    "content/alpha/news/2999-01-01-future.md": "---\ntitle: Later\ndate: 2999-01-01\n---\nLater.\n",
}


def empty_things(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if (p.is_file() and p.stat().st_size == 0) or (p.is_dir() and not any(p.iterdir())))


def test_guesses_come_from_file_names_and_may_be_wrong(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {**MANY, **MISLEADING})
    guessed = likely_outputs(["alpha"], scan_content(root / "content"))
    assert "alpha/services/topic-3/service-31/index.html" in guessed
    assert "alpha/services/topic-3/index.html" in guessed  # a folder without an index still has a page
    assert "alpha/news/future/index.html" in guessed  # the date prefix is not part of a post's address
    assert "alpha/guide/renamed/index.html" in guessed  # wrong: the page says `slug: elsewhere`
    assert not any(rel.startswith("beta/") for rel in guessed)


@pytest.mark.parametrize("flags", [[], ["--no-cache"]], ids=["cached", "no-cache"])
def test_a_full_build_is_the_same_as_one_that_makes_nothing_ahead(tmp_path: Path, flags: list[str]) -> None:
    root = basic_site(tmp_path / "site", {**MANY, **MISLEADING})
    result = run(root, "build", *flags)
    assert result.exit_code == 0, result.output
    serial = tmp_path / "serial"  # one process: nothing made ahead
    result = run(root, "build", "--no-cache", "--jobs", "1", "--out", str(serial))
    assert result.exit_code == 0, result.output
    out = root / "build"
    assert tree_digest(out) == tree_digest(serial)
    assert (out / "alpha/guide/renamed").read_text() == "a plain file, copied as it is\n"
    assert (out / "alpha/guide/elsewhere/index.html").is_file()
    assert not (out / "alpha/news/future").exists() and not (out / "alpha/guide/draft").exists()
    assert empty_things(out) == []
    if not flags:  # the build's record of what it wrote (for spotting hand edits) names every file, and only those
        recorded = BuildCache(root).output_stats(out.resolve())
        assert sorted(recorded) == sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def test_a_failed_full_build_leaves_no_folder_behind(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {**MANY, "content/alpha/broken.md": "---\ntitle: B\n---\n[x](nowhere.md)\n"})
    result = run(root, "build")
    assert result.exit_code == 1
    assert "broken.md:4: link to 'nowhere.md'" in result.output
    assert sorted(os.listdir(root)) == [".icsgen-cache", "content", "regions.yaml", "themes"]
