"""Write the share images (the picture a link preview shows) of the sample regions and of new regions.

    python3 scripts/make_share_images.py     # writes content/<region>/images/share.png and icsgen/starter/share.png

Each is a 1200 x 630 PNG (the size Facebook, LinkedIn and X show large): the region's name in white
on a dark colour, in the style of content/leeds/images/share.png. icsgen/starter/share.png is the
card `icsgen init` and `icsgen new region` copy into a new region, so a new site's links show a
picture at once (the guide says to replace it with one of the region's own). The files are
committed; run this again only after changing what it writes. It needs the DejaVu fonts
(fonts-dejavu-core on Debian and Ubuntu).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = Path("/usr/share/fonts/truetype/dejavu")
SIZE = (1200, 630)
MARGIN = 80

# (file, background, heading, line under it). The background colours keep white text above 4.5:1.
CARDS = [
    ("content/north-east-north-cumbria/images/share.png", "#003087", "North East and North Cumbria",
     "Health and care partners working together"),
    ("content/north-east-london/images/share.png", "#005EB8", "North East London",
     "Better health and care for local people"),
    ("content/humber-north-yorkshire/images/share.png", "#00594F", "Humber and North Yorkshire",
     "Health and care partnership"),
    ("content/lancashire-south-cumbria/images/share.png", "#7C2855", "Lancashire and South Cumbria",
     "Health and care partners working together"),
    ("icsgen/starter/share.png", "#005EB8", "Health and care", "Working together for local people"),
]


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def card(path: Path, background: str, heading: str, under: str) -> None:
    """One share card: the heading in large bold letters (wrapped), a line of plain text below it."""
    image = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(image)
    bold = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 80)
    plain = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 40)
    lines = _wrap(draw, heading, bold, SIZE[0] - 2 * MARGIN)
    y = 200 if len(lines) < 3 else 110
    for line in lines:
        draw.text((MARGIN, y), line, font=bold, fill="white")
        y += 100
    draw.text((MARGIN, y + 40), under, font=plain, fill="white")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


def main() -> int:
    if not (FONTS / "DejaVuSans-Bold.ttf").exists():
        print(f"the DejaVu fonts are not in {FONTS}: install fonts-dejavu-core", file=sys.stderr)
        return 1
    for relative, background, heading, under in CARDS:
        card(ROOT / relative, background, heading, under)
        print(relative)
    return 0


if __name__ == "__main__":
    sys.exit(main())
