"""The build cache: after any change, a cached build writes exactly what a clean build writes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest

from icsgen.cache.files import read_store, write_store
from icsgen.cache.outputs import FORMAT, OutputTable, code_fingerprint
from tests.support.sitemaker import basic_site, clean_build, edit, leftovers, run, tree_digest, write_site


def rerendered(output: str) -> int | None:
    found = re.search(r"; (\d+) re-rendered, the rest unchanged", output)
    return int(found.group(1)) if found else None






def rename_partners(root: Path) -> None:
    (root / "content/alpha/about/partners.md").rename(root / "content/alpha/about/our-partners.md")
    edit(root, "content/alpha/index.md", lambda t: t.replace("about/partners.md", "about/our-partners.md"))


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit a page's body": lambda root: edit(root, "content/alpha/about/partners.md", lambda t: t + "\nMore.\n"),
    "edit a title shown in listings": lambda root: edit(
        root, "content/alpha/news/2024-01-10-first.md", lambda t: t.replace("First post", "Opening post")),
    "add a news post": lambda root: write_site(root, {
        "content/alpha/news/2024-03-01-third.md": "---\ntitle: Third post\ndate: 2024-03-01\n---\nNew.\n"},
        config=None, theme=False),
    "delete a page": lambda root: (root / "content/alpha/news/2024-01-10-first.md").unlink(),
    "rename a page": lambda root: rename_partners(root),
    "edit a template": lambda root: edit(root, "themes/nhs/templates/news-article.html",
                                         lambda t: t.replace("{% block content %}", "{% block content %}<p>NEW</p>")),
    "edit a stylesheet": lambda root: edit(root, "themes/nhs/static/css/nhs.css", lambda t: t + "\n.x{color:red}\n"),
    "edit a data file": lambda root: edit(root, "content/alpha/data/partners.yaml",
                                          lambda t: t.replace("Alpha Hospital", "Alpha General Hospital")),
    "edit a setting": lambda root: edit(root, "regions.yaml", lambda t: t.replace("Beta Partnership", "Beta ICP")),
    "edit a shared page": lambda root: edit(root, "content/_shared/accessibility.md", lambda t: t + "\nUpdated.\n"),
    "give a linked page a new address": lambda root: edit(
        root, "content/alpha/about/partners.md",
        lambda t: t.replace("weight: 2\n", "weight: 2\nslug: our-partners\n")),
    "add a heading before a linked anchor": lambda root: edit(
        root, "content/alpha/about/partners.md",
        lambda t: t.replace("## NHS trusts", "## Overview\n\nx\n\n## NHS trusts")),
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_cached_build_after_a_change_equals_a_clean_build(tmp_path: Path, change: str) -> None:
    root = basic_site(tmp_path / "site")
    first = run(root, "build")
    assert first.exit_code == 0, first.output
    CHANGES[change](root)
    second = run(root, "build")
    assert second.exit_code == 0, second.output
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_a_data_folder_taken_away_and_put_back_is_read_again(tmp_path: Path) -> None:
    """Found by the fuzz test: `{% if data %}` read which data files there were without recording it,
    so once the folder was back (a `git checkout`, an undo), the pages kept the empty lists."""
    page_text = "---\ntitle: Partners\ntemplate: partners\n---\nx\n"
    root = basic_site(tmp_path / "site", {"content/alpha/partners.md": page_text})
    assert run(root, "build").exit_code == 0
    page = root / "build/alpha/partners/index.html"
    assert "Alpha Hospital" in page.read_text()
    (root / "content/alpha/data").rename(tmp_path / "data")
    assert run(root, "build").exit_code == 0
    assert "Alpha Hospital" not in page.read_text()
    (tmp_path / "data").rename(root / "content/alpha/data")
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert "Alpha Hospital" in page.read_text()
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_no_change_rerenders_nothing_and_one_edit_rerenders_little(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert rerendered(run(root, "build").output) is None  # the first build renders everything
    assert rerendered(run(root, "build").output) == 0
    edit(root, "content/alpha/about/partners.md", lambda t: t + "\nMore.\n")
    count = rerendered(run(root, "build").output)
    assert count == 1  # the page: its title and summary, which others show, are as they were


def test_only_what_shows_of_a_page_renders_its_listers_again(tmp_path: Path) -> None:
    """A page's A to Z entry, links and listings show its title, address and first paragraph (when it has
    no summary): an edit below that renders just the page; an edit to what shows renders those too."""
    team = "---\ntitle: Our team\n---\nWe are a small team.\n\n## Later\n\nMore text.\n"
    root = basic_site(tmp_path / "site", {"content/alpha/about/team.md": team})
    assert run(root, "build").exit_code == 0
    a_z, about = root / "build/alpha/a-z/index.html", root / "build/alpha/about/index.html"
    assert "Our team" in a_z.read_text() and "We are a small team." in about.read_text()

    steps = [("More text.", "Other text.", 1), ("We are a small team.", "We are a team of six.", 2),
             ("title: Our team", "title: The team", 3)]
    for n, (before, after, least) in enumerate(steps):
        edit(root, "content/alpha/about/team.md", lambda t, b=before, a=after: t.replace(b, a))
        result = run(root, "build")
        assert result.exit_code == 0, result.output
        count = rerendered(result.output)
        assert count == 1 if least == 1 else count is not None and count >= least, (after, result.output)
        assert tree_digest(root / "build") == clean_build(root, tmp_path / str(n)), after
    assert "The team" in a_z.read_text() and "Our team" not in a_z.read_text()
    assert "We are a team of six." in about.read_text()


def test_what_a_page_shows_others_is_the_same_read_from_its_file_or_from_the_page_store(tmp_path: Path) -> None:
    """After a failed build the records are not trusted to the page store's models, and every page's state is
    worked out again from restored pages: equal to those made from the files, so only the fixed page renders."""
    team = ("---\ntitle: Our team\naliases: [/old-team/]\ntags: [a, b]\ndate: 2024-01-02\n"
            "extra: {colour: blue, n: 3}\n---\nWe are a small team.\n\nMore text.\n")
    root = basic_site(tmp_path / "site", {"content/alpha/about/team.md": team})
    assert run(root, "build").exit_code == 0
    edit(root, "content/alpha/about/team.md", lambda t: t.replace("More text.", "[Broken](nowhere.md)"))
    assert run(root, "build").exit_code == 1
    edit(root, "content/alpha/about/team.md", lambda t: t.replace("[Broken](nowhere.md)", "Fixed."))
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert rerendered(result.output) == 1, result.output
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_records_numbered_while_pages_render_are_those_numbered_at_the_end(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A big build numbers its records' inputs every `PENDING` pages, not all at the end (held unnumbered, they
    took 170 MB at 30,000 pages): the records it keeps are the same, and rebuilds after a change are right."""
    from icsgen.cache import outputs

    def records() -> dict:
        data = read_store(root / ".icsgen-cache/outputs.bin", f"outputs.bin {FORMAT} {code_fingerprint()}")
        assert isinstance(data, dict) and data["outputs"]
        return {k: v for k, v in data.items() if k != "pages_token"}  # names the page store's version: random

    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    whole = records()
    os.rename(root / ".icsgen-cache", tmp_path / "first-cache")
    os.rename(root / "build", tmp_path / "first-build")
    monkeypatch.setattr(outputs, "PENDING", 1)
    assert run(root, "build").exit_code == 0
    assert records() == whole
    for change in ("edit a template", "edit a page's body", "rename a page"):
        CHANGES[change](root)
        assert run(root, "build").exit_code == 0
        assert tree_digest(root / "build") == clean_build(root, tmp_path / change)


def test_a_file_changed_by_hand_in_build_is_put_right(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    page = root / "build/alpha/about/index.html"
    page.write_text("tampered")
    (root / "build/beta/index.html").unlink()
    assert run(root, "build").exit_code == 0
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_a_template_edit_that_changes_no_output_rewrites_nothing(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    build = root / "build"
    (build / "alpha/about/index.html").write_text("tampered")  # put right below
    touched = build / "beta/index.html"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns - 10**9))  # same bytes, older
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in build.rglob("*.html")}
    edit(root, "themes/nhs/templates/base.html", lambda t: t.replace("</body>", "{# a note #}</body>"))
    second = run(root, "build")
    assert second.exit_code == 0, second.output
    assert tree_digest(build) == clean_build(root, tmp_path)
    replaced = sorted(p.relative_to(build).as_posix() for p, stamp in before.items()
                      if (p.stat().st_ino, p.stat().st_mtime_ns) != stamp)
    assert replaced == ["alpha/about/index.html"]  # the rest were not written again, only compared
    assert rerendered(run(root, "build").output) == 0  # the touched file's new time was recorded


def test_a_rebuild_of_many_pages_leaves_no_staging_folder(tmp_path: Path) -> None:
    many = {f"content/alpha/services/service-{n}.md": f"---\ntitle: Service {n}\n---\nAbout {n}.\n" for n in range(80)}
    root = basic_site(tmp_path / "site", many)
    assert run(root, "build").exit_code == 0
    edit(root, "themes/nhs/templates/base.html", lambda t: t.replace("</body>", "<p>Changed</p></body>"))
    assert run(root, "build").exit_code == 0  # every page changes: its emptied staging folders go in the background
    assert tree_digest(root / "build") == clean_build(root, tmp_path)
    deadline = time.monotonic() + 10
    while leftovers(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(root) == []


def _garbage_records(path: Path, stamp: str) -> None:
    data = read_store(path, stamp)
    assert data is not None
    for url in data["outputs"]:
        data["outputs"][url] = "nonsense" if len(url) % 2 else [[10**9], 42, None, 7]
    data["keys"] = [*data["keys"][:-1], 42]
    data["states"] = [*data["states"][:-1], None]
    write_store(path, stamp, data)


DAMAGES: dict[str, Callable[[Path, str], None]] = {
    "not a store": lambda path, stamp: path.write_bytes(b"not a store"),
    "cut short": lambda path, stamp: path.write_bytes(path.read_bytes()[:200]),
    "one byte changed": lambda path, stamp: path.write_bytes(path.read_bytes()[:-3] + b"X" + path.read_bytes()[-2:]),
    "another icsgen's": lambda path, stamp: write_store(path, "outputs.bin 1 other", {"outputs": {}}),
    "nonsense records": _garbage_records,
    "not a mapping": lambda path, stamp: write_store(path, stamp, ["outputs"]),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
@pytest.mark.parametrize("name", ["outputs.bin", "state.bin"])
def test_a_corrupt_or_foreign_cache_is_ignored(tmp_path: Path, damage: str, name: str) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    if damage == "nonsense records" and name == "state.bin":
        data = read_store(root / ".icsgen-cache" / name, f"{name} {FORMAT} {code_fingerprint()}")
        data["output_stats"] = {"alpha/index.html": "x", "../../outside.html": [1, 2]}
        write_store(root / ".icsgen-cache" / name, f"{name} {FORMAT} {code_fingerprint()}", data)
    else:
        DAMAGES[damage](root / ".icsgen-cache" / name, f"{name} {FORMAT} {code_fingerprint()}")
    (root / ".icsgen-cache/pages.bin").write_text("{{{")
    edit(root, "content/alpha/index.md", lambda t: t.replace("Welcome to Alpha", "Hello from Alpha"))
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_a_failed_incremental_build_leaves_the_last_good_site(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    edit(root, "content/alpha/about/partners.md", lambda t: t + "\n[broken](nowhere.md)\n")
    edit(root, "content/alpha/about/index.md", lambda t: t + "\nA good change.\n")
    assert run(root, "build").exit_code == 1
    assert tree_digest(root / "build") == before


def test_a_cached_build_reports_an_anchor_broken_by_a_change_the_linking_page_did_not_read(tmp_path: Path) -> None:
    # a heading made from a data file: editing the data renders the partners page again, not the page linking to it
    root = basic_site(tmp_path, {
        "content/alpha/about/partners.md": "---\ntitle: Partners\n---\n## {{ data.partners[0].name }}\n\nOurs.\n",
        "content/beta/index.md": "---\ntitle: Beta\n---\n[odd](/alpha/about/index.md#who~we)\n"
                                 "[fine](/alpha/about/partners.md#alpha-hospital)\n",
        "content/alpha/index.md": "---\ntitle: Welcome to Alpha\n---\nRead [about us](about/index.md).\n",
    })
    first = run(root, "build")
    assert first.exit_code == 1 and "content/beta/index.md:4: no heading or anchor '#who~we'" in first.output
    edit(root, "content/beta/index.md", lambda t: t.replace("[odd](/alpha/about/index.md#who~we)\n", ""))
    assert run(root, "build").exit_code == 0
    edit(root, "content/alpha/data/partners.yaml", lambda t: t.replace("Alpha Hospital", "Alpha General"))
    result = run(root, "build")
    assert result.exit_code == 1
    assert ("content/beta/index.md:4: no heading or anchor '#alpha-hospital' on 'alpha/about/partners.md'"
            in result.output)
    edit(root, "content/alpha/data/partners.yaml", lambda t: t.replace("Alpha General", "Alpha Hospital"))
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert rerendered(result.output) is not None  # a cached build, not a full one
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_damaged_converted_markdown_is_ignored(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    kept = [p for p in (root / ".icsgen-cache/markdown").rglob("*") if p.is_file()]
    assert kept, "converted pages are kept for the next build"
    for path in kept:
        path.write_text('{"html": 42}' if path.stat().st_size % 2 else "not json")
    edit(root, "themes/nhs/templates/page.html",
         lambda t: t.replace("{% block content %}", "{% block content %}<p>T</p>"))
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_a_folder_link_that_loops_does_not_hang_the_build(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    (root / "content/alpha/about/loop").symlink_to(root / "content/alpha", target_is_directory=True)
    for _ in range(2):  # the first build, then the cached one that walks every input
        result = run(root, "build")
        assert result.exit_code == 0, result.output


def test_a_region_folder_may_be_a_link_and_its_pages_are_rebuilt_when_edited(tmp_path: Path) -> None:
    """A link that stays inside the project folder (one out of it is an error: see test_build.py)."""
    root = basic_site(tmp_path / "site")
    (root / "elsewhere").mkdir()
    (root / "content/alpha").rename(root / "elsewhere/alpha")
    (root / "content/alpha").symlink_to("../elsewhere/alpha", target_is_directory=True)
    assert run(root, "build").exit_code == 0
    edit(root, "content/alpha/about/partners.md", lambda t: t + "\nLinked and edited.\n")
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert "Linked and edited." in (root / "build/alpha/about/partners/index.html").read_text()
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    kept = sorted((root / ".icsgen-cache/templates").glob("*.bin"))
    assert kept, "compiled templates are kept for the next build"
    for n, path in enumerate(kept):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] if n % 2 else data[:-1] + bytes([data[-1] ^ 1]))
    edit(root, "content/alpha/about/partners.md", lambda t: t + "\nMore.\n")
    edit(root, "themes/nhs/templates/page.html",
         lambda t: t.replace("{% block content %}", "{% block content %}<p>T</p>"))
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert "<p>T</p>" in (root / "build/alpha/about/partners/index.html").read_text()
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_a_failed_build_between_two_good_ones_leaves_nothing_stale(tmp_path: Path) -> None:
    """A failed build saves the pages it read but not its records: the next must not trust old records for them."""
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    edit(root, "content/alpha/about/partners.md", lambda t: t + "\nFresh words.\n")
    an_hour_ago = time.time() - 3600  # not "edited a moment ago", which the store would never trust
    os.utime(root / "content/alpha/about/partners.md", (an_hour_ago, an_hour_ago))
    other = "content/alpha/news/2024-01-10-first.md"
    edit(root, other, lambda t: t + "\nSee [the plan](no-such-plan.md).\n")  # another page's mistake fails the build
    failed = run(root, "build")
    assert failed.exit_code != 0 and "no-such-plan.md" in failed.output
    edit(root, other, lambda t: t.replace("See [the plan](no-such-plan.md).", "See the plan."))
    fixed = run(root, "build")
    assert fixed.exit_code == 0, fixed.output
    assert "Fresh words" in (root / "build/alpha/about/partners/index.html").read_text()
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_keys_no_output_reads_any_more_are_dropped_from_the_records() -> None:
    class Constant:
        def state(self, key: str) -> str:
            return "same"

    table = OutputTable.empty()
    for n in range(3000):  # ten outputs, rendered again and again, each time reading a new page
        table.add(f"u{n % 10}/", [f"j:u{n % 10}/", f"p:page-{n}.md"], Constant(), ["top"], [], "")  # type: ignore[arg-type]
    stored = OutputTable.restore({"fingerprint": "f", **table.stored()})
    assert stored is not None
    in_use = [f"j:u{n}/" for n in range(10)] + [f"p:page-{n}.md" for n in range(2990, 3000)]
    assert sorted(stored.keys) == sorted(in_use)
    for url, record in stored.outputs.items():  # each record still names what it read
        assert [stored.keys[i] for i in array("I", record[0])] == [f"j:{url}", f"p:page-{2990 + int(url[1:-1])}.md"]
    assert stored.anchors("u3/") == ["top"]


def test_a_record_that_is_not_its_own_outputs_is_never_trusted(tmp_path: Path) -> None:
    """Builds read records without checking whose they are; saving checks it. Here two pages' records are
    swapped in a saved table (as a mistake in icsgen might): the next save drops them, and both pages are
    rendered again, even though the edited page would otherwise keep the other's record."""
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    store = root / ".icsgen-cache" / "outputs.bin"
    header = f"outputs.bin {FORMAT} {code_fingerprint()}"
    data = read_store(store, header)
    assert data is not None
    a, b = "alpha/about/partners/", "alpha/about/"
    data["outputs"][a], data["outputs"][b] = data["outputs"][b], data["outputs"][a]
    table = OutputTable.restore(data)
    assert table is not None
    saved = table.stored()
    assert a not in saved["outputs"] and b not in saved["outputs"]
    assert len(saved["outputs"]) == len(data["outputs"]) - 2
    write_store(store, header, {**{k: v for k, v in data.items() if k not in saved}, **saved})
    edit(root, "content/alpha/about/partners.md", lambda t: t + "\nMore.\n")
    second = run(root, "build")
    assert second.exit_code == 0, second.output
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_the_cache_lock_makes_a_build_wait_for_the_one_before(tmp_path: Path) -> None:
    """The command line writes its cache in a detached child; the lock makes the next reader wait for it."""
    from icsgen.cache.outputs import OUTPUTS, STATE, locked
    from icsgen.cache.pages import FORMAT as PAGES_FORMAT

    root = basic_site(tmp_path / "site")
    for _ in range(3):
        edit(root, "content/alpha/about/partners.md", lambda t: t + "\nMore.\n")
        done = subprocess.run([sys.executable, "-m", "icsgen", "build", "--root", str(root), "--quiet"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        with locked(root):  # whatever the detached writer was doing is finished now
            fingerprint = code_fingerprint()
            assert read_store(root / ".icsgen-cache" / OUTPUTS, f"{OUTPUTS} {FORMAT} {fingerprint}") is not None
            assert read_store(root / ".icsgen-cache" / STATE, f"{STATE} {FORMAT} {fingerprint}") is not None
            pages = read_store(root / ".icsgen-cache/pages.bin", f"pages {PAGES_FORMAT} {fingerprint}")
            assert pages is not None and "alpha/about/partners.md" in pages["pages"]

    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path\n"
                               "from icsgen.cache import locked\n"
                               "with locked(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(1.5)",
                               str(root)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    asked = time.monotonic()
    with locked(root):
        waited = time.monotonic() - asked
    assert waited > 1.0  # the holder keeps it 1.5 s after saying so: we got it only once it let go
    holder.wait(10)


def _age(root: Path) -> None:
    """Date every source file an hour back: files edited a moment ago are never trusted by their identity."""
    past = time.time() - 3600
    for path in [root / "regions.yaml", *(root / "content").rglob("*"), *(root / "themes").rglob("*")]:
        os.utime(path, (past, past))


@pytest.mark.parametrize("by_hand", ["nothing", "beta's sitemap deleted"])
def test_a_region_with_no_page_read_again_keeps_its_feed_and_sitemap(tmp_path: Path, by_hand: str) -> None:
    root = basic_site(tmp_path / "site")
    _age(root)
    assert run(root, "build").exit_code == 0
    assert run(root, "build").exit_code == 0  # the page store now trusts every file by its identity
    beta_feed = root / "build/beta/news/feed.xml"
    before = beta_feed.stat()
    if by_hand != "nothing":
        (root / "build/beta/sitemap.xml").unlink()
    post = root / "content/alpha/news/2024-01-10-first.md"
    edit(root, post.relative_to(root).as_posix(), lambda t: t.replace("First post", "Opening post"))
    an_hour_ago = time.time() - 3600
    os.utime(post, (an_hour_ago, an_hour_ago))  # only this file: the others keep their identity
    assert run(root, "build").exit_code == 0
    assert "Opening post" in (root / "build/alpha/news/feed.xml").read_text()
    assert beta_feed.stat().st_mtime_ns == before.st_mtime_ns and beta_feed.stat().st_ino == before.st_ino
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


@pytest.mark.parametrize("link", ["themes/nhs/templates/loop.html", "content/alpha/about/gone.md",
                                  "content/alpha/data/loop.yaml"])
def test_a_link_to_nothing_added_after_a_build_is_a_change(tmp_path: Path, link: str) -> None:
    """The no-change test compares every input's identity; a link that loops has none to follow."""
    root = basic_site(tmp_path)
    an_hour_ago = time.time() - 3600  # files the state trusts (not "edited a moment ago")
    for path in root.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    assert run(root, "build").exit_code == 0
    assert "0 re-rendered" in run(root, "build").output  # the no-change test answers
    (root / link).symlink_to(Path(link).name)
    result = run(root, "build")
    assert result.exit_code == 1
    assert result.output.startswith(f"{link}: a link to '{Path(link).name}' that leads round in a loop")
