"""Fuzz `icsgen build` and `icsgen check` for a while and report what broke (see tests/support/fuzzing.py).

    python scripts/fuzz.py --minutes 30                 # random cases of every file type
    python scripts/fuzz.py --minutes 5 --kind links     # one file type only
    python scripts/fuzz.py --cases 200 --seed 7         # a fixed number of cases
    python scripts/fuzz.py --replay fuzz-out/03-.../case.json   # one case again, with the commands' output

Each case is made from `SEED:INDEX` alone, so `--seed S --start I --cases 1 --kind K` makes case I
again. Every kind of failure found (by where the exception was raised, or by the rule broken and
its message with the particulars taken out) is cut down to its smallest reproduction, written to
`--out` (default `fuzz-out/`) as `case.json` and `repro.txt`, and listed in the closing table.
Runs one case at a time; each icsgen process has a time limit (`--timeout`) and a 3 GB memory limit.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.fuzzing import (
    FILE_TYPES,
    SMALL_REGIONS,
    Case,
    Contract,
    Edit,
    Finding,
    describe,
    lane_of,
    minimise,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=None, help="stop starting cases after this long")
    parser.add_argument("--cases", type=int, default=None, help="stop after this many cases")
    parser.add_argument("--seed", default=str(int(time.time())), help="random seed (default: the time)")
    parser.add_argument("--start", type=int, default=0, help="index of the first case")
    parser.add_argument("--kind", action="append", choices=FILE_TYPES, help="only these file types (repeatable)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds each icsgen process may take")
    parser.add_argument("--all-regions", action="store_true", help="start from all five sample regions "
                        "(60 pages: builds use worker processes) instead of two")
    parser.add_argument("--quick", action="store_true", help="skip the no-cache and undo builds of each case")
    parser.add_argument("--no-minimise", action="store_true", help="report failures as found")
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"), help="where reproductions are written")
    parser.add_argument("--replay", type=Path, help="run one case.json again and show what the commands said")
    args = parser.parse_args()
    if args.minutes is None and args.cases is None and args.replay is None:
        args.minutes = 10.0
    regions = None if args.all_regions else SMALL_REGIONS
    with tempfile.TemporaryDirectory(prefix="icsgen-fuzz-") as tmp:
        contract = Contract(Path(tmp) / "work", regions, timeout=args.timeout, thorough=not args.quick)
        if args.replay:
            return replay(contract, args.replay)
        return fuzz(contract, args)


def replay(contract: Contract, path: Path) -> int:
    saved = json.loads(path.read_text(encoding="utf-8"))
    case = Case(saved["kind"], tuple(Edit.from_json(e) for e in saved["edits"]), saved["what"], saved["seed"])
    print(describe(case, contract.pristine, max_lines=60))
    findings = contract.run(case)
    for finding in findings:
        print(f"\n[{finding.stage}] {finding.rule}: {finding.signature}\n{finding.detail}")
    print(f"\n{len(findings)} broken promises" if findings else "\nthe contract holds for this case")
    return 1 if findings else 0


def fuzz(contract: Contract, args: argparse.Namespace) -> int:
    kinds = tuple(args.kind or FILE_TYPES)
    deadline = time.monotonic() + args.minutes * 60 if args.minutes else float("inf")
    tried: Counter[str] = Counter()
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    seen: dict[str, list[Finding]] = {}
    index = args.start
    started = time.monotonic()
    print(f"fuzzing icsgen: seed {args.seed}, kinds {', '.join(kinds)}, "
          f"{'all regions' if args.all_regions else 'two regions'}, {'quick' if args.quick else 'thorough'}",
          flush=True)
    while time.monotonic() < deadline and (args.cases is None or index - args.start < args.cases):
        seed = f"{args.seed}:{index}"
        rng = random.Random(seed)
        kind = kinds[index % len(kinds)]
        case = contract.mutator.case(kind, rng, seed)
        findings = contract.run(case)
        tried[kind] += 1
        outcomes[kind]["broke the contract" if findings else "held"] += 1
        for finding in findings:
            first = finding.signature not in seen
            seen.setdefault(finding.signature, []).append(finding)
            if first:
                print(f"  new: [{kind} {seed}] {finding.rule}: {finding.signature}", flush=True)
        index += 1
        if index % 25 == 0:
            elapsed = time.monotonic() - started
            print(f"  {index - args.start} cases in {elapsed / 60:.1f} min, {len(seen)} kinds of failure", flush=True)
    print(f"\n{sum(tried.values())} cases in {(time.monotonic() - started) / 60:.1f} min (seed {args.seed})\n")
    print(f"{'file type':<12} {'tried':>6} {'held':>6} {'broke':>6}")
    for kind in kinds:
        print(f"{kind:<12} {tried[kind]:>6} {outcomes[kind]['held']:>6} {outcomes[kind]['broke the contract']:>6}")
    print(f"{'total':<12} {sum(tried.values()):>6} {sum(o['held'] for o in outcomes.values()):>6} "
          f"{sum(o['broke the contract'] for o in outcomes.values()):>6}")
    if not seen:
        print("\nNo failures.")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"\n{len(seen)} kinds of failure (reproductions in {args.out}/):\n")
    print(f"{'#':>2} {'times':>5} {'lane':<8} {'rule':<26} signature")
    rows = sorted(seen.items(), key=lambda item: (-len(item[1]), item[0]))
    for number, (signature, found) in enumerate(rows, 1):
        first = found[0]
        print(f"{number:>2} {len(found):>5} {lane_of(first):<8} {first.rule[:26]:<26} {signature}")
    for number, (signature, found) in enumerate(rows, 1):
        first = found[0]
        assert first.case is not None
        case = first.case if args.no_minimise else minimise(contract, first.case, signature)
        folder = args.out / f"{number:02d}-{re.sub(r'[^a-z0-9]+', '-', signature.lower())[:50].strip('-')}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "case.json").write_text(json.dumps({
            "kind": case.kind, "seed": case.seed, "what": case.what, "signature": signature, "rule": first.rule,
            "edits": [e.as_json() for e in case.edits]}, indent=1), encoding="utf-8")
        shown = describe(case, contract.pristine)
        (folder / "repro.txt").write_text(f"{signature}\n\n{shown}\n\n{first.detail}\n", encoding="utf-8")
        print(f"\n#{number} {signature}  ({len(found)} times; lane {lane_of(first)}; first seen {first.case.seed}, "
              f"{first.case.kind}: {first.case.what[:100]})")
        print("   " + shown.replace("\n", "\n   "))
        print("   -> " + first.detail.strip().splitlines()[-1][:200] if first.detail.strip() else "")
        print(f"   rerun: python scripts/fuzz.py --replay {folder / 'case.json'}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
