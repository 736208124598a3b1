"""Content images as published: turned upright, stripped of every piece of metadata (GPS, serials),
offered in several widths and formats with width and height, made once and kept in `.icsgen-cache/`."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageDraw

from icsgen.cache.images import avif_supported
from tests.support.sitemaker import basic_site, run

GPS_MARK = b"GPS-SECRET-51.5"


def phone_photo(path: Path, size: tuple[int, int] = (2000, 1500), orientation: int = 6) -> bytes:
    """A JPEG as a phone writes one: stored sideways with an orientation tag, a GPS position, the
    camera's serial number and an XMP packet."""
    image = Image.new("RGB", size, (200, 220, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 4, size[1] // 4), fill=(255, 0, 0))  # a red corner, top left as stored
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.BodySerialNumber] = "SERIAL-0042"
    exif[ExifTags.Base.ImageDescription] = GPS_MARK.decode()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
                ExifTags.GPS.GPSLongitudeRef: "W", ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif, comment=b"taken at home",
               xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPS-SECRET</x:xmpmeta>')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return out.getvalue()


def no_metadata(data: bytes) -> None:
    """The bytes of a published image carry no EXIF, GPS, serial, XMP, comment or text of the original."""
    for secret in (b"Exif\x00\x00", GPS_MARK, b"SERIAL-0042", b"PhoneMaker", b"GPS-SECRET", b"taken at home",
                   b"xmpmeta"):
        assert secret not in data, secret
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif(), dict(image.getexif())
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "exif" not in image.info and "xmp" not in image.info and "comment" not in image.info


@pytest.fixture
def photo_site(tmp_path: Path) -> Path:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/index.md": "---\ntitle: About us\n---\n## Who we are\n\n"
        "![Our team at the Leeds hub opening](../images/team.jpg)\n\n"
        "![A map of the area](../images/map.png)\n\n![The logo](../images/logo.svg)\n",
    })
    phone_photo(root / "content/alpha/images/team.jpg")
    png = Image.new("RGBA", (800, 600), (0, 94, 184, 255))
    info = __import__("PIL.PngImagePlugin", fromlist=["PngInfo"]).PngInfo()
    info.add_text("Author", "GPS-SECRET in a PNG text chunk")
    png.save(root / "content/alpha/images/map.png", pnginfo=info)
    (root / "content/alpha/images/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40"/></svg>')
    return root


def test_every_published_image_is_upright_and_carries_no_metadata(photo_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(photo_site, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    published = sorted(p for p in (out / "alpha/images").iterdir() if p.suffix != ".svg")
    names = {p.name for p in published}
    formats = ["jpg", "webp", *(["avif"] if avif_supported() else [])]
    # the photo is 1500 x 2000 once upright (stored 2000 x 1500 with orientation 6)
    for width in (320, 640, 960, 1280):
        for ext in formats:
            assert f"team-{width}w.{ext}" in names
    assert "team.jpg" in names and "team-1500w.webp" in names and "team-1920w.jpg" not in names
    for path in published:
        no_metadata(path.read_bytes())
    with Image.open(out / "alpha/images/team.jpg") as upright:
        assert upright.size == (1500, 2000)
        # the red corner, top left as stored, is top right once turned 90 degrees clockwise
        assert upright.getpixel((1400, 50))[0] > 200 and upright.getpixel((50, 50))[0] < 220
    assert (out / "alpha/images/map.png").is_file() and "map-320w.webp" in names
    assert (out / "alpha/images/logo.svg").read_bytes() == (photo_site / "content/alpha/images/logo.svg").read_bytes()


def test_pages_offer_every_size_and_format_with_width_and_height(photo_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(photo_site, "build", "--out", str(out)).exit_code == 0
    html = (out / "alpha/about/index.html").read_text()
    pictures = re.findall(r"<picture>.*?</picture>", html)
    assert len(pictures) == 2
    team = pictures[0]
    assert '<source type="image/webp" srcset="../images/team-320w.webp 320w, ../images/team-640w.webp 640w,' in team
    assert 'src="../images/team.jpg"' in team and 'width="1500" height="2000"' in team
    assert 'srcset="../images/team-320w.jpg 320w,' in team and "../images/team.jpg 1500w" in team
    assert 'sizes="(min-width: 990px) 620px, calc(100vw - 32px)"' in team
    assert "loading=" not in team  # the first image of the page is not lazy
    assert 'loading="lazy"' in pictures[1] and 'width="800" height="600"' in pictures[1]
    if avif_supported():
        assert team.index('type="image/avif"') < team.index('type="image/webp"')
    logo = re.search(r'<img[^>]*logo\.svg[^>]*>', html).group(0)
    assert 'width="120" height="40"' in logo and 'loading="lazy"' in logo


def test_an_unchanged_image_is_never_made_twice(photo_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(photo_site, "build", "--out", str(out)).exit_code == 0
    store = photo_site / ".icsgen-cache/images"
    made = {p: p.stat().st_mtime_ns for p in store.rglob("*.webp")}
    assert len(made) >= 8
    (photo_site / "content/alpha/about/index.md").write_text(
        (photo_site / "content/alpha/about/index.md").read_text() + "\nMore.\n")
    # the same photo copied to another folder is the same image: made once
    photo = (photo_site / "content/alpha/images/team.jpg").read_bytes()
    (photo_site / "content/alpha/news/team.jpg").write_bytes(photo)
    assert run(photo_site, "build", "--out", str(out)).exit_code == 0
    assert {p: p.stat().st_mtime_ns for p in store.rglob("*.webp")} == made
    no_metadata((out / "alpha/news/team.jpg").read_bytes())
    assert (out / "alpha/news/team-320w.webp").read_bytes() == (out / "alpha/images/team-320w.webp").read_bytes()
    # a changed photo is made again, and the old one's files go
    phone_photo(photo_site / "content/alpha/images/team.jpg", size=(1200, 900), orientation=1)
    (photo_site / "content/alpha/news/team.jpg").unlink()
    assert run(photo_site, "build", "--out", str(out)).exit_code == 0
    with Image.open(out / "alpha/images/team.jpg") as image:
        assert image.size == (1200, 900)
    assert 'width="1200" height="900"' in (out / "alpha/about/index.html").read_text()
    assert len([p for p in store.iterdir() if p.is_dir()]) == 2  # the new photo's and the map's: the old one's went


def test_an_image_that_is_not_one_is_published_as_it_is_with_a_warning(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {"content/alpha/images/broken.jpg": "not really a picture"})
    out = tmp_path / "out"
    result = run(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "broken.jpg: this image cannot be read as an image (it is damaged, or not a picture): it is published " \
        "as it is, in one size" in result.output
    assert (out / "alpha/images/broken.jpg").read_text() == "not really a picture"


def test_a_photo_too_large_to_read_is_said_in_plain_words_with_what_to_do(tmp_path: Path) -> None:
    """Pillow's own words were shown ('could be decompression bomb DOS attack'), with advice to save it
    again as a JPEG, which it already was."""
    root = basic_site(tmp_path / "site")
    (root / "content/alpha/images").mkdir(exist_ok=True)  # the basic site has its share image there
    Image.new("L", (9000, 9000), 255).save(root / "content/alpha/images/poster.jpg", quality=30)
    result = run(root, "build", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert ("poster.jpg: this image is too large to make smaller copies of (81,000,000 pixels; icsgen "
            "reads up to 50,000,000): it is published as it is, in one size (resize it to about 1,900 pixels wide "
            "before adding it)") in result.output
    assert "bomb" not in result.output


def test_without_the_cache_images_are_made_and_still_stripped(photo_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(photo_site, "build", "--no-cache", "--out", str(out)).exit_code == 0
    assert not (photo_site / ".icsgen-cache/images").exists()
    no_metadata((out / "alpha/images/team.jpg").read_bytes())
    no_metadata((out / "alpha/images/team-640w.webp").read_bytes())


def test_check_warns_about_alt_text_empty_of_meaning_and_oversized_images(tmp_path: Path) -> None:
    body = ("## Who we are\n\n![image](../images/team.jpg)\n\n![IMG_2041.jpg](../images/team.jpg)\n\n"
            "![Picture of our team at the hub](../images/team.jpg)\n\n"
            "![Our team at the opening of the Alpha hub](../images/team.jpg)\n\n"
            '<img src="../images/small.jpg" alt="A nurse giving a vaccination" width="100">\n')
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/index.md": f"---\ntitle: About us\n---\n{body}",
        "content/alpha/about/index.bn.md": "---\ntitle: আমাদের সম্পর্কে\n---\n![ছবি](../images/team.jpg)\n\n"
                                           "![DSC_0042](../images/team.jpg)\n",
    })
    phone_photo(root / "content/alpha/images/team.jpg", size=(4000, 3000), orientation=1)
    phone_photo(root / "content/alpha/images/small.jpg", size=(800, 600), orientation=1)
    result = run(root, "check")
    out = result.output
    page = "content/alpha/about/index.md"
    assert f"{page}:6: warning: alt text 'image' does not say what the image shows" in out
    assert f"{page}:8: warning: alt text 'IMG_2041.jpg' is a file name, which says nothing about the image" in out
    assert (f"{page}:10: warning: alt text starts with 'Picture of': screen readers already say it is an image "
            "(start with what it shows: 'Our team at the hub')") in out
    assert ":12:" not in out  # good alt text
    assert ("content/alpha/images/team.jpg: warning: image is 4,000 pixels wide, far more than it is ever shown "
            "(620 pixels wide on about/index.bn.md, 1,860 on the sharpest screens)") in out  # the first page, by name
    assert ("content/alpha/images/small.jpg: warning: image is 800 pixels wide, far more than it is ever shown "
            "(100 pixels wide on about/index.md, 300 on the sharpest screens)") in out
    # a Bengali word is not checked against English words; a file name is a file name in any language
    assert "index.bn.md:4: warning: alt text 'ছবি'" not in out
    assert "index.bn.md:6: warning: alt text 'DSC_0042' is a file name" in out
