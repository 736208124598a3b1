"""Moved-page protection: a build that would stop publishing an address the last build published says
so, naming the alias to add; `--strict` makes it an error (icsgen/build/moved.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sitemaker import basic_site, run, tree_digest

OLD = "content/alpha/about/partners.md"
NEW = "content/alpha/about/our-partners.md"
HINT = "add 'aliases: [/about/partners/]' to its front matter"


def rename(root: Path, alias: bool = False) -> None:
    """Rename the Partners page (and the link to it), as an editor would; with its alias if `alias`."""
    text = (root / OLD).read_text()
    (root / OLD).unlink()
    (root / NEW).write_text(text.replace("weight: 2\n", "weight: 2\naliases: [/about/partners/]\n") if alias else text)
    home = root / "content/alpha/index.md"
    home.write_text(home.read_text().replace("about/partners.md", "about/our-partners.md"))


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_a_renamed_page_without_an_alias_is_reported_with_the_alias_to_add(tmp_path: Path, cache: bool) -> None:
    root = basic_site(tmp_path / "site")
    flags = () if cache else ("--no-cache",)
    assert run(root, "build", *flags).exit_code == 0
    rename(root)
    result = run(root, "build", *flags)
    assert result.exit_code == 0, result.output
    assert (f"{NEW}:2: /alpha/about/partners/ was published by the last build, and the new build would not "
            f"publish it (if this page replaces it, {HINT}") in result.output


def test_strict_makes_it_an_error_and_leaves_the_site_alone(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    rename(root)
    result = run(root, "build", "--strict")
    assert result.exit_code == 1
    assert "/alpha/about/partners/ was published by the last build" in result.output
    assert "1 problem to fix" in result.output
    assert tree_digest(root / "build") == before


def test_with_the_alias_nothing_is_reported_and_the_old_address_redirects(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    rename(root, alias=True)
    result = run(root, "build", "--strict")
    assert result.exit_code == 0, result.output
    assert "published by the last build" not in result.output
    assert "/alpha/about/partners/  /alpha/about/our-partners/  301!" in \
        (root / "build/_redirects").read_text().splitlines()


def test_an_alias_taken_away_is_reported_though_no_page_moved(tmp_path: Path) -> None:
    """The old address's redirect page goes with the alias: a change of front matter alone (no page added,
    moved or deleted) that stops publishing an address is still reported."""
    root = basic_site(tmp_path / "site")
    rename(root, alias=True)
    assert run(root, "build").exit_code == 0
    edit_only = run(root, "build")  # nothing changed: nothing to report
    assert edit_only.exit_code == 0 and "published by the last build" not in edit_only.output
    (root / NEW).write_text((root / NEW).read_text().replace("aliases: [/about/partners/]\n", ""))
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert "/alpha/about/partners/ was published by the last build" in result.output


def test_a_deleted_page_with_no_likely_replacement_is_reported_at_its_region(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    (root / "content/beta/notes.md").write_text("---\ntitle: Notes\n---\nNotes.\n")
    assert run(root, "build").exit_code == 0
    (root / "content/beta/notes.md").unlink()
    result = run(root, "build")
    assert result.exit_code == 0
    assert "regions.yaml:15: /beta/notes/ was published by the last build, and the new build would not publish " \
           "it (add 'aliases: [/notes/]' to the page that replaces it, or '/notes/: <a page>' under 'redirects:' " \
           "of region 'beta' in regions.yaml)" in result.output


def test_a_deleted_page_is_not_pinned_on_an_unrelated_new_page(tmp_path: Path) -> None:
    """Addresses were compared with their region's name in front, which made /beta/photos/ 'like' /beta/bom/."""
    root = basic_site(tmp_path / "site")
    (root / "content/beta/photos.md").write_text("---\ntitle: Photos\n---\nPhotos.\n")
    assert run(root, "build").exit_code == 0
    (root / "content/beta/big.md").write_text("---\ntitle: Big\n---\nBig.\n")
    assert run(root, "build").exit_code == 0
    (root / "content/beta/photos.md").unlink()
    (root / "content/beta/big.md").unlink()
    (root / "content/beta/bom.md").write_text("---\ntitle: Bill of materials\n---\nParts.\n")
    (root / "content/beta/gp.md").write_text("---\ntitle: Your GP\n---\nGP.\n")
    result = run(root, "build")
    assert result.exit_code == 0
    assert "regions.yaml:15: /beta/photos/ was published by the last build" in result.output
    assert "regions.yaml:15: /beta/big/ was published by the last build" in result.output
    assert "content/beta/bom.md" not in result.output and "content/beta/gp.md" not in result.output


def test_check_warns_as_the_build_would(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    rename(root)
    result = run(root, "check")
    assert f"{NEW}:2: warning: /alpha/about/partners/ was published by the last build" in result.output
    assert run(root, "check", "--strict").exit_code == 1


def test_fewer_news_pages_or_a_new_build_are_not_moves(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    config = (root / "regions.yaml").read_text().replace("  base_url: https://test.example.org/\n",
                                                         "  base_url: https://test.example.org/\n  news_per_page: 1\n")
    (root / "regions.yaml").write_text(config)
    first = run(root, "build")
    assert first.exit_code == 0 and "published by" not in first.output
    assert (root / "build/alpha/news/page/2/index.html").is_file()
    (root / "content/alpha/news/2024-01-10-first.md").unlink()
    result = run(root, "build")
    assert "/alpha/news/page/2/" not in result.output
    assert "/alpha/news/first/ was published by the last build" in result.output
