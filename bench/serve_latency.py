"""How long from saving a page to the new text showing in an open browser tab, with `icsgen serve`.

    python3 bench/serve_latency.py --root .                 # the sample content
    python3 bench/serve_latency.py --generate 10000         # a generated site (bench/generate.py)
    python3 bench/serve_latency.py --site /tmp/site         # a project already on disk
    python3 bench/serve_latency.py --generate 3000 --edit regions --jobs 1   # full rebuilds, no workers

The project is copied to a temporary folder first (nothing in it is edited). The preview is started
in this process exactly as `icsgen serve` starts it (drafts included, watchdog on the files; the
builder in a process of its own), one page is opened in headless Chromium, and a file is saved
`--edits` times, each time with a new marker that shows in that page:

* `--edit page` (the default): the page's Markdown, with a new sentence (a one-page rebuild);
* `--edit regions`: `regions.yaml`, with the region's name changed (a full rebuild);
* `--edit template`: the theme's `partials/footer.html`, with a new paragraph (every page re-rendered).

The time counted is from just before the write to the moment a MutationObserver in the page sees the
marker in the document (wall clock on both sides). The server-side rebuild time and the number of pages
re-rendered are shown beside it. `--jobs` sets the builder's render workers (0: one per core; 1: render
in the builder itself); `--in-process` runs the builder in the serving process instead, rendering there
(how `icsgen serve` worked before the builder had a process of its own, minus its forked workers).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
# last: run.py puts its copy of icsgen on PYTHONPATH, and that copy is the one to time
sys.path.append(str(REPO))

from icsgen.build import BuildOptions  # noqa: E402
from icsgen.serve.http import LiveServer  # noqa: E402
from icsgen.serve.incremental import Preview  # noqa: E402
from icsgen.serve.session import Session  # noqa: E402
from icsgen.serve.watch import Watcher  # noqa: E402
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


class InProcess:
    """`Session` with the builder in this process (rendering here, never forking): for comparison only."""

    def __init__(self, root: Path, options: BuildOptions) -> None:
        self.space = Path(tempfile.mkdtemp(prefix="icsgen-latency-preview-"))
        self.preview = Preview(root, replace(options, jobs=1), self.space / "site")
        self.first = self.preview.build()
        self.server = LiveServer(self.preview.folder, self.preview.rebuild, port=0, next_free=False)
        self.preview.writing = self.server.writing
        self.watcher = Watcher(self.preview.root, self.server.rebuild)

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> None:
        self.server.start()
        self.watcher.start()

    def close(self) -> None:
        self.watcher.stop()
        self.server.close()
        shutil.rmtree(self.space, ignore_errors=True)


def choose_page(root: Path) -> tuple[Path, str, str]:
    """An ordinary page (not a listing) of the first region: its file, its site path and the region's id."""
    config = yaml.safe_load((root / "regions.yaml").read_text(encoding="utf-8"))
    region = next(iter(config["regions"]))
    folder = root / "content" / region
    pages = [p for p in folder.rglob("*.md") if p.name != "index.md" and "news" not in p.relative_to(folder).parts
             and not p.relative_to(folder).parts[0].startswith("_")]
    page = min(pages, key=lambda p: (len(p.relative_to(folder).parts), p.as_posix()))
    return page, f"{region}/{page.relative_to(folder).with_suffix('').as_posix()}/", region


def editor(root: Path, kind: str, page: Path, region: str) -> tuple[Path, Callable[[str, str], str]]:
    """The file to save for `kind`, and how to put a marker into its original text."""
    if kind == "page":
        return page, lambda text, marker: text.rstrip("\n") + f"\n\n{marker}.\n"
    if kind == "regions":
        config = root / "regions.yaml"
        name = yaml.safe_load(config.read_text(encoding="utf-8"))["regions"][region]["name"]
        return config, lambda text, marker: text.replace(f"name: {name}\n", f"name: {name} {marker}\n", 1)
    footer = root / "themes/nhs/templates/partials/footer.html"
    tag = '<footer class="nhsuk-footer-container">'
    return footer, lambda text, marker: text.replace(tag, f"{tag}<p>{marker}</p>", 1)


def measure(root: Path, edits: int, settle: float, kind: str = "page", jobs: int = 0,
            in_process: bool = False) -> dict[str, float]:
    options = BuildOptions(drafts=True, future=True, jobs=jobs)
    start = time.perf_counter()
    session = InProcess(root, options) if in_process else Session(root, options, port=0, next_free=False)
    first_build = time.perf_counter() - start
    if session.first.problems:
        raise SystemExit("the site does not build:\n" + "\n".join(session.first.problems[:10]))
    session.start()
    latencies: list[float] = []
    rebuilds: list[float] = []
    rendered: list[int] = []
    page_file, url, region = choose_page(root)
    source, mark = editor(root, kind, page_file, region)
    original = source.read_text(encoding="utf-8")
    try:
        with launch_browser() as browser:
            context = browser.new_context(**DEFAULT_CONTEXT_OPTIONS)
            page = context.new_page()
            page.goto(session.url + url)
            page.wait_for_function("window.__icsgenLive === true")
            time.sleep(settle)  # let the event stream connect before the first edit
            for n in range(edits):
                marker = f"Latency marker {n} {time.time_ns()}"
                text = mark(original, marker)
                assert marker in text, f"no place for the marker in {source}"
                page.evaluate(WATCH_FOR, marker)
                saved = time.time()
                source.write_text(text, encoding="utf-8")
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
    return {
        "pages": len(session.first.rendered),
        "first_build": first_build,
        "median": statistics.median(latencies),
        "worst": max(latencies),
        "best": min(latencies),
        "rebuild_median": statistics.median(rebuilds) if rebuilds else float("nan"),
        "rendered_median": statistics.median(rendered) if rendered else float("nan"),
        "url": url,
        "file": source.relative_to(root).as_posix(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--root", type=Path, help="a project folder (copied first); default: the repository")
    where.add_argument("--site", type=Path, help="same as --root, for a generated site")
    where.add_argument("--generate", type=int, metavar="PAGES", help="generate a site of this many pages")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--settle", type=float, default=0.3, help="seconds between edits")
    parser.add_argument("--edit", choices=["page", "regions", "template"], default="page",
                        help="what to save: a page, regions.yaml or a template every page uses")
    parser.add_argument("--jobs", type=int, default=0, help="the builder's render workers (0: one per core)")
    parser.add_argument("--in-process", action="store_true",
                        help="run the builder in the serving process, rendering there (for comparison)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="icsgen-latency-") as tmp:
        if args.generate:
            source = Path(tmp) / "generated"
            subprocess.run([sys.executable, str(REPO / "bench/generate.py"), "--pages", str(args.generate),
                            "--out", str(source)], check=True, stdout=subprocess.DEVNULL)
        else:
            source = (args.root or args.site or REPO).resolve()
        root = copy_project(source, Path(tmp))
        result = measure(root, args.edits, args.settle, args.edit, args.jobs, args.in_process)
    print(f"site: {source if not args.generate else f'generated, {args.generate} pages'} "
          f"({result['pages']} outputs); first build {result['first_build']:.2f} s")
    how = "builder in the serving process" if args.in_process else f"builder process, --jobs {args.jobs}"
    print(f"saved: {result['file']}, shown in /{result['url']}; {args.edits} saves; {how}")
    print(f"save -> visible in the browser: median {result['median'] * 1000:.0f} ms, "
          f"worst {result['worst'] * 1000:.0f} ms, best {result['best'] * 1000:.0f} ms")
    print(f"server rebuild: median {result['rebuild_median'] * 1000:.0f} ms, "
          f"{result['rendered_median']:.0f} pages re-rendered")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
