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
