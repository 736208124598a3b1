"""Feeds and sitemaps parse as XML whatever the titles, names and summaries hold (icsgen/render/feeds.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from icsgen.render.feeds import escape
from tests.support.sitemaker import basic_site, run, write_site

ATOM = "{http://www.w3.org/2005/Atom}"
# every character XML 1.0 does not allow, and the ones it gives a meaning to
NOT_XML = "".join(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF))
HOSTILE = 'A & B <c> "d" \'e\' ]]> &amp; \x0b\x01 f'


def test_escape_makes_any_text_parse_as_xml_content_and_attribute() -> None:
    for text in (NOT_XML, HOSTILE, "".join(map(chr, range(0x20, 0x250))), "\ud800 lone \udfff surrogates"):
        document = f'<a b="{escape(text)}">{escape(text)}</a>'
        parsed = ET.fromstring(document.encode("utf-8"))
        allowed = "".join(c for c in text if c not in NOT_XML and not 0xD800 <= ord(c) <= 0xDFFF
                          and not 0x7F <= ord(c) <= 0x9F)
        assert (parsed.text or "") == allowed
        assert parsed.get("b") == allowed.replace("\n", " ").replace("\t", " ")


def test_feeds_and_sitemaps_parse_whatever_the_content_holds(tmp_path: Path) -> None:
    """Titles, names and summaries with XML's own characters; control characters (a title with
    `\\x0b\\x01` made a feed.xml no reader could parse) are now refused when read, and `escape`
    drops them anyway (above)."""
    root = basic_site(tmp_path)
    config = (root / "regions.yaml").read_text(encoding="utf-8")
    config = config.replace("name: Alpha Health and Care", 'name: "Alpha & <b>\\"Care\\"</b> ]]>"')
    config = config.replace("owner: NHS Alpha ICB", 'owner: "\\"Owner\\" <x> \'o\'"')
    write_site(root, {
        "regions.yaml": config,
        "content/alpha/news/2024-03-01-hostile.md": '---\ntitle: "News <script>\\"q\\"</script> & ]]>"\n'
        'date: 2024-03-01\nauthor: "Me & <you>"\nsummary: "Sum mary \\"x\\" &amp; \\u00e9"\n---\nBody.\n',
    }, config=None, theme=False)
    result = run(root, "build", "--quiet")
    assert result.exit_code == 0, result.output
    outputs = sorted((root / "build").rglob("*.xml"))
    assert len(outputs) >= 5  # two feeds, two sitemaps and the sitemap index
    for path in outputs:
        ET.parse(path)  # raises on anything that is not well-formed XML
    feed = ET.parse(root / "build/alpha/news/feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == 'Alpha & <b>"Care"</b> ]]>: news'
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == '"Owner" <x> \'o\''
    entry = next(e for e in feed.iter(f"{ATOM}entry") if "News" in (e.findtext(f"{ATOM}title") or ""))
    assert entry.findtext(f"{ATOM}title") == 'News <script>"q"</script> & ]]>'
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Me & <you>"
    assert entry.findtext(f"{ATOM}summary") == 'Sum mary "x" &amp; \u00e9'
