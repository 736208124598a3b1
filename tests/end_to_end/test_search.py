"""Search in real Chromium: the sample content built with its search indexes, served over HTTP from
a subfolder (/ics/), searched the way a visitor would (the header's form, the search page's own form,
the address), and checked with axe on a page of results, of none, and of an error.

One built site is shared by the whole module (a build with search takes seconds).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_CONTEXT_OPTIONS
from tests.support.servers import serve_static

REPO = Path(__file__).resolve().parents[2]
PDF_WORD = "Quillfeatherstone"  # only in the board paper made below


def pdf_with_text(lines: list[str], title: str = "") -> bytes:
    """A small valid PDF whose one page shows `lines` (Helvetica): a real file for pypdf to read."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({escape(line)}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        f"<< /Title ({escape(title)}) >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return out


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample content plus a Leeds board paper (a PDF)."""
    root = tmp_path_factory.mktemp("search")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "regions.yaml", root / "regions.yaml")
    papers = root / "content" / "leeds" / "about" / "papers"
    papers.mkdir(parents=True)
    (papers / "board-paper-march.pdf").write_bytes(pdf_with_text(
        ["Leeds Health and Social Care Hub board paper", f"The {PDF_WORD} review of waiting times."],
        title="Board paper: March"))
    return root


def build(root: Path, out: str, **env: str) -> Path:
    command = [sys.executable, "-m", "icsgen", "build", "--root", str(root), "--out", str(root / out), "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env={**os.environ, **env})
    assert done.returncode == 0, done.stdout + done.stderr
    return root / out


@pytest.fixture(scope="module")
def site(source: Path) -> Iterator[str]:
    """The sample site built with search (one index a region, as a site this small has) under /ics/."""
    with serve_static(build(source, "build"), prefix="/ics/") as base:
        yield base


@pytest.fixture(scope="module")
def sharded(source: Path) -> Iterator[str]:
    """The same site with each region's index cut into shards of about two pages, under /ics/."""
    out = build(source, "sharded", ICSGEN_TEST_SHARD_PAGES="2")
    assert json.loads((out / "leeds" / "pagefind" / "shards.json").read_text())["shards"] >= 8
    with serve_static(out, prefix="/ics/") as base:
        yield base


@pytest.fixture
def no_script_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(**DEFAULT_CONTEXT_OPTIONS, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def wait_for_results(page) -> str:  # type: ignore[no-untyped-def]
    """The live region's text once a search has finished (it says "Searching…" meanwhile)."""
    status = page.locator("[data-search-status]")
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-search-status]').textContent;"
        " return s && !s.startsWith('Searching'); }")
    return status.inner_text()


def result_links(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(".app-search-result__title a", "links => links.map(a => a.href)")


@pytest.mark.browser
def test_the_header_search_finds_the_leeds_partners_page_by_a_partners_name(page, site) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "leeds/")
    page.get_by_role("searchbox", name="Search Leeds", exact=True).fill("Beckett")
    page.keyboard.press("Enter")  # keyboard only: the header form submits to the region's search page
    page.wait_for_url(re.compile(r"/ics/leeds/search/(index\.html)?\?q=Beckett$"))
    said = wait_for_results(page)
    assert re.match(r"\d+ results? for ‘Beckett’", said), said
    assert site + "leeds/partners/" in result_links(page)
    assert page.locator("[data-search-status]").get_attribute("role") == "status"
    page.get_by_role("link", name="Our partners").first.click()
    assert page.url == site + "leeds/partners/"
    assert "Leeds Beckett University" in page.inner_text("main")


@pytest.mark.browser
def test_a_word_only_in_a_board_paper_finds_the_pdf_with_its_type_and_size(page, site) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + f"leeds/search/?q={PDF_WORD}")
    assert wait_for_results(page) == f"1 result for ‘{PDF_WORD}’"
    assert result_links(page) == [site + "leeds/about/papers/board-paper-march.pdf"]
    result = page.locator(".app-search-result").first
    assert result.locator("a").inner_text() == "Board paper: March"
    assert re.fullmatch(r"Document · PDF · \d+ KB · 1 page", result.locator(".app-search-result__meta").inner_text())
    assert result.locator("mark").first.inner_text() == PDF_WORD
    page.goto(site + f"leeds/search/?q={PDF_WORD}&kind=news")  # the kind filter, from the address
    assert wait_for_results(page) == f"No results for ‘{PDF_WORD}’"
    assert page.locator("#search-kind-news").is_checked()


@pytest.mark.browser
def test_a_humber_page_is_not_found_from_leeds_but_is_from_the_hub_under_its_region(page, site) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "leeds/search/?q=Scunthorpe")
    assert wait_for_results(page) == "No results for ‘Scunthorpe’"
    assert result_links(page) == []
    page.goto(site + "search/?q=Scunthorpe")
    said = wait_for_results(page)
    assert said == "1 result for ‘Scunthorpe’", said
    assert result_links(page) == [site + "humber-north-yorkshire/partners/"]
    heading = page.locator("[data-search-results] h2").first.inner_text()
    assert heading.startswith("Humber and North Yorkshire"), heading


@pytest.mark.browser
def test_the_query_survives_a_reload_and_the_back_button(page, site) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "leeds/search/?q=Beckett")
    first = wait_for_results(page)
    page.get_by_label("Search for").fill("partners")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url(re.compile(r"\?q=partners$"))
    wait_for_results(page)
    page.reload()
    assert page.get_by_label("Search for").input_value() == "partners"
    assert "for ‘partners’" in wait_for_results(page)
    page.go_back()
    page.wait_for_url(re.compile(r"\?q=Beckett$"))
    assert wait_for_results(page) == first


@pytest.mark.browser
def test_without_javascript_the_search_page_says_so_and_links_to_the_a_to_z(no_script_page, site) -> None:  # type: ignore[no-untyped-def]
    page = no_script_page
    page.goto(site + "leeds/search/?q=Beckett")
    assert page.get_by_text("Search needs JavaScript").is_visible()
    page.get_by_role("link", name="Find a page in the A to Z of pages").click()
    assert re.fullmatch(re.escape(site) + r"leeds/a-z/(index\.html)?", page.url)
    page.get_by_role("link", name="Our partners").click()
    assert re.fullmatch(re.escape(site) + r"leeds/partners/(index\.html)?", page.url)


@pytest.mark.browser
@pytest.mark.parametrize("state", ["results", "none", "error"])
def test_no_axe_violations_on_results_none_and_an_error(page, site, state: str) -> None:  # type: ignore[no-untyped-def]
    if state == "error":  # the index cannot be fetched: a host that lost it, a network that dropped it
        page.route("**/pagefind/**", lambda route: route.abort())
    page.goto(site + "leeds/search/?q=" + {"results": "partners", "none": "zzyzx", "error": "partners"}[state])
    said = wait_for_results(page)
    expected = {"results": r"\d+ results for ‘partners’", "none": "No results for ‘zzyzx’",
                "error": "Sorry, search is not working at the moment."}[state]
    assert re.fullmatch(expected, said), said
    if state == "error":
        assert page.get_by_role("link", name="Find a page in the A to Z of pages").is_visible()
    violations = run_axe(page, None)
    assert not violations, format_violations(violations)


@pytest.mark.browser
def test_the_kind_filter_finds_board_meetings_and_news(page, site) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "leeds/search/?q=board&kind=meeting")
    assert re.match(r"\d+ results? for ‘board’", wait_for_results(page))
    assert site + "leeds/about/board-meetings/" in result_links(page)
    assert set(page.locator(".app-search-result__meta").all_inner_texts()) <= {"Meeting · About us"}
    page.get_by_label("News").check()  # keyboard and mouse alike: the radios run the search again
    page.wait_for_url(re.compile(r"kind=news$"))
    wait_for_results(page)
    assert all(meta.startswith("News") for meta in page.locator(".app-search-result__meta").all_inner_texts())


def found(page, address: str) -> tuple[str, set[str]]:  # type: ignore[no-untyped-def]
    """What a search shows: its status line and the addresses of its results (under the site's base)."""
    page.goto(address)
    said = wait_for_results(page)
    base = address.split("/ics/")[0] + "/ics/"
    return said, {link.removeprefix(base) for link in result_links(page)}


@pytest.mark.browser
@pytest.mark.parametrize("query", ["carers", "mental health", "Beckett", "care", "dementia", "board meeting",
                                   "waiting times", "Scunthorpe", "carersweek", "\"mental health\""])
def test_shards_find_what_one_index_finds(page, site, sharded, query: str) -> None:  # type: ignore[no-untyped-def]
    """Pagefind searches each merged index alone, and an index lacking a searched word answered anyway
    (21 Leeds pages for "carers" from 8 shards, where one page has the word): cut into shards, a region's
    search and the hub's find exactly what one index a region finds."""
    for where in ("leeds/search/", "search/"):
        one = found(page, f"{site}{where}?q={query}")
        cut = found(page, f"{sharded}{where}?q={query}")
        if len(one[1]) == 50:  # more than a page shows: scores (and so which 50) differ from index to index
            one, cut = one[0], cut[0]
        assert cut == one, (where, query)


@pytest.mark.browser
@pytest.mark.parametrize("query", ["carers", "Beckett"])
def test_the_hub_finds_only_pages_with_the_words_when_any_region_has_them(page, site, query: str) -> None:  # type: ignore[no-untyped-def]
    """The hub merges every region's index, as if one: a region without the searched word does not answer
    for a shorter one ("care" for "carers", on all 24 Lancashire pages) while another region has it."""
    leeds = found(page, f"{site}leeds/search/?q={query}")[1]
    said, hub = found(page, f"{site}search/?q={query}")
    assert leeds <= hub
    marks = page.eval_on_selector_all(".app-search-result", "items => items.map(i => Array.from("
                                      "i.querySelectorAll('mark'), m => m.textContent.toLowerCase()))")
    assert len(marks) == len(hub) > 0, said
    assert all(any(mark.startswith(query.lower()[:5]) for mark in item) for item in marks), marks
