"""The preview's incremental builder: each kind of change re-renders just the outputs it affects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from icsgen.build import BuildOptions, plan
from icsgen.serve.incremental import Preview
from tests.support.sitemaker import basic_site, tree_digest

EVERY_OUTPUT = ["", "404.html", "alpha/", "alpha/404.html", "alpha/about/", "alpha/about/partners/",
                "alpha/accessibility/", "alpha/news/", "alpha/news/first/", "alpha/news/second/",
                "beta/", "beta/404.html", "beta/accessibility/",
                "search/", "alpha/search/", "alpha/a-z/", "beta/search/", "beta/a-z/"]  # search pages, A to Zs


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/team.md": "---\ntitle: Team\n---\nOur first partner is "
                                          "{{ data.partners[0].name }}.\n",
    })
    built = Preview(root, BuildOptions(drafts=True, future=True, jobs=1), tmp_path / "preview")
    first = built.build()
    assert first.problems == []
    assert sorted(first.rendered) == sorted([*EVERY_OUTPUT, "alpha/about/team/"])
    try:
        yield built
    finally:
        built.close()


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def html(preview: Preview, url: str) -> str:
    return (preview.folder / url / "index.html").read_text(encoding="utf-8")


def test_body_edit_renders_only_that_page(preview: Preview) -> None:
    page = preview.root / "content/alpha/about/partners.md"
    page.write_text(page.read_text() + "\nA new closing paragraph.\n")
    result = preview.rebuild([page])
    assert result.problems == []
    assert result.rendered == ["alpha/about/partners/"]
    assert "A new closing paragraph." in html(preview, "alpha/about/partners")
    assert result.reload and not result.full


def test_title_edit_renders_the_page_and_those_that_list_or_link_to_it(preview: Preview) -> None:
    page = edit(preview.root / "content/alpha/about/partners.md", "title: Partners", "title: Our partners")
    result = preview.rebuild([page])
    # the folder's page lists it; the home page links to it; the A to Z lists it; nothing in beta or the news
    assert result.rendered == ["alpha/", "alpha/a-z/", "alpha/about/", "alpha/about/partners/"]
    assert "Our partners" in html(preview, "alpha/about")


def test_template_edit_renders_the_pages_that_use_it(preview: Preview) -> None:
    template = edit(preview.root / "themes/nhs/templates/news-article.html",
                    '<article class="nhsuk-article">', '<article class="nhsuk-article"><!-- edited -->')
    result = preview.rebuild([template])
    assert result.rendered == ["alpha/news/first/", "alpha/news/second/"]
    assert "<!-- edited -->" in html(preview, "alpha/news/first")
    assert "<!-- edited -->" not in html(preview, "alpha/about")


def test_data_edit_renders_the_pages_that_read_it(preview: Preview) -> None:
    data = edit(preview.root / "content/alpha/data/partners.yaml", "Alpha Hospital", "Alpha Infirmary")
    result = preview.rebuild([data])
    assert result.rendered == ["alpha/about/team/"]
    assert "Our first partner is Alpha Infirmary." in html(preview, "alpha/about/team")


def test_added_and_deleted_news_post(preview: Preview) -> None:
    post = preview.root / "content/alpha/news/2024-03-01-third.md"
    post.write_text("---\ntitle: Third post\ndate: 2024-03-01\n---\nThird.\n")
    added = preview.rebuild([post])
    assert "alpha/news/third/" in added.rendered and "alpha/news/" in added.rendered
    assert "alpha/about/" not in added.rendered
    assert "Third post" in html(preview, "alpha/news")
    post.unlink()
    deleted = preview.rebuild([post])
    assert deleted.removed == ["alpha/news/third/"]
    assert "alpha/news/" in deleted.rendered
    assert not (preview.folder / "alpha/news/third").exists()
    assert "Third post" not in html(preview, "alpha/news")


def test_broken_page_keeps_the_last_good_files_and_reports_like_the_cli(preview: Preview) -> None:
    page = preview.root / "content/alpha/about/index.md"
    good = html(preview, "alpha/about")
    page.write_text("---\ntitle: [About us\n---\nBroken.\n")
    broken = preview.rebuild([page])
    assert broken.problems and broken.problems[0].startswith("content/alpha/about/index.md:2: ")
    assert preview.problems == broken.problems
    assert html(preview, "alpha/about") == good
    page.write_text("---\ntitle: About us\n---\nMended.\n")
    # the other page changed meanwhile is still picked up: changes pile up until a good build
    other = edit(preview.root / "content/beta/index.md", "Back to", "Return to")
    mended = preview.rebuild([other])
    assert mended.problems == [] and preview.problems == []
    assert "Mended." in html(preview, "alpha/about") and "Return to" in html(preview, "beta")


def test_deleting_a_linked_page_is_an_error_for_the_page_that_links(preview: Preview) -> None:
    page = preview.root / "content/alpha/about/partners.md"
    page.unlink()
    result = preview.rebuild([page])
    assert any(p.startswith("content/alpha/index.md:") and "about/partners.md" in p for p in result.problems)
    assert (preview.folder / "alpha/about/partners/index.html").exists()  # last good kept


def test_removed_heading_breaks_a_link_to_it(preview: Preview) -> None:
    page = edit(preview.root / "content/alpha/about/partners.md", "## NHS trusts", "## Hospitals")
    result = preview.rebuild([page])
    assert any("#nhs-trusts" in p for p in result.problems), result.problems


def test_regions_yaml_change_rebuilds_everything(preview: Preview) -> None:
    config = edit(preview.root / "regions.yaml", "Beta Partnership", "Beta Health Partnership")
    result = preview.rebuild([config])
    assert result.full
    assert sorted(result.rendered) == sorted([*EVERY_OUTPUT, "alpha/about/team/"])
    assert "Beta Health Partnership" in html(preview, "beta")


def test_stylesheet_change_renames_it_without_asking_for_a_reload(preview: Preview) -> None:
    css = preview.root / "themes/nhs/static/css/nhs.css"
    before = sorted(p.name for p in (preview.folder / "alpha/assets/css").iterdir())
    css.write_text(css.read_text() + "\nbody { color: red; }\n")
    result = preview.rebuild([css])
    assert result.problems == []
    assert not result.reload
    old, new = f"alpha/assets/css/{before[0]}", result.stylesheets[f"alpha/assets/css/{before[0]}"]
    assert old != new and (preview.folder / new).is_file() and not (preview.folder / old).exists()
    assert new.rsplit("/", 1)[1] in html(preview, "alpha/about")


def test_large_changes_rebuild_whole_and_a_stylesheet_still_swaps(preview: Preview,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import icsgen.serve.incremental

    monkeypatch.setattr(icsgen.serve.incremental, "FULL_REBUILD_MIN", 1)
    css = preview.root / "themes/nhs/static/css/nhs.css"
    css.write_text(css.read_text() + "\nbody { color: blue; }\n")
    result = preview.rebuild([css])
    assert result.full and not result.reload
    assert all(old != new and new.endswith(".css") for old, new in result.stylesheets.items())
    assert any((preview.folder / new).is_file() for new in result.stylesheets.values())


def test_a_new_link_to_a_missing_anchor_is_caught(preview: Preview) -> None:
    page = edit(preview.root / "content/alpha/index.md", "about/partners.md#nhs-trusts",
                "about/partners.md#no-such-heading")
    result = preview.rebuild([page])
    assert any("content/alpha/index.md:5: no heading or anchor '#no-such-heading'" in p for p in result.problems), \
        result.problems
    edit(page, "#no-such-heading", "#nhs-trusts")
    assert preview.rebuild([page]).problems == []


def test_after_a_run_of_saves_the_preview_is_what_a_fresh_full_build_writes(preview: Preview, tmp_path: Path) -> None:
    root = preview.root
    saves = [
        ("content/alpha/about/partners.md", "## NHS trusts", "## NHS trusts\n\nA new line."),
        ("content/alpha/about/index.md", "title: About", "title: About the partnership"),
        ("content/alpha/news/2024-01-10-first.md", "First post", "Opening post"),
        ("content/alpha/index.md", "Welcome to Alpha", "Hello from Alpha"),
        ("content/_shared/accessibility.md", "summary: How accessible this site is.", "summary: How we make it easy."),
    ]
    for rel, old, new in saves:
        result = preview.rebuild([edit(root / rel, old, new)])
        assert result.problems == [], (rel, result.problems)
        assert not result.full, rel
        assert preview._state is not None
        assert preview._state.jobs == {j.url: j for j in plan(preview._state.loaded.site)}, rel
    fresh = Preview(root, BuildOptions(drafts=True, future=True, jobs=1), tmp_path / "fresh")
    try:
        assert fresh.build().problems == []
        assert tree_digest(preview.folder) == tree_digest(fresh.folder)
    finally:
        fresh.close()


@pytest.mark.parametrize("target", ["outside", "loop"])
def test_a_page_replaced_by_a_link_out_or_a_loop_is_reported_not_read(preview: Preview, tmp_path: Path,
                                                                      target: str) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\nTOP-SECRET\n")
    page = preview.root / "content/alpha/about/partners.md"
    good = html(preview, "alpha/about/partners")
    page.unlink()
    page.symlink_to(secret if target == "outside" else "partners.md")
    result = preview.rebuild([page])
    assert result.problems[0].startswith("content/alpha/about/partners.md: a link to ")
    assert len(result.problems) == 1 and "TOP-SECRET" not in html(preview, "alpha/about/partners")
    assert html(preview, "alpha/about/partners") == good


def test_a_replaced_document_renders_again_the_pages_that_link_it(tmp_path: Path) -> None:
    from tests.support.pdfs import write_pdf

    root = basic_site(tmp_path / "site", {
        "content/alpha/papers.md": "---\ntitle: Papers\n---\nRead the [board papers](papers/board.pdf).\n"})
    pdf = write_pdf(root / "content/alpha/papers/board.pdf", "Board papers", ["Text."], pages=2)
    built = Preview(root, BuildOptions(jobs=1), tmp_path / "preview")
    try:
        assert built.build().problems == []
        assert "board papers (PDF, " in html(built, "alpha/papers") and ", 2 pages)" in html(built, "alpha/papers")
        write_pdf(pdf, "Board papers", ["Text. " * 500], pages=5)
        result = built.rebuild([pdf])
        assert result.problems == []
        assert "alpha/papers/" in result.rendered and "alpha/about/" not in result.rendered
        assert ", 5 pages)" in html(built, "alpha/papers")
        assert (built.folder / "alpha/papers/board.pdf").read_bytes() == pdf.read_bytes()
    finally:
        built.close()


def test_a_new_translation_appears_in_its_pages_switcher(preview: Preview) -> None:
    bengali = preview.root / "content/alpha/about/partners.bn.md"
    bengali.write_text("---\ntitle: অংশীদার\n---\nলেখা।\n", encoding="utf-8")
    result = preview.rebuild([bengali])
    assert result.problems == []
    assert "alpha/about/partners/" in result.rendered and "alpha/about/partners/bn/" in result.rendered
    assert 'hreflang="bn"' in html(preview, "alpha/about/partners")
    urdu = preview.root / "content/alpha/about/partners.ur.md"
    urdu.write_text("---\ntitle: شراکت دار\n---\nمتن۔\n", encoding="utf-8")
    result = preview.rebuild([urdu])
    for url in ("alpha/about/partners", "alpha/about/partners/bn", "alpha/about/partners/ur"):
        assert 'hreflang="ur"' in html(preview, url) and "اردو" in html(preview, url), url
    urdu.unlink()
    result = preview.rebuild([urdu])
    assert "اردو" not in html(preview, "alpha/about/partners")
    assert 'hreflang="ur"' not in html(preview, "alpha/about/partners/bn")


def test_an_image_saved_in_the_preview_is_made_again_stripped(preview: Preview) -> None:
    from tests.build.test_images import no_metadata, phone_photo

    photo = preview.root / "content/alpha/images/team.jpg"
    phone_photo(photo, size=(1000, 800), orientation=1)
    page = edit(preview.root / "content/alpha/about/partners.md", "## NHS trusts",
                "## NHS trusts\n\n![Our team at the Alpha hub](../images/team.jpg)")
    result = preview.rebuild([photo, page])
    assert result.problems == []
    assert 'width="1000" height="800"' in html(preview, "alpha/about/partners")
    no_metadata((preview.folder / "alpha/images/team.jpg").read_bytes())
    phone_photo(photo, size=(1200, 600), orientation=1)
    result = preview.rebuild([photo])
    assert 'width="1200" height="600"' in html(preview, "alpha/about/partners")
    no_metadata((preview.folder / "alpha/images/team-640w.webp").read_bytes())


# -- after any rebuild the folder holds what a full build writes ---------------------------------------

MEETINGS = """\
- title: Board meeting in public
  date: 2024-03-14
  start: "10:00"
  end: "12:00"
  venue: Alpha Civic Rooms
- title: Board meeting in public
  date: 2024-05-16
  start: "10:00"
  end: "12:00"
  venue: Alpha Civic Rooms
"""

PUBLICATIONS = """\
- title: Annual report 2023
  url: https://alpha.example.org/annual-report-2023.pdf
  date: 2023-07-01
  category: Annual reports
  class: priorities
- title: Five-year plan
  url: https://alpha.example.org/plan.pdf
  date: 2024-03-31
  category: Strategies and plans
  class: priorities
"""

DERIVED = {
    "content/alpha/about/index.md": "---\ntitle: About us\nsummary: Who we are.\naliases:\n  - /old-about/\n"
    "  - /ccg/about.html\n---\n## Who we are\n\nWe are Alpha.\n",
    "content/alpha/board.md": "---\ntitle: Board meetings\nsummary: When the board meets.\n---\n"
    "The board meets in public.\n\n!!! list meetings\n",
    "content/alpha/data/meetings-2024.yaml": MEETINGS,
    "content/alpha/data/meetings-2025.yaml": "- title: Annual general meeting\n  date: 2025-09-18\n"
    "  start: \"14:00\"\n  venue: Alpha Civic Rooms\n",
    "content/alpha/publications/index.md": "---\ntitle: Publications\ntemplate: publications\n"
    "summary: What we publish.\n---\nReports and plans.\n",
    "content/alpha/data/publications.yaml": PUBLICATIONS,
    "content/alpha/team.md": "---\ntitle: Our team\nsummary: Who works here.\n---\nThe team.\n",
}


def _outputs(folder: Path) -> dict[str, str]:
    """What a reader can fetch from a folder of the site: every file and its digest, but the search index
    (written after the reply, in the background) and the folder's marker."""
    return {rel: digest for rel, digest in tree_digest(folder).items()
            if "/pagefind/" not in f"/{rel}" and not rel.startswith(".")}


def _edit_meeting_out(root: Path) -> list[Path]:
    path = root / "content/alpha/data/meetings-2024.yaml"
    path.write_text(MEETINGS.split("- title", 2)[0] + "- title" + MEETINGS.split("- title", 2)[1])
    return [path]


def _rename(root: Path) -> list[Path]:
    old, new = root / "content/alpha/team.md", root / "content/alpha/our-team.md"
    old.rename(new)
    return [old, new]


def _delete(rel: str) -> Callable[[Path], list[Path]]:
    def delete(root: Path) -> list[Path]:
        (root / rel).unlink()
        return [root / rel]
    return delete


def _change(rel: str, old: str, new: str) -> Callable[[Path], list[Path]]:
    return lambda root: [edit(root / rel, old, new)]


@pytest.mark.parametrize("change", [
    pytest.param(_change("content/alpha/about/index.md", "  - /ccg/about.html\n", ""), id="remove-alias"),
    pytest.param(_change("content/alpha/about/index.md", "  - /old-about/\n", "  - /old-about/\n  - /was/\n"),
                 id="add-alias"),
    pytest.param(_edit_meeting_out, id="delete-meeting"),
    pytest.param(_change("content/alpha/publications/index.md", "title: Publications", "title: Our documents"),
                 id="edit-publications"),
    pytest.param(_change("content/alpha/data/publications.yaml", "category: Strategies and plans",
                         "category: Plans"), id="recategorise-publication"),
    pytest.param(_rename, id="rename-page"),
    pytest.param(_delete("content/alpha/data/meetings-2025.yaml"), id="delete-data-file"),
])
def test_after_a_rebuild_the_folder_holds_exactly_what_a_full_build_writes(
        tmp_path: Path, change: Callable[[Path], list[Path]]) -> None:
    root = basic_site(tmp_path / "site", DERIVED)
    options = BuildOptions(drafts=True, future=True, jobs=1, search=False, today=dt.date(2024, 4, 1))
    built = Preview(root, options, tmp_path / "preview")
    fresh = Preview(root, options, tmp_path / "fresh")
    try:
        assert built.build().problems == []
        before = _outputs(built.folder)
        for made in ("alpha/ccg/about.html", "alpha/calendar/meeting-2024-05-16-board-meeting-in-public.ics",
                     "alpha/calendar/meeting-2025-09-18-annual-general-meeting.ics",
                     "alpha/publications/strategies-and-plans/index.html", "alpha/team/index.html"):
            assert made in before, sorted(before)
        result = built.rebuild(change(root))
        assert result.problems == []
        assert not result.full  # the incremental rebuild is the one under test
        assert fresh.build().problems == []
        after, expected = _outputs(built.folder), _outputs(fresh.folder)
        assert sorted(after.keys() - expected.keys()) == [], "left over"
        assert sorted(expected.keys() - after.keys()) == [], "missing"
        assert [rel for rel in expected if after[rel] != expected[rel]] == [], "different"
        assert after != before
    finally:
        built.close()
        fresh.close()


def _what_a_build_says(root: Path, out: Path) -> list[str]:
    from icsgen.build import build
    from icsgen.problems import BuildFailed

    with pytest.raises(BuildFailed) as failed:
        build(root, BuildOptions(drafts=True, future=True, jobs=1, out=out))
    return sorted(str(p) for p in failed.value.problems)


def test_a_save_with_several_kinds_of_mistake_lists_every_problem_the_build_lists(preview: Preview,
                                                                                 tmp_path: Path) -> None:
    """The preview stopped at the first mistake found while reading (a data file's wrong time, a page's
    broken front matter) and so hid the broken links, and the missing board paper, that `icsgen build`
    and `icsgen check` list beside it: the editor fixed one, saved, and only then met the next."""
    root = preview.root
    good = html(preview, "beta")
    meetings = root / "content/alpha/data/meetings-2026.yaml"
    meetings.write_text("- title: Board meeting\n  date: 2026-01-14\n  start: \"25:00\"\n  venue: Hall\n"
                        "- title: Board meeting\n  date: 2026-03-11\n  start: \"10:00\"\n  venue: Hall\n"
                        "  minutes: papers/2026-03-11-minutes.pdf\n")
    broken = root / "content/alpha/about/partners.md"
    broken.write_text("---\ntitle: Partners: who\n---\nBroken.\n")
    linking = edit(root / "content/beta/index.md", "Back to", "See [our plan](plan.md). Back to")
    listing = root / "content/alpha/about/index.md"
    listing.write_text(listing.read_text() + "\n## Board meetings\n\n!!! list meetings\n")
    result = preview.rebuild([meetings, broken, linking, listing])
    said = _what_a_build_says(root, tmp_path / "out")
    assert sorted(result.problems) == said
    assert any(p.startswith("content/alpha/data/meetings-2026.yaml:3: 'start'") for p in said)
    assert any(p.startswith("content/alpha/data/meetings-2026.yaml:9: 'minutes'") for p in said)
    assert any(p.startswith("content/alpha/about/partners.md:2: ") for p in said)
    assert any(p.startswith("content/beta/index.md:") and "plan.md" in p for p in said)
    assert html(preview, "beta") == good  # nothing written while there are problems
    # and the preview's first build, of a site with the same mistakes, says the same
    again = Preview(root, BuildOptions(drafts=True, future=True, jobs=1), tmp_path / "again")
    try:
        assert sorted(again.build().problems) == said
    finally:
        again.close()
