"""What Pagefind alone costs to index a built site's search records: CPU a record, for adding the records
and for writing the index, and what icsgen's side of the exchange costs.

Why a script of its own: a build's CPU with and without search (bench/run.py --check) says how much search
adds, not how much of it is Pagefind's own work, which icsgen cannot make smaller. This one gives Pagefind
the records a build kept (`.icsgen-cache/search/`) exactly as a build does, and reads the Pagefind
process's CPU from /proc. `--fraction 0.1` sends each record's text cut to a tenth: what is left is
Pagefind's cost per record, whatever its length.

    python bench/run.py --pages 1000 ...            # or any site built once with search
    python bench/pagefind_cost.py --site bench/sites/n1000-s1/site --shards 1
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from icsgen.build.search import STORE_DIR, Pagefind, unpack_record
from icsgen.cache import code_fingerprint, read_store


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def records(site: Path) -> list[tuple]:
    """Every record the site's last build kept, unpacked, in a stable order."""
    found = []
    for path in sorted((site / ".icsgen-cache" / STORE_DIR).glob("*.*.bin")):
        stored = read_store(path, f"search {code_fingerprint()}")
        if not isinstance(stored, dict):
            raise SystemExit(f"{path}: not a record store of this icsgen (build the site again with this code)")
        found += [unpack_record(value) for _, value in sorted(stored.items())]
    if not found:
        raise SystemExit(f"no search records under {site}/.icsgen-cache/{STORE_DIR}: build the site with search first")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="a site folder built with search")
    parser.add_argument("--shards", type=int, default=1, help="indexes to cut the records into (one process)")
    parser.add_argument("--fraction", type=float, default=1.0, help="send this fraction of each record's text")
    args = parser.parse_args(argv)
    found = records(args.site)
    added = written = 0.0
    ours = own_cpu()
    started = time.perf_counter()
    with Pagefind() as service:
        pid = service.pid
        for number in range(args.shards):
            before = process_cpu(pid)
            index = service.wait(service.send({"type": "NewIndex", "config": {"force_language": "en"}}))["index_id"]
            for url, content, meta, filters in found[number::args.shards]:
                service.send({"type": "AddRecord", "index_id": index, "url": url,
                              "content": content[:int(len(content) * args.fraction)], "language": "en",
                              "meta": meta, "filters": filters, "sort": None}, answer=False)
            service.wait(service.send({"type": "NewIndex", "config": {"force_language": "en"}}))  # all added
            middle = process_cpu(pid)
            service.wait(service.send({"type": "GetFiles", "index_id": index}))
            added, written = added + middle - before, written + process_cpu(pid) - middle
    wall, ours = time.perf_counter() - started, own_cpu() - ours
    text = sum(len(record[1]) for record in found) * args.fraction / len(found)
    per = 1000 / len(found)
    print(f"{len(found)} records, {text / 1000:.1f} KB of text each on average, {args.shards} index(es)")
    print(f"Pagefind CPU: adding {added:.2f} s ({added * per:.2f} ms a record), writing the index {written:.2f} s "
          f"({written * per:.2f} ms a record), in all {(added + written) * per:.2f} ms a record")
    print(f"this process (icsgen's side: encoding, sending, decoding): {ours:.2f} s CPU; wall {wall:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
