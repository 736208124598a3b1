"""What the search index holds for each page (icsgen/render/searchtext.py), read back from the index a real
build wrote."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.support.sitemaker import basic_site, run


def indexed(out: Path, region: str) -> dict[str, str]:
    """Each record of the region's index: its address and its words."""
    found = {}
    for fragment in (out / region / "pagefind").rglob("*.pf_fragment"):
        text = gzip.decompress(fragment.read_bytes()).decode("utf-8")
        record = json.loads(text[text.index("{"):])
        found[record["url"]] = record["content"]
    return found


def test_a_folders_own_page_is_found_by_its_words_but_not_by_its_list_of_pages(tmp_path: Path) -> None:
    """Found by probing: `about/index.md` ('Who we are. We are Alpha.'), the page of a folder, was left out of
    the index with the lists icsgen makes, so no search found the words an editor wrote on it. Its list of the
    folder's pages is still left out (each of those pages is found for itself); a folder without a page of
    its own stays out."""
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/index.md": "---\ntitle: About us\nsummary: Who we are.\n---\n## Who we are\n\n"
        "We are the Alpha integrated care board.\n",
        "content/alpha/services/gp.md": "---\ntitle: GP services\nsummary: Seeing a GP.\n---\nBook online.\n"})
    done = run(root, "build")
    assert done.exit_code == 0, done.output
    records = indexed(root / "build", "alpha")
    assert "integrated care board" in records["about/"]
    assert "Who we work with" not in records["about/"]  # the summary of partners.md, in the folder's list
    assert "services/" not in records  # a folder with no page of its own: only its list


def test_a_documents_title_and_words_reach_search_results_without_control_or_reversing_characters(
        tmp_path: Path) -> None:
    """Found by probing: a PDF's title ('Minutes' + U+202E + ..., escape codes, a NUL) went into the index as it
    was saved, though the link on the page showed it cleaned: the results page would show the characters,
    and U+202E turns the rest of a result's title round (a way to make a title read as another)."""
    from pypdf import PdfWriter

    pdf = PdfWriter()
    pdf.add_blank_page(595, 842)
    pdf.add_metadata({"/Title": "Board minutes\u202e fdp.eurt\x1b[31m\x00 January\ufffe"})
    root = basic_site(tmp_path / "site")
    (root / "content/alpha/papers").mkdir(parents=True)
    with open(root / "content/alpha/papers/minutes.pdf", "wb") as written:
        pdf.write(written)
    done = run(root, "build")
    assert done.exit_code == 0, done.output
    for fragment in (root / "build/alpha/pagefind").rglob("*.pf_fragment"):
        text = gzip.decompress(fragment.read_bytes()).decode("utf-8")
        record = json.loads(text[text.index("{"):])
        if record["url"] == "papers/minutes.pdf":
            assert record["meta"]["title"] == "Board minutes fdp.eurt [31m January"
            assert record["content"] == "Board minutes fdp.eurt [31m January"
            break
    else:
        raise AssertionError("the document is not in the index")
