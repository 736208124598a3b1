"""Time icsgen (and, with --peers, Hugo, Jekyll, Eleventy, Pelican and MkDocs) on synthetic sites.

    python3 bench/run.py --pages 1000 [--pages 10000] [--repeat 3] [--peers] [--out bench/results/X.md]

For each N the site is generated once (bench/generate.py) and kept under bench/sites/ for later runs.
Each repeat then times, in this order, each in a fresh child process:

1. icsgen cold build: no `.icsgen-cache/`, no `build/`, and `--no-cache` if this icsgen has it;
2. icsgen first build: no `.icsgen-cache/`, no `build/`, cache allowed (the build that fills it);
3. no-change rebuild;
4. one-page-edit rebuild: a sentence appended to one ordinary page;
5. with an icsgen that has `--no-search`: the cold build again without the search index, and a
   one-page-edit rebuild without it (after a first build without it), for what search costs;
6. with --peers: each installed peer's cold build of the same pages (its output folder set aside first).

With `--only-edit`, only the one-page-edit rebuilds (4 and 5), after one untimed first build for each:
for changes to what a rebuild does, quicker than the whole run.

After the repeats, the one-template-edit rebuilds (a comment added to `page.html` in the site's own
copy of the theme), once per repeat. Nothing is deleted while builds are timed: outputs and caches
are set aside (renamed) and deleted at the end (see `set_aside`). The edits are undone at the end.
The report gives medians (and min-max), pages per second, peak memory, the peers' cold-build times
divided by icsgen's, and serve's save-to-browser latency when bench/serve_latency.py exists. Timings
on a shared machine are noisy: compare within one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import hashlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import build_site, write_icsgen  # noqa: E402
from peers import PEERS, Peer, write_peers  # noqa: E402

TEMPLATE = "themes/nhs/templates/page.html"  # the template edited by the template-edit rebuild
TIMEOUT = 1800  # seconds for one build before it counts as failed


# -- running one build ---------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    max_rss_mb: float  # largest single process (wait4's ru_maxrss: the build and its reaped children)
    peak_pss_mb: float  # the whole process tree's proportional set size, sampled (see `run_timed`)
    ok: bool
    output: str = ""
    peak_rss_sum_mb: float = 0.0  # the whole tree's resident sizes added up: memory shared after a fork counts in each
    cpu_seconds: float = 0.0  # user + system time of the command and every descendant it waited for (wait4)


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """Proportional set size of `root` and all its descendants (shared pages counted once, in shares), and
    their resident sizes added up (shared pages counted in each process: what `top` would add up)."""
    pss = rss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            for task in os.scandir(f"/proc/{pid}/task"):
                with open(f"{task.path}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
                        break
        except OSError:
            pass
    return pss, rss


def run_timed(command: list[str], cwd: Path, env: dict | None = None) -> Run:
    """Run one build in a fresh child; time it and measure its memory."""
    peak = [0, 0]
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    done = threading.Event()

    def sample() -> None:
        # Every 100 ms for the first second (short builds), then every 500 ms: reading a process's
        # smaps_rollup walks its page tables, and at 100 ms throughout it cost a 10,000-page icsgen
        # build (four processes) 3.5% of its time and Eleventy's (one) 0.8% (medians of 4, alternating).
        waited = 0.0
        while not done.wait(0.1 if waited < 1 else 0.5):
            waited += 0.1 if waited < 1 else 0.5
            pss, rss = _tree_memory_kb(proc.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    reader = threading.Thread(target=lambda: setattr(proc, "captured", proc.stdout.read()), daemon=True)
    reader.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        done.set()
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join(10)
    sampler.join(1)
    output = getattr(proc, "captured", b"").decode("utf-8", "replace")
    return Run(seconds, usage.ru_maxrss / 1024, peak[0] / 1024, proc.returncode == 0, output, peak[1] / 1024,
               usage.ru_utime + usage.ru_stime)


# -- the sites -----------------------------------------------------------------------------------


def generator_stamp(seed: int) -> str:
    """What the generated site depends on: the generators, the theme, the seed."""
    digest = hashlib.sha256(f"{seed}".encode())
    for path in sorted([BENCH / "generate.py", BENCH / "peers.py", *(REPO / "icsgen" / "themes").rglob("*")]):
        if path.is_file():
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare(pages: int, seed: int, peers: bool) -> tuple[Path, int, str]:
    """The generated site for N pages (reused when the generators and theme are unchanged)."""
    top = BENCH / "sites" / f"n{pages}-s{seed}"
    stamp_file = top / "stamp"
    want = generator_stamp(seed)
    have = stamp_file.read_text().strip() if stamp_file.exists() else ""
    site_dir = top / "site"
    info_file = top / "info"
    if have == want + "+peers" or (have == want and not peers):
        rendered, words = info_file.read_text().split()
        return site_dir, int(rendered), words
    print(f"generating a site of {pages} pages under {top} ...", flush=True)
    if top.exists():
        shutil.rmtree(top)
    top.mkdir(parents=True)
    site = build_site(pages, seed)
    write_icsgen(site, site_dir)
    if peers:
        write_peers(site, top, "site")
    words = str(sum(p.words for p in site.pages) // len(site.pages))
    info_file.write_text(f"{site.rendered_count()} {words}\n")
    stamp_file.write_text(want + ("+peers" if peers else "") + "\n")
    return site_dir, site.rendered_count(), words


def edit_target(site_dir: Path) -> Path:
    """An ordinary page (not news, not an index) in the middle of the first region's services."""
    candidates = sorted(p for p in (site_dir / "content").rglob("*.md")
                        if "/news/" not in p.as_posix() and p.name != "index.md" and "_shared" not in p.parts
                        and p.parent.name != "data" and p.parent != site_dir / "content" / p.parts[-2])
    return candidates[len(candidates) // 2]


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class Series:
    label: str
    runs: list[Run] = field(default_factory=list)

    @property
    def good(self) -> list[Run]:
        return [r for r in self.runs if r.ok]

    def median(self) -> float | None:
        return statistics.median(r.seconds for r in self.good) if self.good else None

    def median_cpu(self) -> float | None:
        """User + system time of the build and the processes it waited for (see `Run.cpu_seconds`)."""
        return statistics.median(r.cpu_seconds for r in self.good) if self.good else None

    def spread(self) -> str:
        if not self.good:
            return "failed"
        secs = [r.seconds for r in self.good]
        return f"{min(secs):.2f}-{max(secs):.2f}" if len(secs) > 1 else "-"

    def max_rss(self) -> float:
        return max((r.max_rss_mb for r in self.good), default=0.0)

    def peak_pss(self) -> float:
        return max((r.peak_pss_mb for r in self.good), default=0.0)

    def peak_rss_sum(self) -> float:
        return max((r.peak_rss_sum_mb for r in self.good), default=0.0)


def icsgen_command(site_dir: Path, jobs: int, *extra: str) -> list[str]:
    """`icsgen build` as an editor runs it: `python -m icsgen` is the installed command's entry point
    (cli/launch.py), where a plain build starts its input walk early and runs without click."""
    entry = "icsgen" if (SNAPSHOT / "icsgen" / "__main__.py").is_file() else "icsgen.cli"  # older snapshots
    return [sys.executable, "-m", entry, "build", "--root", str(site_dir), "--quiet", "--jobs", str(jobs), *extra]


def check_command(site_dir: Path, jobs: int) -> list[str]:
    """`icsgen check` as an editor runs it (with `--jobs` when this icsgen's check has it)."""
    entry = "icsgen" if (SNAPSHOT / "icsgen" / "__main__.py").is_file() else "icsgen.cli"
    return [sys.executable, "-m", entry, "check", "--root", str(site_dir),
            *(["--jobs", str(jobs)] if has_flag("check", "--jobs") else [])]


def has_no_search_flag() -> bool:
    out = subprocess.run([sys.executable, "-m", "icsgen.cli", "build", "--help"], capture_output=True, text=True,
                         cwd=REPO).stdout
    return "--no-search" in out


def has_no_cache_flag() -> bool:
    return has_flag("build", "--no-cache")


def has_flag(command: str, flag: str) -> bool:
    out = subprocess.run([sys.executable, "-m", "icsgen.cli", command, "--help"], capture_output=True, text=True,
                         cwd=SNAPSHOT, env=icsgen_env()).stdout
    return flag in out


SNAPSHOT = BENCH / "sites" / "icsgen-snapshot"


def snapshot_icsgen(worktree: bool) -> str:
    """Copy icsgen/ aside (as committed at HEAD, or as it is in the work tree) and time that copy.

    Others edit the same tree while the benchmark runs: a half-saved change could break a build, and
    the cache trusts nothing built by another version of icsgen's source, so any edit to icsgen/
    during the run would turn every rebuild into a full build.
    """
    if SNAPSHOT.exists():
        shutil.rmtree(SNAPSHOT)
    SNAPSHOT.mkdir(parents=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=REPO).stdout.strip()
    if worktree:
        shutil.copytree(REPO / "icsgen", SNAPSHOT / "icsgen", ignore=shutil.ignore_patterns("__pycache__"))
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "icsgen"], capture_output=True, text=True,
                               cwd=REPO).stdout.strip()
        state = f"{commit}{' plus the uncommitted changes in icsgen/' if dirty else ''} (work tree)"
    else:
        archive = subprocess.run(["git", "archive", "--format=tar", "HEAD", "icsgen"], capture_output=True,
                                 cwd=REPO, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(SNAPSHOT)], input=archive, check=True)
        state = f"{commit} (as committed)"
    # Byte-compile the copy as `pip install` does: this machine sets PYTHONDONTWRITEBYTECODE, and without
    # .pyc files every timed run would first compile icsgen's source (~60 ms), which no installed icsgen does.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(SNAPSHOT / "icsgen")], check=True)
    check = subprocess.run([sys.executable, "-m", "icsgen.cli", "--version"], capture_output=True, text=True,
                           cwd=SNAPSHOT.parent, env=icsgen_env())
    if check.returncode != 0:
        raise SystemExit(f"the copy of icsgen does not run:\n{check.stderr.strip()[-2000:]}")
    return state


def icsgen_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SNAPSHOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def wait_for_cache_writer(site_dir: Path) -> float:
    """Wait until the last build's background cache writer is done (it holds the cache's lock after the
    command returned); return how long that took."""
    lock = site_dir / ".icsgen-cache" / "lock"
    start = time.perf_counter()
    if lock.exists():
        with open(lock, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
    return time.perf_counter() - start


ASIDE = BENCH / "sites" / ".set-aside"


def set_aside(path: Path) -> None:
    """Move a build's output or cache out of the way (one rename) instead of deleting it.

    On this machine's ext4, deleting a tree of 10,000 files makes creating files and folders 2-3 times
    slower for minutes afterwards (`rm -rf` of a 10,000-file tree: ~30 us per new folder and file before,
    ~90 us from a few seconds after, still so 20 s later; renaming the tree instead: no change). Whichever
    build followed a deletion paid for it, so the bench deletes nothing while it times builds:
    `empty_set_aside` deletes it all once a site size is done.
    """
    if path.exists():
        ASIDE.mkdir(parents=True, exist_ok=True)
        path.rename(ASIDE / f"{time.time_ns()}-{path.parent.name}-{path.name}")


def empty_set_aside() -> None:
    if ASIDE.exists():
        shutil.rmtree(ASIDE)


def count_html(site_dir: Path) -> int:
    return sum(1 for _ in (site_dir / "build").rglob("*.html")) if (site_dir / "build").exists() else 0


def clean(site_dir: Path) -> None:
    wait_for_cache_writer(site_dir)  # the last build's cache files may still be being written
    for name in (".icsgen-cache", "build"):
        set_aside(site_dir / name)


def measure(pages: int, args: argparse.Namespace) -> dict:
    site_dir, rendered, words = prepare(pages, args.seed, args.peers)
    env = icsgen_env()
    no_cache = has_no_cache_flag()
    no_search = has_no_search_flag()
    series = {key: Series(label) for key, label in [
        ("cold", "cold build" + (" (`--no-cache`, no `.icsgen-cache/`)" if no_cache else " (no `.icsgen-cache/`)")),
        ("first", "first build, filling an empty cache"),
        ("nochange", "no-change rebuild"),
        ("onepage", "one-page-edit rebuild"),
        ("template", f"one-template-edit rebuild (`{Path(TEMPLATE).name}`)"),
        ("check", "`icsgen check`, no `.icsgen-cache/` (after the cold build)"),
        ("check_cached", "`icsgen check` after the first build (reads its cache)"),
        ("cold_nosearch", "cold build without search (`--no-search`, as the cold build otherwise)"),
        ("onepage_nosearch", "one-page-edit rebuild without search (`--no-search` since the first build)"),
    ]}
    if not no_search:
        del series["cold_nosearch"], series["onepage_nosearch"]
    if not no_cache:
        del series["first"]
    if not args.check:
        del series["check"], series["check_cached"]
    elif not no_cache:
        del series["check_cached"]
    peers: dict[str, Series] = {}
    skipped: dict[str, str] = {}
    if args.peers:
        for peer in PEERS:
            if args.peer and peer.name not in args.peer:
                continue
            if peer.executable() is None:
                skipped[peer.name] = "not installed (see `bash bench/install_peers.sh`)"
            else:
                peers[peer.name] = Series(peer.name)
    page = edit_target(site_dir)
    template = site_dir / TEMPLATE
    page_text, template_text = page.read_text(encoding="utf-8"), template.read_text(encoding="utf-8")
    failures: list[str] = []

    waits: list[float] = []

    def icsgen(key: str, *extra: str) -> None:
        waits.append(wait_for_cache_writer(site_dir))  # an editor's next build starts seconds later, not at once
        command = check_command(site_dir, args.jobs) if key.startswith("check") else \
            icsgen_command(site_dir, args.jobs, *extra)
        run = run_timed(command, site_dir, env)  # not REPO: -m looks in cwd
        series[key].runs.append(run)
        status = f"{run.seconds:7.2f} s {run.cpu_seconds:7.2f} s CPU {run.peak_pss_mb:6.0f} MB" if run.ok else "FAILED"
        print(f"  icsgen {key:9} {status}", flush=True)
        if not run.ok:
            failures.append(f"icsgen {key}: {run.output.strip()[-2000:]}")

    if args.only_edit:
        return measure_edits(pages, args, site_dir, rendered, words, page, page_text, series, no_search, icsgen,
                             failures, waits)
    if args.check and args.only_check:
        for key in [k for k in series if k not in ("cold", "check", "cold_nosearch", "first", "check_cached")]:
            del series[key]
        for r in range(1, args.repeat + 1):
            print(f"N={pages}: repeat {r} of {args.repeat} (check and the builds beside it)", flush=True)
            clean(site_dir)
            icsgen("cold", *(["--no-cache"] if no_cache else []))
            clean(site_dir)
            icsgen("check")
            if "cold_nosearch" in series:
                clean(site_dir)
                icsgen("cold_nosearch", *(["--no-cache"] if no_cache else []), "--no-search")
            if no_cache:
                clean(site_dir)
                icsgen("first")
                icsgen("check_cached")
        html_files = count_html(site_dir)  # of the last build, before it is set aside
        clean(site_dir)
        empty_set_aside()
        return {"pages": pages, "rendered": rendered, "words": words, "series": series, "peers": peers,
                "skipped": skipped, "html_files": html_files, "serve": None, "edited": page.relative_to(site_dir),
                "failures": failures, "site": site_dir, "waits": waits}
    for r in range(1, args.repeat + 1):
        print(f"N={pages}: repeat {r} of {args.repeat}", flush=True)
        try:
            clean(site_dir)
            icsgen("cold", *(["--no-cache"] if no_cache else []))
            if args.check:  # with nothing cached: the cold build wrote no cache (or `clean` set it aside)
                clean(site_dir)
                icsgen("check")
            if no_cache:
                clean(site_dir)
                icsgen("first")
                if args.check:
                    icsgen("check_cached")
            icsgen("nochange")
            page.write_text(page_text + f"\nThis sentence was added by the benchmark (repeat {r}).\n", encoding="utf-8")
            icsgen("onepage")
            if no_search:  # the same builds without the search index, for the ratio search costs
                clean(site_dir)
                icsgen("cold_nosearch", *(["--no-cache"] if no_cache else []), "--no-search")
                clean(site_dir)
                icsgen("onepage_nosearch", "--no-search")  # the first build, filling the cache
                page.write_text(page_text + f"\nThis sentence was added by the benchmark (again, {r}).\n",
                                encoding="utf-8")
                series["onepage_nosearch"].runs.pop()  # that was the first build, not the edit
                icsgen("onepage_nosearch", "--no-search")
        finally:
            page.write_text(page_text, encoding="utf-8")
        for peer_name, peer_series in peers.items():
            peer = next(p for p in PEERS if p.name == peer_name)
            run = run_peer(peer, site_dir.parent / f"site-{peer.name}")
            peer_series.runs.append(run)
            print(f"  {peer.name:16} {run.seconds:7.2f} s  {run.peak_pss_mb:6.0f} MB" if run.ok else
                  f"  {peer.name:16} FAILED", flush=True)
            if not run.ok:
                failures.append(f"{peer.name}: {run.output.strip()[-2000:]}")
    # Last, as a template edit re-renders every page and replaces every file of build/, freeing 10,000 inodes:
    # the build after it would pay for that (see `set_aside`); each of these follows the one before it.
    try:
        for r in range(1, args.repeat + 1):
            template.write_text(template_text + f"\n{{# edited by the benchmark (edit {r}) #}}\n", encoding="utf-8")
            icsgen("template")
    finally:
        template.write_text(template_text, encoding="utf-8")
    html_files = count_html(site_dir)
    serve = serve_latency(site_dir) if not args.no_serve else None
    empty_set_aside()
    return {"pages": pages, "rendered": rendered, "words": words, "series": series, "peers": peers,
            "skipped": skipped, "html_files": html_files, "serve": serve, "edited": page.relative_to(site_dir),
            "failures": failures, "site": site_dir, "waits": waits}


def measure_edits(pages: int, args: argparse.Namespace, site_dir: Path, rendered: int, words: str, page: Path,
                  page_text: str, series: dict[str, Series], no_search: bool, icsgen: Callable[..., None],
                  failures: list[str], waits: list[float]) -> dict:
    """`--only-edit`: one first build with search (untimed), then `--repeat` one-page-edit rebuilds with it;
    the same without search (`--no-search` from its first build on). Two full builds in all, not one per
    repeat: for changes to what a rebuild does, this is the part that moves."""
    for key in [k for k in series if k not in ("onepage", "onepage_nosearch")]:
        del series[key]
    modes = [("onepage", ())] + ([("onepage_nosearch", ("--no-search",))] if no_search else [])
    try:
        for key, extra in modes:
            clean(site_dir)
            print(f"N={pages}: first build{' '.join(('', *extra))} (not counted)", flush=True)
            icsgen(key, *extra)
            series[key].runs.pop()  # the first build, filling the cache: not an edit
            for r in range(1, args.repeat + 1):
                page.write_text(page_text + f"\nThis sentence was added by the benchmark ({key}, {r}).\n",
                                encoding="utf-8")
                icsgen(key, *extra)
    finally:
        page.write_text(page_text, encoding="utf-8")
    html_files = count_html(site_dir)
    clean(site_dir)
    empty_set_aside()
    return {"pages": pages, "rendered": rendered, "words": words, "series": series, "peers": {}, "skipped": {},
            "html_files": html_files, "serve": None, "edited": page.relative_to(site_dir), "failures": failures,
            "site": site_dir, "waits": waits}


def run_peer(peer: Peer, folder: Path) -> Run:
    for name in (peer.output, ".jekyll-cache", ".cache", "resources", "__pycache__"):
        set_aside(folder / name)
    return run_timed(list(peer.command), folder)


def serve_latency(site_dir: Path) -> dict | None:
    """Run bench/serve_latency.py (written alongside) if it exists; pick out its median and worst."""
    script = BENCH / "serve_latency.py"
    if not script.exists():
        return None
    print("  serve latency (bench/serve_latency.py) ...", flush=True)
    try:
        proc = subprocess.run([sys.executable, str(script), "--site", str(site_dir)], capture_output=True, text=True,
                              cwd=REPO, env=icsgen_env(), timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"ok": False, "text": "timed out"}
    text = (proc.stdout + proc.stderr).strip()
    found = {}
    for key in ("median", "worst"):
        match = re.search(rf"{key}\D{{0,20}}?([\d.]+)\s*(ms|s)\b", text, re.IGNORECASE)
        if match:
            value = float(match.group(1)) * (1000 if match.group(2) == "s" else 1)
            found[key] = value
    return {"ok": proc.returncode == 0, "text": text, **found}


# -- reporting ----------------------------------------------------------------------------------------


def fmt(seconds: float | None) -> str:
    return "failed" if seconds is None else f"{seconds:.2f}"


def report(results: list[dict], args: argparse.Namespace, started: dt.datetime, load: tuple) -> str:
    lines = [
        f"# icsgen benchmark, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- icsgen {args.icsgen_state}, copied aside at the start so that edits to the work tree during the "
        "run don't count; "
        f"`--jobs {args.jobs}` ({'one per core' if args.jobs == 0 else 'workers'}), "
        f"Python {platform.python_version()}",
        f"- machine: {os.cpu_count()} cores, load average {load[0]:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end (shared and noisy: compare figures within this run only)",
        f"- {args.repeat} repeat(s); times are medians in seconds (min-max in brackets); memory is the largest "
        "single process's peak RSS and the peak PSS of the whole process tree (workers included)",
        f"- command: `python3 bench/run.py {' '.join(sys.argv[1:])}`",
    ]
    if args.peers:
        chosen = [p for p in PEERS if p.executable() and (not args.peer or p.name in args.peer)]
        versions = [f"{p.name} {p.version()}" for p in chosen]
        lines.append(f"- peers: {'; '.join(versions) or 'none installed'}")
    for res in results:
        n = res["rendered"]
        lines += ["", f"## N = {n} pages", "",
                  f"{n} Markdown pages (about {res['words']} words each, 5 regions, ~30% news); icsgen writes "
                  f"{res['html_files']} HTML files (with section pages, news listings and 404 pages). "
                  f"One-page edit: `{res['edited']}`. Each timed build started once the build before it had "
                  f"finished writing its cache in the background (`.icsgen-cache/lock`): waited "
                  f"{max(res['waits'], default=0):.2f} s at most, {sum(res['waits']):.2f} s in all. Outputs and caches "
                  "were set aside, not deleted, before each cold build, and the template-edit rebuilds came after "
                  "all the repeats (see `set_aside` in bench/run.py).", "",
                  "| icsgen | median s | (min-max) | median CPU s | pages/s | peak RSS, largest process "
                  "| peak PSS, all processes | peak RSS, all processes added up |",
                  "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
        for s in res["series"].values():
            med = s.median()
            rate = f"{n / med:.0f}" if med else "-"
            lines.append(f"| {s.label} | {fmt(med)} | {s.spread()} | {fmt(s.median_cpu())} | {rate} | "
                         f"{s.max_rss():.0f} MB | {s.peak_pss():.0f} MB | {s.peak_rss_sum():.0f} MB |")
        serve = res["serve"]
        if serve is None and not args.no_serve:
            lines.append("| serve save-to-browser latency | not measured: bench/serve_latency.py is not there yet | "
                         "| | | | | |")
        elif serve is not None:
            if "median" in serve:
                lines.append(f"| serve save-to-browser latency | {serve['median']:.0f} ms | worst "
                             f"{serve.get('worst', float('nan')):.0f} ms | | | | | |")
            lines += ["", "serve_latency.py said:", "", "```", serve["text"][-3000:], "```"]
        cold = res["series"]["cold"].median() if "cold" in res["series"] else None
        lines += check_ratios(res["series"])
        plain = res["series"].get("cold_nosearch")
        if plain is not None and plain.median() and cold and "onepage_nosearch" in res["series"]:
            lines += ["", f"Search: cold build with search / without = {cold / plain.median():.2f}; one-page-edit "
                      f"rebuild with search {fmt(res['series']['onepage'].median())} s, without "
                      f"{fmt(res['series']['onepage_nosearch'].median())} s."]
        if res["peers"] or res["skipped"]:
            lines += ["", "Cold builds of the same pages (peer / icsgen > 1 means icsgen is faster):", "",
                      "| generator | median s | (min-max) | pages/s | peak RSS, largest process | "
                      "peak PSS, all processes | peer / icsgen cold |",
                      "| --- | ---: | --- | ---: | ---: | ---: | ---: |"]
            icsgen_cold = res["series"]["cold"]
            rows = [("icsgen", icsgen_cold), *res["peers"].items()]
            rows.sort(key=lambda row: row[1].median() or float("inf"))
            for name, s in rows:
                med = s.median()
                ratio = f"{med / cold:.2f}" if med and cold else "-"
                rate = f"{n / med:.0f}" if med else "-"
                bold = "**" if name == "icsgen" else ""
                lines.append(f"| {bold}{name}{bold} | {fmt(med)} | {s.spread()} | {rate} | {s.max_rss():.0f} MB | "
                             f"{s.peak_pss():.0f} MB | {ratio} |")
            for name, why in res["skipped"].items():
                lines.append(f"| {name} | skipped: {why} | | | | | |")
            hugo = res["peers"].get("hugo")
            edit = res["series"]["onepage"].median()
            if hugo and hugo.median() and edit:
                lines += ["", f"One-page-edit rebuild of icsgen vs a full build by Hugo: {edit:.2f} s vs "
                          f"{hugo.median():.2f} s (Hugo / icsgen = {hugo.median() / edit:.2f})."]
        if res["failures"]:
            lines += ["", "Failures:", "", "```", *res["failures"], "```"]
    return "\n".join(lines) + "\n"


def check_ratios(series: dict[str, Series]) -> list[str]:
    """`icsgen check` against the build it was timed beside, repeat by repeat (each pair ran one after the other)."""
    lines = []
    for key, against, what in [("check", "cold", "check with nothing cached / cold build"),
                               ("check", "cold_nosearch", "check with nothing cached / cold build with `--no-search`"),
                               ("check_cached", "first", "check after a build / that first build")]:
        if key not in series or against not in series or len(series[key].runs) != len(series[against].runs):
            continue
        pairs = [(b, c) for b, c in zip(series[against].runs, series[key].runs, strict=True) if b.ok and c.ok]
        for measure, of in (("wall", lambda r: r.seconds), ("CPU", lambda r: r.cpu_seconds)):
            ratios = [of(c) / of(b) for b, c in pairs if of(b)]
            if ratios:
                lines.append(f"- {what}, {measure}: median {statistics.median(ratios):.2f} (per repeat: "
                             f"{', '.join(f'{r:.2f}' for r in ratios)}; "
                             f"{statistics.median(of(c) for _, c in pairs):.2f} s / "
                             f"{statistics.median(of(b) for b, _ in pairs):.2f} s)")
    return ["", "`icsgen check` / `icsgen build`, wall time and CPU time (user + system of the command and the "
            "processes it waited for; below 1: check was quicker):", "", *lines] if lines else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, action="append", help="site size (repeat for several); default 1000")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is reported")
    parser.add_argument("--peers", action="store_true", help="also time the installed peers' cold builds")
    parser.add_argument("--peer", action="append", choices=[p.name for p in PEERS],
                        help="time only this peer (repeat for several); implies --peers")
    parser.add_argument("--jobs", type=int, default=0, help="icsgen build --jobs (0: one per core)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worktree", action="store_true",
                        help="time icsgen/ as it is in the work tree, uncommitted changes included (default: HEAD)")
    parser.add_argument("--no-serve", action="store_true", help="skip bench/serve_latency.py")
    parser.add_argument("--check", action="store_true",
                        help="also time `icsgen check` after each cold build (nothing cached) and after each first "
                             "build (its cache there to read); the report gives check / build")
    parser.add_argument("--only-check", action="store_true",
                        help="with --check: time only the cold builds (with and without search), the first build "
                             "and the two checks, alternating, for the check / build ratios")
    parser.add_argument("--only-edit", action="store_true",
                        help="time only one-page-edit rebuilds (--repeat of them with search, and as many without "
                             "if this icsgen has --no-search), each series after one untimed first build")
    parser.add_argument("--out", type=Path, help="Markdown file for the report (default: bench/results/DATE-TIME.md)")
    args = parser.parse_args(argv)
    args.pages = args.pages or [1000]
    args.peers = args.peers or bool(args.peer)
    started = dt.datetime.now(dt.UTC)
    args.icsgen_state = snapshot_icsgen(args.worktree)
    empty_set_aside()  # left by a run that was stopped: deleted before anything is timed
    load = os.getloadavg()
    results = [measure(n, args) for n in args.pages]
    text = report(results, args, started, load)
    out = args.out or BENCH / "results" / f"{started:%Y-%m-%d-%H%M}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {out}")
    return 1 if any(r["failures"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
