"""The search step of `icsgen build`: one Pagefind index per region, cut into shards, kept up to date by
rebuilds that index again only the shards whose pages changed; `--no-search`; a plain message when Pagefind
cannot run. (What a visitor sees is tested in Chromium: tests/end_to_end/test_search.py.)"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from icsgen.build.search import IndexerFailed, patched, shard_count
from tests.support.pdfs import write_pdf
from tests.support.sitemaker import basic_site, edit, leftovers, run


def index_files(out: Path, region: str, shard: str = "") -> dict[str, int]:
    folder = out / region / "pagefind" / shard
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def shard_text(out: Path, region: str, number: int) -> str:
    """Every page fragment of one shard, decompressed (Pagefind gzips them, after a signature)."""
    folder = out / region / "pagefind" / str(number) / "fragment"
    return "\n".join(gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in folder.glob("*.pf_fragment"))


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
        assert json.loads((out / region / "pagefind" / "shards.json").read_text()) == {"shards": 1}  # a small site
        entry = json.loads((out / region / "pagefind" / "0" / "pagefind-entry.json").read_text())
        assert entry["languages"]["en"]["page_count"] > 0
        assert (out / region / "pagefind" / "0" / "pagefind.js").is_file()
        assert not list((out / region / "pagefind").rglob("pagefind-ui.js"))  # Pagefind's own UI: not used
        assert 'action="search/index.html"' in (out / region / "index.html").read_text() or \
            'action="search/"' in (out / region / "index.html").read_text()
        a_z = (out / region / "a-z" / "index.html").read_text()
        assert "A to Z of pages" in a_z
    assert (out / "search" / "index.html").is_file()
    assert '<meta name="robots" content="noindex">' in (out / built[0] / "search" / "index.html").read_text()


def test_a_pages_record_holds_its_words_as_a_reader_sees_them_and_not_its_contents_list(tmp_path: Path) -> None:
    """What a result's excerpt is made from: a link's last word keeps its full stop, words in separate
    elements stay apart, and the contents list (the page's own headings again) is left out."""
    site = basic_site(tmp_path / "site", {"content/alpha/about/partners.md": (
        "---\ntitle: Partners\nsummary: Who we work with.\ntoc: true\n---\n"
        "## NHS trusts\n\nRead [our plans](/alpha/index.md). Ask the **Quillfeather** team, "
        "or *Pewterbrook*, today.\n\n## Councils\n\n| Council | Phone |\n| --- | --- |\n| Alder | 0300 |\n\n"
        "## Charities\n\nThe Wrenfield Trust.\n")})
    done = run(site, "build")
    assert done.exit_code == 0, done.output
    folder = site / "build" / "alpha" / "pagefind" / "0" / "fragment"
    fragments = [json.loads(gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd")) for p in folder.iterdir()]
    content = next(fragment["content"] for fragment in fragments if "Quillfeather" in fragment["content"])
    assert "Read our plans. Ask the Quillfeather team, or Pewterbrook, today." in content
    assert "Council Phone Alder 0300" in content
    assert content.count("NHS trusts") == 1 and content.count("Councils") == 1  # once, as a heading
    assert "Contents" not in content
    assert 'class="nhsuk-contents-list"' in (site / "build" / "alpha" / "about" / "partners" / "index.html").read_text()


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
    assert not list((out / first / "pagefind").rglob("pagefind-ui.js"))


def test_a_big_region_is_cut_into_shards_and_an_edit_indexes_again_only_one(site: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICSGEN_TEST_SHARD_PAGES", "1")  # as if each page were 150
    assert run(site, "build").exit_code == 0
    out = site / "build"
    index = out / "alpha" / "pagefind"
    count = json.loads((index / "shards.json").read_text())["shards"]
    assert count > 1
    assert sorted(p.name for p in index.iterdir() if p.is_dir()) == sorted(str(n) for n in range(count))
    entries = [json.loads((index / str(n) / "pagefind-entry.json").read_text()) for n in range(count)]
    assert all(entry["languages"]["en"]["page_count"] > 0 for entry in entries)
    fragments = sorted(p.name for p in index.glob("*/fragment/*.pf_fragment"))
    assert len(fragments) == len(set(fragments)) == sum(e["languages"]["en"]["page_count"] for e in entries) >= 5
    assert (index / "0" / "pagefind.js").is_file() and (index / "0" / "pagefind-worker.js").is_file()
    for n in range(1, count):  # the script and WebAssembly are loaded from shard 0 only
        assert not list((index / str(n)).glob("pagefind*.js")) and not list((index / str(n)).glob("wasm.*"))
    before = {n: index_files(out, "alpha", str(n)) for n in range(count)}
    beta = index_files(out, "beta")
    edit(site, "content/alpha/about/partners.md", lambda text: text + "\nThe Xylophonist Trust joined.\n")
    assert run(site, "build").exit_code == 0
    changed = [n for n in range(count) if index_files(out, "alpha", str(n)) != before[n]]
    assert len(changed) == 1
    assert "Xylophonist" in shard_text(out, "alpha", changed[0])
    assert index_files(out, "beta") == beta
    partners = [n for n in range(count) if "Xylophonist" in shard_text(out, "alpha", n)]
    assert partners == changed  # and in no other shard
    (site / "content" / "alpha" / "news" / "2024-02-10-second.md").unlink()  # a page that goes leaves its shard
    assert run(site, "build").exit_code == 0
    assert len(list(index.glob("*/fragment/*.pf_fragment"))) == len(fragments) - 1


def test_the_shard_count_follows_the_pages_in_coarse_steps_and_rarely_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICSGEN_TEST_SHARD_PAGES", "100")
    assert [shard_count(n) for n in (0, 1, 100, 150, 151, 1000, 1300)] == [1, 1, 1, 1, 2, 8, 16]
    assert shard_count(200, previous=1) == 1  # kept while each shard holds up to twice the size
    assert shard_count(201, previous=1) == 2
    assert shard_count(800, previous=16) == 16 and shard_count(3200, previous=16) == 16
    assert shard_count(799, previous=16) == 8  # under half the size each: fewer shards


def test_the_index_of_an_older_icsgen_is_replaced_whole(site: Path) -> None:
    assert run(site, "build").exit_code == 0
    out = site / "build"
    old = out / "alpha" / "pagefind"
    (old / "pagefind-entry.json").write_text("{}")  # an index as icsgen wrote it before shards
    (site / ".icsgen-cache" / "search").rename(site / "search-store-aside")
    edit(site, "content/alpha/index.md", lambda text: text + "\nMore words.\n")
    assert run(site, "build").exit_code == 0
    assert not (old / "pagefind-entry.json").exists()
    assert (old / "0" / "pagefind-entry.json").is_file() and (old / "shards.json").is_file()


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


def test_a_broken_link_found_while_indexing_stops_the_indexer_and_leaves_nothing_behind(site: Path) -> None:
    """Pagefind indexes while the links are checked: a build that fails there stops it, and no index file
    is written into the staging folder after it went."""
    edit(site, "content/alpha/index.md", lambda text: text + "\n[Gone](nowhere.md)\n")
    done = run(site, "build")
    assert done.exit_code == 1 and "nowhere.md" in done.output
    assert not (site / "build").exists()
    assert leftovers(site) == []
    edit(site, "content/alpha/index.md", lambda text: text.replace("[Gone](nowhere.md)", "Back."))
    assert run(site, "build").exit_code == 0
    assert regions(site / "build") == ["alpha", "beta"]


def test_pagefinds_script_is_patched_to_name_each_results_words_and_an_unknown_one_is_refused(site: Path) -> None:
    """The search page keeps only results that matched every searched word (static/js/search.js `keepWhole`),
    from Pagefind's playground mode, which icsgen's copy of Pagefind's script makes reachable; a Pagefind
    whose script is not the one icsgen patches is a plain failure, not a search that finds wrong pages."""
    assert run(site, "build").exit_code == 0
    script = (site / "build" / "alpha" / "pagefind" / "0" / "pagefind.js").read_text()
    assert "enterPlaygroundMode:()=>wrapper.enterPlaygroundMode()" in script
    worker = (site / "build" / "alpha" / "pagefind" / "0" / "pagefind-worker.js").read_text()
    assert "for(const i of this.instances)await i.enterPlaygroundMode()" in worker
    with pytest.raises(IndexerFailed, match=r"pagefind\.js that icsgen does not know"):
        patched("pagefind.js", b"export{createInstance}")
    assert patched("fragment/en_1.pf_fragment", b"any") == b"any"


def test_a_damaged_pdf_is_one_warning_naming_it_not_the_pdf_readers_own_lines(site: Path) -> None:
    """Found by probing: indexing a damaged PDF let the PDF reader print 'invalid pdf header: b'hello'' and
    'EOF marker not found' into the build's output, lines naming no file, beside the build's own warning."""
    (site / "content/alpha/papers").mkdir(parents=True)
    (site / "content/alpha/papers/notes.pdf").write_bytes(b"hello, this was never a PDF")
    (site / "content/alpha/papers/cut.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    edit(site, "content/alpha/about/index.md",
         lambda text: text + "\n[Notes](../papers/notes.pdf) and [cut](../papers/cut.pdf).\n")
    # a command of its own: pytest catches the reader's log lines in-process, where an editor's terminal shows them
    done = subprocess.run([sys.executable, "-m", "icsgen", "build", "--root", str(site)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built "), done.stdout
    assert sorted(line.partition(":")[0] for line in done.stderr.splitlines()) == [
        "content/alpha/papers/cut.pdf", "content/alpha/papers/notes.pdf"], done.stderr
    assert (site / "build/alpha/papers/notes.pdf").exists()


def test_a_huge_file_named_pdf_is_indexed_by_its_name_without_reading_it(site: Path) -> None:
    """Found by probing: a 1.5 GB file named .pdf (a video, saved under the wrong name) was read whole by the
    search step (pypdf, after the build's own reader had refused to open it): 139 s and 4.6 GB of memory,
    for a document indexed by its name in the end. The search step reads the text only of a file the build
    read as a PDF (not damaged, not encrypted, not over content.documents.LARGEST_READ)."""
    papers = site / "content/alpha/papers"
    papers.mkdir(parents=True)
    with open(papers / "board-meeting-video.pdf", "wb") as huge:
        huge.truncate(1536 * 1024 * 1024)  # sparse: nothing on disk until the build copies it
    (papers / "notes.pdf").write_bytes(b"hello, this was never a PDF" * 1000)
    write_pdf(papers / "agenda.pdf", "Agenda for January", ["Quarterly finance and waiting times."])
    measure = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)")
    done = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "icsgen", "build", "--quiet",
                           "--root", str(site)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) < 600 * 1024, "KB at most in one process"  # it was 4.6 GB
    records = shard_text(site / "build", "alpha", 0)
    assert '"url":"papers/board-meeting-video.pdf"' in records and '"title":"Board meeting video"' in records
    assert '"url":"papers/notes.pdf"' in records
    assert "waiting times" in records  # a real PDF is still found by its words


def test_a_pdf_without_text_is_found_by_its_title(site: Path) -> None:
    """As the guide says ('a scanned paper without text is found only by its title'). Found by probing: a PDF
    with no text (a scan), a damaged one or one that is not a PDF at all was left out of the index, Pagefind
    dropping a record with no words, so no search found it."""
    from pypdf import PdfWriter

    scan = PdfWriter()
    scan.add_blank_page(595, 842)
    scan.add_metadata({"/Title": "Signed minutes of the January board"})
    papers = site / "content/alpha/papers"
    papers.mkdir(parents=True)
    with open(papers / "scan.pdf", "wb") as written:
        scan.write(written)
    (papers / "2026-01-register-of-interests.pdf").write_bytes(b"not a PDF")
    done = run(site, "build")
    assert done.exit_code == 0, done.output
    records = shard_text(site / "build", "alpha", 0)
    assert '{"url":"papers/scan.pdf","content":"Signed minutes of the January board"' in records
    assert '{"url":"papers/2026-01-register-of-interests.pdf","content":"2026 01 register of interests"' in records
