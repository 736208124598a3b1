"""The search step of `icsgen build`: one Pagefind index per region, kept up to date by rebuilds that
index again only the regions whose pages changed; `--no-search`; a plain message when Pagefind cannot run.
(What a visitor sees is tested in Chromium: tests/end_to_end/test_search.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.sitemaker import basic_site, edit, run


def index_files(out: Path, region: str) -> dict[str, int]:
    folder = out / region / "pagefind"
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def regions(out: Path) -> list[str]:
    return sorted(p.parent.name for p in out.glob("*/pagefind"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return basic_site(tmp_path / "site")


def test_each_region_gets_its_own_index_search_page_and_a_to_z(site: Path) -> None:
    done = run(site, "build")
    assert done.exit_code == 0, done.output
    out = site / "build"
    built = sorted(p.name for p in out.iterdir() if (p / "index.html").is_file() and p.name != "search")
    assert regions(out) == built and built
    for region in built:
        entry = json.loads((out / region / "pagefind" / "pagefind-entry.json").read_text())
        assert entry["languages"]["en"]["page_count"] > 0
        assert not (out / region / "pagefind" / "pagefind-ui.js").exists()  # Pagefind's own UI: not used
        assert 'action="search/index.html"' in (out / region / "index.html").read_text() or \
            'action="search/"' in (out / region / "index.html").read_text()
        a_z = (out / region / "a-z" / "index.html").read_text()
        assert "A to Z of pages" in a_z
    assert (out / "search" / "index.html").is_file()
    assert '<meta name="robots" content="noindex">' in (out / built[0] / "search" / "index.html").read_text()


def test_a_rebuild_indexes_again_only_the_region_that_changed(site: Path) -> None:
    assert run(site, "build").exit_code == 0
    out = site / "build"
    first, second = regions(out)[:2]
    before = {region: index_files(out, region) for region in (first, second)}
    page = next(p for p in (site / "content" / first).rglob("*.md") if p.name != "index.md")
    edit(site, page.relative_to(site).as_posix(), lambda text: text + "\nZanzibarish is a new word here.\n")
    assert run(site, "build").exit_code == 0
    assert index_files(out, second) == before[second]  # not written again
    assert index_files(out, first) != before[first]
    assert not (out / first / "pagefind" / "pagefind-ui.js").exists()


def test_no_search_makes_no_index_and_a_later_build_makes_it_again(site: Path) -> None:
    assert run(site, "build", "--no-search").exit_code == 0
    assert regions(site / "build") == []
    assert (site / "build" / "search" / "index.html").is_file()  # the page stays, and says search is not working
    assert run(site, "build").exit_code == 0
    assert regions(site / "build")


def test_a_missing_indexer_is_a_plain_message_and_build_is_left_as_it_was(site: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(site, "build").exit_code == 0
    home = (site / "build" / "index.html").read_text()
    edit(site, "content/" + regions(site / "build")[0] + "/index.md", lambda text: text + "\nMore words.\n")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    done = run(site, "build")
    assert done.exit_code == 1
    assert "search index: the search indexer (Pagefind) could not be started" in done.output
    assert "--no-search" in done.output
    assert "Traceback" not in done.output
    assert (site / "build" / "index.html").read_text() == home
