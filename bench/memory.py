"""Peak memory of icsgen builds of large synthetic sites, over the whole process tree.

    python3 bench/memory.py --pages 10000 --pages 30000 [--rev main --rev HEAD] [--repeat 1] [--check]
    python3 bench/memory.py --pages 30000 --sites /tmp/sites   # /tmp/sites/n30000 made by bench/generate.py
    python3 bench/memory.py --pages 30000 --no-search           # builds without the search index
    ICSGEN_TEST_SHARD_PAGES=500 python3 bench/memory.py ...       # search index in shards of ~500 pages

For each N (the site generated once under bench/sites/, as bench/run.py does) and each repeat, each
icsgen version given (`--rev`, a git revision; default: the work tree as it is) builds the site in
turn, alternating, so the versions see the same load:

1. **cold build** (`--no-cache`, no `.icsgen-cache/`, no `build/`);
2. **first build** (no `.icsgen-cache/`, no `build/`, cache allowed: the build that fills it; its
   background cache writer is waited for before the next build);
3. with `--check`: **check** after that first build (reads its cache).

Memory is sampled as in bench/run.py (`run_timed`): every 100 ms for the first second, then every
500 ms, over the build process and all its descendants (render workers, the theme compiler, the
search indexer): the peak of their resident sizes added up (**RSS sum**: memory a forked worker shares
with its parent counts in each, what adding up `top`'s column gives), the peak of their proportional
set sizes (**PSS**: shared pages counted once, in shares), and the largest single process's peak RSS
(`wait4`). The issue's target: a 30,000-page build under 1 GB over all its processes; the RSS sum counts
what forked render workers share with the build process once in each (after a fork, everything the parent
held), PSS counts it once: both are reported.

Outputs and caches are set aside, not deleted, while builds run (see bench/run.py `set_aside`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
from run import Run, empty_set_aside, prepare, run_timed, set_aside, wait_for_cache_writer  # noqa: E402


def snapshot(rev: str | None, into: Path) -> str:
    """icsgen/ at `rev` (None: the work tree) copied into `into`, byte-compiled; returns its description."""
    into.mkdir(parents=True)
    if rev is None:
        subprocess.run(["cp", "-r", str(REPO / "icsgen"), str(into / "icsgen")], check=True)
        described = "work tree"
    else:
        archive = subprocess.run(["git", "archive", "--format=tar", rev, "icsgen"], capture_output=True, cwd=REPO,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
        commit = subprocess.run(["git", "rev-parse", "--short", rev], capture_output=True, text=True, cwd=REPO,
                                check=True).stdout.strip()
        described = f"{rev} ({commit})"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(into / "icsgen")], check=True,
                   stdout=subprocess.DEVNULL)
    return described


def command(kind: str, site: Path, jobs: int, search: bool = True) -> list[str]:
    if kind == "check":
        return [sys.executable, "-m", "icsgen", "check", "--root", str(site), "--jobs", str(jobs)]
    return [sys.executable, "-m", "icsgen", "build", "--root", str(site), "--quiet", "--jobs", str(jobs),
            *(["--no-cache"] if kind == "cold" else []), *([] if search else ["--no-search"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, action="append", help="site size (repeatable); default 10000 and 30000")
    parser.add_argument("--rev", action="append", help="git revision to measure (repeatable); default: work tree")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="also measure `icsgen check` after the first build")
    parser.add_argument("--sites", type=Path, help="use DIR/nN, written by `bench/generate.py --pages N --out DIR/nN`, "
                                                   "instead of generating the sites under bench/sites/")
    parser.add_argument("--no-search", action="store_true", help="build with --no-search (no Pagefind processes)")
    args = parser.parse_args(argv)
    sizes = args.pages or [10000, 30000]
    revs: list[str | None] = list(args.rev) if args.rev else [None]
    kinds = ["cold", "first", *(["check"] if args.check else [])]
    load = os.getloadavg()
    shards = os.environ.get("ICSGEN_TEST_SHARD_PAGES")
    search = "without search" if args.no_search else f"search in shards of {shards} pages" if shards else "search"
    with tempfile.TemporaryDirectory(prefix="icsgen-memory-") as temp:
        copies = {}
        for n, rev in enumerate(revs):
            copies[rev] = (Path(temp) / str(n), snapshot(rev, Path(temp) / str(n)))
        results: dict[tuple[int, str | None, str], list[Run]] = {}
        for pages in sizes:
            site = args.sites / f"n{pages}" if args.sites else prepare(pages, args.seed, False)[0]
            for _ in range(args.repeat):
                for rev in revs:
                    env = {**os.environ, "PYTHONPATH": str(copies[rev][0])}
                    for kind in kinds:
                        wait_for_cache_writer(site)
                        if kind != "check":
                            for name in (".icsgen-cache", "build"):
                                set_aside(site / name)
                        run = run_timed(command(kind, site, args.jobs, not args.no_search), site, env)
                        results.setdefault((pages, rev, kind), []).append(run)
                        state = "ok" if run.ok or kind == "check" else "FAILED: " + run.output.strip()[-500:]
                        print(f"N={pages} {copies[rev][1]} {kind}: RSS sum {run.peak_rss_sum_mb:.0f} MB, "
                              f"PSS {run.peak_pss_mb:.0f} MB, largest process {run.max_rss_mb:.0f} MB, "
                              f"{run.seconds:.1f} s ({state})", flush=True)
                wait_for_cache_writer(site)
            for name in (".icsgen-cache", "build"):
                set_aside(site / name)
            empty_set_aside()
    end = os.getloadavg()
    print(f"\nPeak memory over the process tree, MB (median of {args.repeat}); load {load[0]:.1f} at the start, "
          f"{end[0]:.1f} at the end, {os.cpu_count()} cores, --jobs {args.jobs}, {search}\n")
    print("| pages | icsgen | build | RSS sum | PSS | largest process | seconds |")
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: |")
    for (pages, rev, kind), runs in results.items():
        print(f"| {pages:,} | {copies[rev][1]} | {kind} | {statistics.median(r.peak_rss_sum_mb for r in runs):.0f} | "
              f"{statistics.median(r.peak_pss_mb for r in runs):.0f} | "
              f"{statistics.median(r.max_rss_mb for r in runs):.0f} | "
              f"{statistics.median(r.seconds for r in runs):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
