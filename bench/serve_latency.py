"""How long from saving a page to the new text showing in an open browser tab, with `icsgen serve`.

    python3 bench/serve_latency.py --root .                 # the sample content
    python3 bench/serve_latency.py --generate 10000         # a generated site (bench/generate.py)
    python3 bench/serve_latency.py --site /tmp/site         # a project already on disk

The project is copied to a temporary folder first (nothing in it is edited). The preview is started
in this process exactly as `icsgen serve` starts it (drafts included, watchdog on the files), one
page is opened in headless Chromium, and the page's Markdown is saved `--edits` times, each time
with a new sentence. The time counted is from just before the write to the moment a
MutationObserver in the page sees the sentence in the document (wall clock on both sides). The
server-side rebuild time and the number of pages re-rendered are shown beside it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# last: run.py puts its copy of icsgen on PYTHONPATH, and that copy is the one to time
sys.path.append(str(REPO))

from icsgen.build.pipeline import BuildOptions  # noqa: E402
from icsgen.serve.incremental import Session  # noqa: E402
from tests.support.browser import DEFAULT_CONTEXT_OPTIONS, launch_browser  # noqa: E402

WATCH_FOR = """marker => {
  const seen = () => document.body && document.body.textContent.includes(marker);
  window.__seen = new Promise(resolve => {
    if (seen()) { resolve(Date.now()); return; }
    const observer = new MutationObserver(() => {
      if (seen()) { observer.disconnect(); resolve(performance.timeOrigin + performance.now()); }
    });
    observer.observe(document.documentElement, {subtree: true, childList: true, characterData: true});
  });
}"""


def copy_project(source: Path, into: Path) -> Path:
    root = into / "project"
    root.mkdir()
    for name in ("content", "themes"):
        shutil.copytree(source / name, root / name, symlinks=True)
    shutil.copy2(source / "regions.yaml", root / "regions.yaml")
    return root


def choose_page(session: Session) -> tuple[Path, str]:
    """An ordinary page (not a listing) of the first region: its file and its site path."""
    site = session.preview._state.loaded.site  # type: ignore[union-attr]
    pages = [p for p in site.pages.values() if p.kind == "page" and not p.is_shared]
    page = min(pages, key=lambda p: (p.key.count("/"), p.key))
    return page.source_path, page.url


def measure(root: Path, edits: int, settle: float) -> dict[str, float]:
    options = BuildOptions(drafts=True, future=True)
    start = time.perf_counter()
    session = Session(root, options, port=0, next_free=False)
    first_build = time.perf_counter() - start
    if session.first.problems:
        raise SystemExit("the site does not build:\n" + "\n".join(session.first.problems[:10]))
    session.start()
    latencies: list[float] = []
    rebuilds: list[float] = []
    rendered: list[int] = []
    try:
        source, url = choose_page(session)
        original = source.read_text(encoding="utf-8")
        with launch_browser() as browser:
            context = browser.new_context(**DEFAULT_CONTEXT_OPTIONS)
            page = context.new_page()
            page.goto(session.url + url)
            page.wait_for_function("window.__icsgenLive === true")
            time.sleep(settle)  # let the event stream connect before the first edit
            for n in range(edits):
                marker = f"Latency marker {n} {time.time_ns()}"
                page.evaluate(WATCH_FOR, marker)
                saved = time.time()
                source.write_text(original.rstrip("\n") + f"\n\n{marker}.\n", encoding="utf-8")
                seen = page.evaluate("() => window.__seen") / 1000
                latencies.append(seen - saved)
                last = session.preview.last
                if last is not None:
                    rebuilds.append(last.seconds)
                    rendered.append(len(last.rendered))
                time.sleep(settle)  # editors do not save twice in the same instant
            context.close()
        source.write_text(original, encoding="utf-8")
    finally:
        session.close()
    pages = len(session.preview._state.jobs) if session.preview._state else 0  # type: ignore[union-attr]
    return {
        "pages": pages,
        "first_build": first_build,
        "median": statistics.median(latencies),
        "worst": max(latencies),
        "best": min(latencies),
        "rebuild_median": statistics.median(rebuilds) if rebuilds else float("nan"),
        "rendered_median": statistics.median(rendered) if rendered else float("nan"),
        "url": url,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--root", type=Path, help="a project folder (copied first); default: the repository")
    where.add_argument("--site", type=Path, help="same as --root, for a generated site")
    where.add_argument("--generate", type=int, metavar="PAGES", help="generate a site of this many pages")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--settle", type=float, default=0.3, help="seconds between edits")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="icsgen-latency-") as tmp:
        if args.generate:
            source = Path(tmp) / "generated"
            subprocess.run([sys.executable, str(REPO / "bench/generate.py"), "--pages", str(args.generate),
                            "--out", str(source)], check=True, stdout=subprocess.DEVNULL)
        else:
            source = (args.root or args.site or REPO).resolve()
        root = copy_project(source, Path(tmp))
        result = measure(root, args.edits, args.settle)
    print(f"site: {source if not args.generate else f'generated, {args.generate} pages'} "
          f"({result['pages']} outputs); first build {result['first_build']:.2f} s")
    print(f"edited page: /{result['url']}; {args.edits} saves")
    print(f"save -> visible in the browser: median {result['median'] * 1000:.0f} ms, "
          f"worst {result['worst'] * 1000:.0f} ms, best {result['best'] * 1000:.0f} ms")
    print(f"server rebuild: median {result['rebuild_median'] * 1000:.0f} ms, "
          f"{result['rendered_median']:.0f} pages re-rendered")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
