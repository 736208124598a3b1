"""Make the sample site's board papers: a small real PDF for every paper, agenda and minutes that a
region's meetings files (content/<region>/data/meetings-YYYY.yaml) link to and that does not exist.

    python scripts/make_sample_papers.py

Each PDF has one page saying it is a sample, and its title in the document's metadata. A file that is
already there is never touched: replace a sample with the real paper whenever you like.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with `lines` of text in Helvetica and `title` in its Info dictionary."""

    def literal(text: str) -> str:
        data = text.encode("latin-1", "replace").decode("latin-1")
        return "(" + data.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    stream = "BT /F1 18 Tf 72 760 Td " + literal(lines[0]) + " Tj /F1 12 Tf"
    for line in lines[1:]:
        stream += " 0 -24 Td " + literal(line) + " Tj"
    stream += " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R /Lang (en-GB) >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        f"<< /Title {literal(title)} /Producer (icsgen sample papers) >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def papers(meetings: list[dict]) -> list[tuple[str, str, str]]:
    """(link, title, meeting) of every file a meetings file links to."""
    found = []
    for meeting in meetings or []:
        name = f"{meeting.get('title', 'Meeting')}, {meeting.get('date')}"
        if meeting.get("agenda"):
            found.append((meeting["agenda"], f"Agenda: {name}", name))
        for paper in meeting.get("papers") or []:
            found.append((paper["link"], paper["title"], name))
        if meeting.get("minutes"):
            found.append((meeting["minutes"], f"Minutes: {name}", name))
    return found


def main() -> int:
    made = 0
    for data in sorted((ROOT / "content").glob("*/data/meetings*.yaml")):
        region = data.parent.parent
        for link, title, meeting in papers(yaml.safe_load(data.read_text(encoding="utf-8"))):
            if "://" in link or not link.endswith(".pdf"):
                continue
            path = region / link.lstrip("/")
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pdf(title, [title, "Sample paper for the icsgen example site.",
                                         f"Meeting: {meeting}.", "The names and figures in this sample are invented."]))
            made += 1
            print(f"made {path.relative_to(ROOT)}")
    print(f"{made} sample papers made")
    return 0


if __name__ == "__main__":
    sys.exit(main())
