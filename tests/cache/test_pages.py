"""The page store: pages restored from the last build are the pages a fresh read gives."""

from __future__ import annotations

import os
from pathlib import Path

from icsgen.build import BuildOptions, load
from icsgen.cache.files import write_store
from icsgen.cache.outputs import code_fingerprint
from icsgen.cache.pages import FORMAT, PageStore
from icsgen.content.frontmatter import body_of
from tests.support.sitemaker import basic_site, clean_build, edit, run, tree_digest

REPO = Path(__file__).resolve().parent.parent.parent


def test_restored_pages_equal_freshly_read_pages_on_the_sample_content(tmp_path: Path) -> None:
    fresh = load(REPO, BuildOptions()).site.pages
    first = PageStore(tmp_path / "pages.bin", "test")
    load(REPO, BuildOptions(pages=first))
    first.save()
    again = PageStore(tmp_path / "pages.bin", "test")
    restored = load(REPO, BuildOptions(pages=again)).site.pages
    assert restored.keys() == fresh.keys()
    unread = [key for key, page in restored.items() if "body" not in vars(page)]
    assert len(unread) == len(restored), "unchanged files are not read"
    for key, page in fresh.items():
        assert restored[key] == page, key  # every field, the Markdown body (read on first use) included


def test_the_body_line_gives_back_the_body_for_every_sample_page() -> None:
    for page in load(REPO, BuildOptions()).site.pages.values():
        assert body_of(page.source_path.read_text(encoding="utf-8"), page.body_line) == page.body, page.key


def test_a_same_size_edit_that_keeps_the_modification_time_is_still_seen(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    path = root / "content/alpha/about/partners.md"
    old = os.stat(path)
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns - 10_000_000_000))  # not "just edited"
    assert run(root, "build").exit_code == 0
    before = os.stat(path)
    text = path.read_text()
    path.write_text(text.replace("title: Partners", "title: Partnerz"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as some copy tools leave it
    assert os.stat(path).st_size == before.st_size
    assert run(root, "build").exit_code == 0
    assert "Partnerz" in (root / "build/alpha/about/partners/index.html").read_text()
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_a_damaged_page_store_is_ignored(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    store = root / ".icsgen-cache/pages.bin"
    good = store.read_bytes()
    stamp = f"pages {FORMAT} {code_fingerprint()}"
    page = str(root / "content/alpha/about/partners.md")
    damages = {
        "not a store": lambda: store.write_bytes(b"not a store"),
        "cut short": lambda: store.write_bytes(good[: len(good) // 2]),
        "one byte changed": lambda: store.write_bytes(good[:-5] + bytes([good[-5] ^ 1]) + good[-4:]),
        "another icsgen's": lambda: write_store(store, "pages 1 another", {}),
        "nonsense records": lambda: write_store(store, stamp, {"alpha/about/partners.md": 42,
                                                               "alpha/index.md": [[page], None]}),
        "not a mapping": lambda: write_store(store, stamp, ["alpha"]),
    }
    for name, damage in damages.items():
        damage()
        edit(root, "content/alpha/index.md", lambda t: t + "\nMore.\n")
        result = run(root, "build")
        assert result.exit_code == 0, (name, result.output)
        assert tree_digest(root / "build") == clean_build(root, tmp_path), name


def test_a_page_with_a_problem_is_reported_on_every_build(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    edit(root, "content/alpha/about/partners.md", lambda t: t.replace("title: Partners\n", ""))
    for _ in range(2):
        result = run(root, "build")
        assert result.exit_code == 1
        assert "partners.md:1" in result.output and "title" in result.output


def test_restored_drafts_and_future_posts_are_left_out_as_fresh_ones_are(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/plans.md": "---\ntitle: Plans\ndraft: true\n---\nNot yet.\n",
        "content/alpha/news/2999-01-01-later.md": "---\ntitle: Later\n---\nOne day.\n",
    })
    past = os.stat(root / "regions.yaml").st_mtime - 3600
    for path in (root / "content").rglob("*.md"):  # old enough for the store to trust them by identity
        os.utime(path, (past, past))
    first = PageStore(tmp_path / "pages.bin", "test")
    load(root, BuildOptions(pages=first, drafts=True, future=True))
    first.save()
    for drafts, future in [(False, False), (True, False), (False, True), (True, True)]:
        options = {"drafts": drafts, "future": future}
        fresh = load(root, BuildOptions(**options)).site.pages
        store = PageStore(tmp_path / "pages.bin", "test")
        restored = load(root, BuildOptions(pages=store, **options)).site.pages
        assert len(store.restored) == len(list((root / "content").rglob("*.md"))) + 1  # the shared page in each region
        assert restored.keys() == fresh.keys(), options
        assert ("alpha/about/plans.md" in restored) == drafts
        assert ("alpha/news/2999-01-01-later.md" in restored) == future
        assert all(restored[key] == page for key, page in fresh.items())


def test_a_restored_page_gives_the_same_title_and_last_change_as_a_fresh_one(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/reviewed.md": "---\ntitle: R\nreviewed: 2024-05-01\nreview_due: 2030-01-01\n---\nx\n",
        "content/alpha/news/2024-03-01-updated.md":
            "---\ntitle: U\nupdated: 2024-06-02\nreviewed: 2024-04-01\n---\nx\n",
        "content/alpha/about/undated.md": "---\ntitle: Undated\n---\nx\n",
    })
    past = os.stat(root / "regions.yaml").st_mtime - 3600
    for path in (root / "content").rglob("*.md"):
        os.utime(path, (past, past))
    first = PageStore(tmp_path / "pages.bin", "test")
    load(root, BuildOptions(pages=first))
    first.save()
    fresh = load(root, BuildOptions()).site.pages
    restored = load(root, BuildOptions(pages=PageStore(tmp_path / "pages.bin", "test"))).site.pages
    undecoded = {key for key, page in restored.items() if "meta" not in vars(page)}
    assert "alpha/about/reviewed.md" in undecoded
    changes = {key: page.last_modified() for key, page in restored.items()}
    titles = {key: page.title for key, page in restored.items()}  # a section's title is its index page's
    assert all("meta" not in vars(restored[key]) for key in undecoded), "answered without decoding front matter"
    assert changes == {key: page.last_modified() for key, page in fresh.items()}
    assert titles == {key: page.title for key, page in fresh.items()}
    assert str(changes["alpha/about/reviewed.md"]) == "2024-05-01"
    assert str(changes["alpha/news/2024-03-01-updated.md"]) == "2024-06-02"
    assert changes["alpha/about/undated.md"] is None
