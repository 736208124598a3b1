"""Reading only the saved pages (serve's fast path) gives the same site as reading everything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from icsgen.build import BuildOptions, Loaded, load, reload
from tests.support.sitemaker import basic_site, run, tree_digest


def summary(loaded: Loaded) -> tuple:
    site = loaded.site
    return (
        {k: (p.digest, p.url, p.kind, p.source_path.as_posix()) for k, p in site.pages.items()},
        {k: (s.pages, s.sections, s.title, s.url) for k, s in site.sections.items()},
        {k: r.home.key if r.home else None for k, r in site.regions.items()},
        sorted(str(p) for p in loaded.problems),
        dict(site.held_back),  # the drafts and later pages left out: what a link's hint says of them
    )


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def remove(root: Path, rel: str) -> Path:
    path = root / rel
    path.unlink()
    return path


CHANGES: dict[str, Callable[[Path], list[Path]]] = {
    "edit a page": lambda r: [write(r, "content/alpha/about/partners.md", "---\ntitle: Our partners\n---\nNew.\n")],
    "add a news post": lambda r: [write(r, "content/alpha/news/2024-05-01-new.md",
                                        "---\ntitle: New\ndate: 2024-05-01\n---\nx\n")],
    "add a page in a new folder": lambda r: [write(r, "content/alpha/services/gp.md", "---\ntitle: GP\n---\nx\n")],
    "delete a page": lambda r: [remove(r, "content/alpha/about/partners.md")],
    "make a page a draft": lambda r: [write(r, "content/alpha/news/2024-01-10-first.md",
                                            "---\ntitle: First\ndate: 2024-01-10\ndraft: true\n---\nx\n")],
    "edit a shared page": lambda r: [write(r, "content/_shared/accessibility.md", "---\ntitle: Access\n---\nNew\n")],
    "a region replaces a shared page": lambda r: [write(r, "content/beta/accessibility.md",
                                                        "---\ntitle: Beta's own\n---\nx\n")],
    "a page gets a duplicate address": lambda r: [write(r, "content/alpha/about/partners-page.md",
                                                        "---\ntitle: P\nslug: partners\n---\nx\n")],
    "delete the home page": lambda r: [remove(r, "content/beta/index.md")],
    "retitle a folder's own page": lambda r: [write(r, "content/alpha/about/index.md",
                                                    "---\ntitle: Who we are\n---\nx\n")],
    "move a page's folder page away": lambda r: [remove(r, "content/alpha/about/index.md")],
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_reload_matches_a_full_load(tmp_path: Path, change: str) -> None:
    root = basic_site(tmp_path).resolve()
    options = BuildOptions()
    before = load(root, options)
    changed = set(CHANGES[change](root))
    fresh = load(root, options)
    quick = reload(before, options, changed)
    assert quick is not None
    assert summary(quick) == summary(fresh)
    # serve looks only at the pages read again: every other one must be the very object it had
    reread = quick.site.reread
    assert reread is not None and fresh.site.reread is None
    differ = {key for key in before.site.pages.keys() | quick.site.pages.keys()
              if before.site.pages.get(key) is not quick.site.pages.get(key)}
    assert differ and differ <= reread


def test_settings_data_and_theme_changes_ask_for_a_full_load(tmp_path: Path) -> None:
    root = basic_site(tmp_path).resolve()
    before = load(root, BuildOptions())
    for rel in ("regions.yaml", "content/alpha/data/partners.yaml", "themes/nhs/templates/page.html",
                "content/alpha/images/map.png"):
        assert reload(before, BuildOptions(), {root / rel}) is None, rel
    assert reload(before, BuildOptions(), {root / "content/alpha/.index.md.swp"}) is not None


def test_a_static_file_where_icsgen_writes_a_page_or_file_is_an_error(tmp_path: Path) -> None:
    """Found by the fuzz test: these passed check and build, and one file silently replaced the other."""
    clashes = {
        "content/alpha/about/index.html": "'alpha/about/index.html' and 'alpha/about/index.md' would both be written",
        "content/alpha/index.html": "'alpha/index.html' and 'alpha/index.md' would both be written",
        "content/alpha/news/index.html": "'alpha/news/index.html' and 'alpha/news/' would both be written",
        "content/alpha/404.html": "icsgen writes the region's 'page not found' page to /alpha/404.html",
        "content/alpha/sitemap.xml": "icsgen writes the region's sitemap to /alpha/sitemap.xml",
        "content/alpha/robots.txt": "icsgen writes the region's robots.txt to /alpha/robots.txt",
        "content/alpha/news/feed.xml": "icsgen writes the region's news feed to /alpha/news/feed.xml",
        "content/alpha/news/page/2/index.html": "icsgen writes a page of the news list to /alpha/news/page/2/",
        "content/alpha/assets/img/favicon.svg": "'assets/' is where icsgen puts theme files",
        # found by probing: the calendar feed and the search index silently replaced these
        "content/alpha/calendar.ics": "icsgen writes the region's calendar feed to /alpha/calendar.ics",
        "content/alpha/pagefind/shards.json": "icsgen writes the region's search index to /alpha/pagefind/shards.json",
        "content/alpha/_redirects": "icsgen writes the host's rules to /alpha/_redirects",
    }
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    for rel in clashes:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("<p>mine</p>\n")
    result = run(root, "build")
    assert result.exit_code == 1
    for rel, message in clashes.items():
        assert f"{rel}: {message}" in result.output, rel
    assert tree_digest(root / "build") == before
    checked = run(root, "check")
    assert checked.exit_code == 1
    for rel in clashes:
        assert f"{rel}: error: " in checked.output, rel


def test_a_static_file_beside_the_pages_is_published_as_it_is(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/about/team.html": "<p>Ours</p>\n",
                                 "content/alpha/images/index.html": "<p>Ours too</p>\n"})
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert (root / "build/alpha/about/team.html").read_text() == "<p>Ours</p>\n"
    assert (root / "build/alpha/images/index.html").read_text() == "<p>Ours too</p>\n"


def test_a_page_that_let_go_of_its_body_reads_it_again_from_its_file(tmp_path: Path) -> None:
    """`let_go_of_bodies` (a build about to fork workers): the body comes back from the file as loaded; from
    the file as it now is if edited since (front matter of another length included); '' if the file went."""
    from icsgen.content import let_go_of_bodies

    crlf = "\ufeff---\r\ntitle: CRLF\r\n---\r\nLine one.\r\nLine two.\r\n"
    root = basic_site(tmp_path, {"content/alpha/crlf.md": crlf})
    loaded = load(root, BuildOptions())
    pages = loaded.site.pages
    bodies = {key: page.body for key, page in pages.items()}
    assert bodies["alpha/crlf.md"] == "Line one.\nLine two.\n"
    assert let_go_of_bodies(pages.values()) == sum(1 for body in bodies.values() if body)
    assert "body" not in pages["alpha/crlf.md"].__dict__
    assert {key: page.body for key, page in pages.items()} == bodies
    let_go_of_bodies(pages.values())
    write(root, "content/alpha/about/partners.md", "---\ntitle: Partners\nsummary: Longer.\nweight: 2\n---\nEdited.\n")
    remove(root, "content/alpha/about/index.md")
    assert pages["alpha/about/partners.md"].body == "Edited.\n"
    assert pages["alpha/about/index.md"].body == ""
    assert pages["alpha/crlf.md"].body == "Line one.\nLine two.\n"


def test_a_link_to_a_draft_or_a_later_page_says_so_rather_than_only_that_there_is_no_page(tmp_path: Path) -> None:
    """'no page 'alpha/about/partners.md'' left an editor looking at that very file: it was a draft, left out
    of the build. The link, the menu and a redirect now say why, and what to do."""
    root = basic_site(tmp_path, {
        "content/alpha/about/partners.md": "---\ntitle: Partners\ndraft: true\n---\nSoon.\n",
        "content/alpha/news/2099-01-01-later.md": "---\ntitle: Later\nsummary: Later.\n---\nSoon.\n",
        "content/alpha/index.md": "---\ntitle: Welcome\n---\nSee [later news](news/2099-01-01-later.md).\n\n"
                                  "Meet [our partners](about/partners.md).\n",
    })
    result = run(root, "build")
    assert result.exit_code == 1
    draft = "(it is a draft ('draft: true'), left out of the published site: delete that line to publish it, " \
            "or remove the link (--drafts builds drafts too))"
    assert "content/alpha/index.md:6: link to 'about/partners.md': no page 'alpha/about/partners.md' (from " \
           f"content/) {draft}" in result.output
    assert "link to 'news/2099-01-01-later.md': no page 'alpha/news/2099-01-01-later.md' (from content/) (it is " \
           "dated 2099-01-01, after the build's date, so it is not published yet: remove the link until then " \
           "(--future builds it now))" in result.output
    assert run(root, "build", "--drafts", "--future").exit_code == 0
