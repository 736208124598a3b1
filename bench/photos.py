#!/usr/bin/env python3
"""Time icsgen's content images: a cold build of a site with many phone photos, then the rebuilds.

    python3 bench/photos.py --photos 500 [--pages 200] [--size 1600x1200] [--jobs 0] [--out FILE]

Writes a site with `generate.py` (`--pages` pages), then `--photos` JPEG photos as a phone takes them
(EXIF orientation, GPS position, camera serial), spread over the regions' `images/` folders, each shown
on one page. Then times, each in a fresh process, with the work tree's icsgen:

1. cold build: no `.icsgen-cache/`, no `build/` (every photo made: resized, converted, stripped);
2. no-change rebuild: the same command again;
3. one-page-edit rebuild: a sentence added to a page that shows a photo (no photo made again);
4. one-photo-change rebuild: one photo replaced (that photo made again, every page rendered again,
   since a page's markup depends on its images' sizes).

The photos are drawn (gradients and shapes, JPEG quality 90), not real: real photos take longer to
decode and encode at the same size. The report says the photo size used.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import build_site, write_icsgen  # noqa: E402


def photo(rng: random.Random, size: tuple[int, int]) -> bytes:
    from PIL import ExifTags, Image, ImageDraw

    width, height = size
    top = tuple(rng.randrange(256) for _ in range(3))
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(image, Image.new("RGB", size, top), 0.6)
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(20, width // 4)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = rng.choice((1, 1, 6, 8))
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.BodySerialNumber] = f"SN{rng.randrange(10**8):08d}"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (51.0, 30.0, float(rng.randrange(60))),
                                               3: "W", 4: (0.0, 5.0, float(rng.randrange(60)))})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def write_photo_site(folder: Path, pages: int, photos: int, size: tuple[int, int], seed: int) -> list[Path]:
    site = build_site(pages, seed)
    write_icsgen(site, folder)
    rng = random.Random(seed)
    ordinary = [p for p in site.pages if p.region != "_shared" and not p.rel.endswith("index.md")]
    shown: list[Path] = []
    for n in range(photos):
        page = ordinary[n % len(ordinary)]
        name = f"photo-{n:04d}.jpg"
        image = folder / "content" / page.region / "images" / name
        image.parent.mkdir(parents=True, exist_ok=True)
        image.write_bytes(photo(rng, size))
        path = folder / "content" / page.region / page.rel
        depth = page.rel.count("/")
        alt = f"A group of people at a community health event, number {n}"
        path.write_text(path.read_text(encoding="utf-8") + f"\n![{alt}]({'../' * depth}images/{name})\n",
                        encoding="utf-8")
        shown.append(path)
    return shown


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return took


def wait_for_cache(site: Path) -> None:
    import fcntl

    lock = site / ".icsgen-cache" / "lock"
    if lock.exists():
        with open(lock, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=500)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--size", default="1600x1200", help="width x height of each photo as stored")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--site", type=Path, default=BENCH / "sites" / "photos")
    parser.add_argument("--out", type=Path, help="Markdown file for the report (default: print only)")
    args = parser.parse_args(argv)
    size = tuple(int(n) for n in args.size.lower().split("x"))
    if args.site.exists():
        shutil.rmtree(args.site)
    start = time.perf_counter()
    shown = write_photo_site(args.site, args.pages, args.photos, size, args.seed)  # type: ignore[arg-type]
    print(f"wrote {args.pages} pages and {args.photos} photos of {args.size} in {time.perf_counter() - start:.0f} s",
          flush=True)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = [sys.executable, "-m", "icsgen", "build", "--root", str(args.site), "--quiet", "--jobs", str(args.jobs)]
    results = {}
    results["cold build"] = timed(command, env)
    wait_for_cache(args.site)
    results["no-change rebuild"] = timed(command, env)
    wait_for_cache(args.site)
    shown[0].write_text(shown[0].read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    results["one-page-edit rebuild"] = timed(command, env)
    wait_for_cache(args.site)
    first = sorted((args.site / "content").rglob("photo-0000.jpg"))[0]
    first.write_bytes(photo(random.Random("changed"), size))  # type: ignore[arg-type]
    results["one-photo-change rebuild"] = timed(command, env)
    wait_for_cache(args.site)
    published = sum(1 for _ in (args.site / "build").rglob("photo-*"))
    uploaded = sum(p.stat().st_size for p in (args.site / "content").rglob("photo-*.jpg"))
    made = sum(p.stat().st_size for p in (args.site / "build").rglob("photo-*.jpg") if "w." not in p.name)
    lines = [f"# icsgen content images: {args.photos} photos of {args.size}, {args.pages} pages, --jobs {args.jobs} "
             f"({os.cpu_count()} cores)", "",
             "| build | seconds |", "| --- | --- |"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in results.items()]
    lines += ["", f"{published} image files published; the largest JPEG of each photo: {made / 2**20:.1f} MB in all, "
              f"from {uploaded / 2**20:.1f} MB uploaded."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
