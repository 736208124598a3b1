"""What one search costs a visitor: the bytes fetched by a region's search page for one query.

    python3 bench/search_transfer.py --site bench/sites/n10000-s1/site [--query WORD] [--region ID | --hub]

Serves the site's `build/` on 127.0.0.1, opens the region's search page (with --hub: the hub's, which
searches every region) in headless Chromium with the query in the address, waits for the results, and
adds up every response: the page and its assets, and what Pagefind fetched (its script and WebAssembly,
the index chunks for the query's words, the filter table, and the fragment of each result shown). A
region's index is in shards (see build/search.py), each of which sends its own part of the index for
the query's words. Sizes are of the bytes sent (Pagefind's files are already compressed; the test
server sends no further compression).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.browser import launch_browser  # noqa: E402
from tests.support.servers import serve_static  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a project folder, built (with build/)")
    parser.add_argument("--query", default="dementia")
    parser.add_argument("--region", default="")
    parser.add_argument("--hub", action="store_true", help="the hub's search page (every region's index)")
    args = parser.parse_args()
    out = args.site / "build"
    region = args.region or sorted(p.parent.name for p in out.glob("*/pagefind"))[0]
    sizes: dict[str, int] = {}
    with serve_static(out) as base, launch_browser() as browser:
        page = browser.new_page()
        page.on("requestfinished", lambda request: sizes.__setitem__(
            request.url, request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]))
        page.goto(f"{base}{'' if args.hub else region + '/'}search/?q={args.query}")
        page.wait_for_function("() => { const s = document.querySelector('[data-search-status]').textContent;"
                               " return s && !s.startsWith('Searching'); }", timeout=60_000)
        said = page.inner_text("[data-search-status]")
    index = {url: n for url, n in sizes.items() if "/pagefind/" in url}
    print(f"{'hub' if args.hub else region}: '{args.query}': {said}")
    print(f"all responses: {len(sizes)} files, {sum(sizes.values()) / 1024:.0f} KB")
    print(f"search (pagefind/): {len(index)} files, {sum(index.values()) / 1024:.0f} KB")
    kinds: dict[str, list[int]] = {}
    for url, n in index.items():
        name = url.rsplit("/", 1)[1]
        kind = "index" if name.endswith(".pf_index") else "fragment" if name.endswith(".pf_fragment") else \
            "meta, entry, filter" if name.endswith((".pf_meta", ".json", ".pf_filter")) or "?" in name else "script"
        kinds.setdefault(kind, []).append(n)
    for kind, sizes_of_kind in sorted(kinds.items()):
        print(f"  {kind}: {len(sizes_of_kind)} files, {sum(sizes_of_kind) / 1024:.0f} KB")
    for url, n in sorted(index.items(), key=lambda item: -item[1])[:5]:
        print(f"  {n / 1024:7.1f} KB  {url.rsplit('/pagefind/', 1)[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
