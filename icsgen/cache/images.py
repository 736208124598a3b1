"""Content images made light, sharp and safe to publish, each made once and kept in `.icsgen-cache/images/`.

A photo from a phone is often 4,000 pixels wide, several megabytes, turned by an EXIF tag rather than
in its pixels, and carries the place it was taken (GPS) and the camera's serial number. Every JPEG,
PNG and WebP image of the content is therefore published as new files made from its pixels alone:

* turned upright as its EXIF orientation says (`ImageOps.exif_transpose`), then every piece of
  metadata left behind: EXIF (GPS position, camera, serials, dates), XMP, IPTC, comments, PNG text.
  Colours in another profile (a phone's Display P3) are converted to sRGB, and the profile dropped;
* in several widths (`WIDTHS`, none wider than the image, at most `MAX_WIDTH`), for `srcset`;
* in its own format and in WebP (and AVIF where the installed Pillow can write it).

The made files are kept by the hash of the image's bytes and of the way they are made (`RECIPE`), so
an unchanged image is never made twice, whatever its name or folder; an index by file identity (size,
change time, inode) spares reading and hashing unchanged images at all. Pillow is the one library used.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import re
import shutil
import warnings
from pathlib import Path
from typing import Any

IMAGE_SUFFIXES = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp"}
WIDTHS = (320, 640, 960, 1280, 1920)
MAX_WIDTH = 1920  # the published image is never wider: a content column is 620 pixels, 1,860 at 3x
MAX_PIXELS = 50_000_000  # larger images are refused rather than decoded (Pillow's own bomb guard is near)
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"}
RECIPE = "1"  # change when the made files would change for the same image (widths, qualities, formats)
IMAGES_DIR = "images"


@functools.lru_cache(maxsize=1)
def avif_supported() -> bool:
    """Whether the installed Pillow can write AVIF (built in since Pillow 11.2, where its wheel has it).
    An older Pillow does not know the feature's name (and would warn if asked about it)."""
    from PIL import features

    return "avif" in features.modules and bool(features.check_module("avif"))


def formats_for(original: str) -> list[str]:
    """The formats an image of format `original` is published in: its own first, then the lighter ones."""
    made = [original]
    if original != "webp":
        made.append("webp")
    if avif_supported():
        made.append("avif")
    return made


class ImageProblem(Exception):
    """An image that cannot be published: not an image, damaged, or too large to decode."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _pixels_said(exc: Exception) -> str:
    """The image's size in pixels from Pillow's bomb message ('Image size (81000000 pixels) exceeds ...')."""
    found = re.search(r"\((\d+) pixels\)", str(exc))
    return f"{int(found[1]):,}" if found else "too many"


def digest_of(path: Path) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            hasher.update(block)
    hasher.update(f"|{RECIPE}|{WIDTHS}|{MAX_WIDTH}|{avif_supported()}".encode())
    return hasher.hexdigest()


class ImageStore:
    """Made images by the digest of their source; `info` for the renderer, `files` for the writer."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._index_path = folder / "index.json"
        try:
            self._index: dict[str, list] = json.loads(self._index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._index = {}
        self._seen: dict[str, list] = {}

    def digest(self, path: Path) -> str:
        """The image's key, from the index when the file is as it was (no reading of unchanged photos)."""
        info = os.stat(path)
        identity = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        known = self._index.get(str(path))
        if known is not None and known[:4] == identity:
            self._seen[str(path)] = known
            return known[4]
        digest = digest_of(path)
        self._seen[str(path)] = [*identity, digest]
        return digest

    def save_index(self) -> None:
        """Keep the identities of the images this build saw (others are forgotten)."""
        if self._seen == self._index:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self._index_path.with_name(f".index.{os.getpid()}")
        temporary.write_text(json.dumps(self._seen), encoding="utf-8")
        os.replace(temporary, self._index_path)

    def made(self, digest: str) -> dict[str, Any] | None:
        """What was made from the image with this digest, or None if it was not (or not completely)."""
        try:
            return json.loads((self.folder / digest / "info.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def make(self, source: Path, digest: str) -> dict[str, Any]:
        """Make the published files of `source` (see the module's docstring); return their description."""
        done = self.made(digest)
        if done is not None:
            return done
        target = self.folder / digest
        partial = self.folder / f".{digest}.{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            info = _make(source, partial)
            (partial / "info.json").write_text(json.dumps(info), encoding="utf-8")
            try:
                os.replace(partial, target)
            except OSError:  # another build made it meanwhile: theirs is the same
                shutil.rmtree(partial, ignore_errors=True)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        return info

    def path(self, digest: str, name: str) -> Path:
        return self.folder / digest / name

    def forget_unused(self, used: set[str]) -> None:
        """Remove made images no image of the site has any more (a replaced photo's old sizes)."""
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if entry.is_dir() and entry.name not in used:
                    shutil.rmtree(entry.path, ignore_errors=True)


def read_problem(source: Path) -> ImageProblem | None:
    """What would stop `source` being made (`ImageStore.make`), found by reading it as making does, without
    making anything: for `icsgen check`, which must warn about every image a build would warn about."""
    try:
        _read(source)
    except ImageProblem as exc:
        return exc
    return None


def _read(source: Path) -> tuple[Any, str]:
    """The image at `source` decoded and turned upright (a large JPEG at a fraction of its size, never below
    the widest published), and its format; `ImageProblem` if it is no JPEG, PNG or WebP image icsgen can read."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as opened:
                original = (opened.format or "").lower()
                if original == "mpo":  # a phone's JPEG with a second picture in it: published as a JPEG
                    original = "jpeg"
                if original not in EXTENSIONS or original == "avif":
                    raise ImageProblem(f"is not a JPEG, PNG or WebP image (it is {opened.format or 'unknown'})",
                                       "save it again as a JPEG, PNG or WebP image")
                opened.seek(0)
                if original == "jpeg" and opened.mode in ("RGB", "L"):
                    # decode a large photo at 1/2, 1/4 or 1/8 of its size straight away, never below the
                    # widest size published (either way round: it may be turned after)
                    side = max(MAX_WIDTH, 1)
                    opened.draft(opened.mode, (side, side) if max(opened.size) > 2 * side else opened.size)
                upright = ImageOps.exif_transpose(opened)  # a copy: turned, its orientation tag gone
                upright.load()
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageProblem(f"is too large to make smaller copies of ({_pixels_said(exc)} pixels; icsgen reads "
                           f"up to {MAX_PIXELS:,})", "resize it to about 1,900 pixels wide before adding it") from None
    except (OSError, ValueError, SyntaxError):
        raise ImageProblem("cannot be read as an image (it is damaged, or not a picture)",
                           "save it again as a JPEG, PNG or WebP image") from None
    return upright, original


def _make(source: Path, folder: Path) -> dict[str, Any]:
    from PIL import Image

    upright, original = _read(source)
    pixels = _srgb(upright)
    width, height = pixels.size
    top = min(width, MAX_WIDTH)
    widths = [w for w in WIDTHS if w < top] + [top]
    variants: dict[str, list[list[Any]]] = {}
    sized = pixels
    for w in reversed(widths):  # each from the next larger one: a fraction of resizing from the original
        h = max(1, round(height * w / width))
        if sized.size != (w, h):
            sized = sized.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for fmt in formats_for(original):
            name = f"{w}.{EXTENSIONS[fmt]}"
            data = _encode(sized, fmt)
            (folder / name).write_bytes(data)
            variants.setdefault(fmt, []).insert(0, [w, h, name, len(data)])
    return {"format": original, "width": top, "height": max(1, round(height * top / width)),
            "source_width": width, "variants": variants}


def _srgb(image: Any) -> Any:
    """Pixels only: colours in sRGB, a mode every output format takes, and no metadata at all."""
    from PIL import Image

    profile = image.info.get("icc_profile")
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode == "PA" else "RGB")
    elif image.mode in ("CMYK", "YCbCr", "LAB", "HSV") or image.mode.startswith("I") or image.mode == "F":
        image = image.convert("RGB")
    elif image.mode == "1":
        image = image.convert("L")
    if profile:
        try:
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=image.mode)
        except Exception:  # a damaged profile: the pixels as they are
            pass
    clean = Image.new(image.mode, image.size)
    clean.paste(image)  # a new image: nothing of the old one's `info` (EXIF, XMP, ICC, text) comes along
    return clean


def _encode(image: Any, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "jpeg":
        rgb = image.convert("RGB") if image.mode not in ("RGB", "L") else image
        rgb.save(out, "JPEG", quality=82, progressive=True)
    elif fmt == "png":
        image.save(out, "PNG", optimize=False, compress_level=6)
    elif fmt == "webp":
        image.save(out, "WEBP", quality=80, method=2)  # method 4 (the default) took 2.5x as long for 7% less
    else:
        image.save(out, "AVIF", quality=60, speed=10)  # speed 8 took 6x as long: too slow for 500 photos
    return out.getvalue()
