"""Translations and Easy Read versions: which file is which, their addresses, and the mistakes an editor
is told about (a language icsgen does not know, a `lang:` that disagrees with the file name, a version
of a page that does not exist), each with its file and line and the build stopped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from icsgen.content import direction, endonym, version_of
from tests.support.sitemaker import basic_site, run, tree_digest

PAGE = "---\ntitle: {title}\n{extra}---\n{body}\n"


def page(title: str, body: str = "Text.", extra: str = "") -> str:
    return PAGE.format(title=title, body=body, extra=extra)


@pytest.mark.parametrize(("stem", "expected"), [
    ("priorities.bn", ("priorities", "bn", "")),
    ("index.ur", ("index", "ur", "")),
    ("priorities.zh-Hant", ("priorities", "zh-Hant", "")),
    ("priorities.easyread", ("priorities", "", "easyread")),
    ("annual-report", ("annual-report", "", "")),
    ("v1.2", ("v1.2", "", "")),  # not a language tag: a page of its own
    ("report.final", ("report.final", "", "")),
])
def test_a_file_name_says_which_version_it_is(stem: str, expected: tuple[str, str, str]) -> None:
    assert tuple(version_of(stem)) == expected


def test_languages_are_named_in_their_own_script_and_right_to_left_ones_say_so() -> None:
    assert endonym("bn") == "বাংলা"
    assert endonym("ur") == "اردو"
    assert endonym("pl") == "Polski"
    assert [direction(t) for t in ("ur", "ar", "fa", "ps", "he", "ckb", "bn", "en-GB", "pl")] == \
        ["rtl"] * 6 + ["ltr"] * 3
    assert direction("az-Arab") == "rtl" and direction("ku-Arab") == "rtl" and direction("ur-Latn") == "ltr"


def test_translations_get_their_own_addresses_one_folder_below_their_page(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/partners.bn.md": page("অংশীদার"),
        "content/alpha/about/index.ur.md": page("ہمارے بارے میں"),
        "content/alpha/about/partners.easyread.md": page("Partners (Easy Read)"),
    })
    out = tmp_path / "out"
    result = run(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    files = tree_digest(out)
    for rel in ("alpha/about/partners/bn/index.html", "alpha/about/ur/index.html",
                "alpha/about/partners/easy-read/index.html"):
        assert rel in files
    bengali = (out / "alpha/about/partners/bn/index.html").read_text()
    assert '<html lang="bn" dir="ltr"' in bengali
    urdu = (out / "alpha/about/ur/index.html").read_text()
    assert '<html lang="ur" dir="rtl"' in urdu
    english = (out / "alpha/about/partners/index.html").read_text()
    assert '<html lang="en-GB" dir="ltr"' in english
    # a version is not listed as a page of its folder: the About us section lists Partners once
    about = (out / "alpha/about/index.html").read_text()
    assert about.count("অংশীদার") == 0 and about.count("Partners (Easy Read)") == 0


def test_front_matter_lang_is_accepted_validated_and_must_agree_with_the_file_name(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/partners.bn.md": page("অংশীদার", extra="lang: bn\n"),
        "content/alpha/welsh.md": page("Amdanom ni", extra="lang: cy\n"),
    })
    out = tmp_path / "out"
    assert run(root, "build", "--out", str(out)).exit_code == 0
    assert '<html lang="cy" dir="ltr"' in (out / "alpha/welsh/index.html").read_text()

    bad = basic_site(tmp_path / "bad", {
        "content/alpha/about/partners.bn.md": page("অংশীদার", extra="lang: ur\n"),
        "content/alpha/about/partners.xx.md": page("Nothing"),
        "content/alpha/about/index.zz.md": page("Nothing", extra="lang: en_GB\n"),
        "content/alpha/orphan.pl.md": page("Sierota"),
        "content/alpha/about/partners.en.md": page("Partners again"),
    })
    result = run(bad, "build", "--out", str(tmp_path / "bad-out"))
    assert result.exit_code != 0
    text = result.output
    assert "partners.bn.md:3: 'lang' is 'ur' but the file name says 'bn'" in text
    assert "partners.xx.md:1: 'xx' in the file name is not a language icsgen knows" in text
    assert re.search(r"index\.zz\.md:3: 'lang' must be a language tag such as en-GB or cy, not 'en_GB' "
                     r"\(write 'en-GB', with a hyphen\)", text)
    assert "orphan.pl.md:1: a version of 'orphan.md', but there is no such page" in text
    assert "partners.en.md:1: a translation of 'about/partners.md' into its own language (en)" in text
    assert "Traceback" not in text
    assert not (tmp_path / "bad-out").exists()


def test_hreflang_alternates_link_every_version_both_ways_with_x_default(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/partners.bn.md": page("অংশীদার"),
        "content/alpha/about/partners.ur.md": page("شراکت دار"),
        "content/alpha/about/partners.easyread.md": page("Partners (Easy Read)"),
    })
    out = tmp_path / "out"
    assert run(root, "build", "--out", str(out)).exit_code == 0
    base = "https://test.example.org/alpha/about/partners/"
    expected = {("en-GB", base), ("bn", base + "bn/"), ("ur", base + "ur/"), ("x-default", base)}
    for rel in ("", "bn/", "ur/"):
        html = (out / f"alpha/about/partners/{rel}index.html").read_text()
        found = set(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
        assert found == expected, rel
    easy = (out / "alpha/about/partners/easy-read/index.html").read_text()
    assert "hreflang" not in easy.split("</head>")[0]  # the same language as its page: no alternate
    # a page without versions has none either
    assert "hreflang" not in (out / "alpha/about/index.html").read_text()
    # the sitemap says the same, as search engines read it there
    sitemap = (out / "alpha/sitemap.xml").read_text()
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in sitemap
    for rel in ("", "bn/", "ur/"):
        entry = re.search(rf"<url><loc>{re.escape(base + rel)}</loc>.*?</url>", sitemap).group(0)
        assert set(re.findall(r'<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/>', entry)) == expected
    easy_entry = re.search(rf"<url><loc>{re.escape(base)}easy-read/</loc>.*?</url>", sitemap).group(0)
    assert "xhtml:link" not in easy_entry


def test_the_switcher_lists_only_the_translations_that_exist_each_in_its_own_script(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/partners.bn.md": page("অংশীদার"),
        "content/alpha/about/partners.easyread.md": page("Partners (Easy Read)"),
    })
    out = tmp_path / "out"
    assert run(root, "build", "--out", str(out)).exit_code == 0
    html = (out / "alpha/about/partners/index.html").read_text()
    switcher = html[html.index('<nav class="icsgen-languages"'):]
    switcher = switcher[:switcher.index("</nav>")]
    assert re.findall(r'lang="([^"]+)"[^>]*>([^<]+)<', switcher) == [("en-GB", "English"), ("bn", "বাংলা")]
    assert 'aria-current="page">English' in switcher
    assert "اردو" not in html  # no Urdu version, no Urdu link
    assert 'href="easy-read/index.html">Easy Read version of this page</a>' in html
    easy = (out / "alpha/about/partners/easy-read/index.html").read_text()
    assert 'href="../index.html">Full version of this page</a>' in easy
    assert "icsgen-languages" not in easy  # an Easy Read version is in one language: no switcher
    assert 'class="nhsuk-body icsgen-easy-read"' in easy
    # a page with no versions has no switcher
    assert "icsgen-languages" not in (out / "alpha/about/index.html").read_text()


def test_headings_in_other_scripts_get_ids_of_their_own_words(tmp_path: Path) -> None:
    body = "## আমাদের লক্ষ্য\n\nলেখা।\n\n## আমাদের অংশীদার\n\nলেখা।\n\n## আমাদের লক্ষ্য\n\nআবার।\n\n" \
           "[লক্ষ্য](#আমাদের-লক্ষ্য)\n"
    root = basic_site(tmp_path / "site", {"content/alpha/about/partners.bn.md": page("অংশীদার", body)})
    out = tmp_path / "out"
    result = run(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    html = (out / "alpha/about/partners/bn/index.html").read_text()
    assert re.findall(r'<h2 id="([^"]+)"', html) == ["আমাদের-লক্ষ্য", "আমাদের-অংশীদার", "আমাদের-লক্ষ্য_1"]
    assert 'id="section"' not in html


def test_the_theme_speaks_the_pages_language_with_english_for_what_it_lacks(tmp_path: Path) -> None:
    reviewed = "reviewed: 2024-03-05\n"
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/partners.bn.md": page("অংশীদার", extra=reviewed),
        "content/alpha/about/partners.pl.md": page("Partnerzy", extra=reviewed),
    })
    out = tmp_path / "out"
    assert run(root, "build", "--out", str(out)).exit_code == 0
    bengali = (out / "alpha/about/partners/bn/index.html").read_text()
    assert "মূল বিষয়বস্তুতে যান</a>" in bengali  # skip link
    assert "উপরে ফিরে যান</a>" in bengali  # back to top
    assert '<time datetime="2024-03-05">5 মার্চ 2024</time>' in bengali
    assert ">হোম</a>" in bengali  # the first breadcrumb
    polish = (out / "alpha/about/partners/pl/index.html").read_text()
    assert "Skip to main content</a>" in polish and "5 March 2024" in polish  # no pl.yaml: English
    result = run(root, "check")
    assert "the theme has no 'pl' words for: skip_link, back_to_top" in result.output
    assert "'bn' words" not in result.output


def test_a_regions_own_strings_replace_the_themes(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/partners.bn.md": page("অংশীদার"),
        "content/alpha/_theme/strings/bn.yaml": "back_to_top: শীর্ষে যান\n",
    })
    out = tmp_path / "out"
    assert run(root, "build", "--out", str(out)).exit_code == 0
    html = (out / "alpha/about/partners/bn/index.html").read_text()
    assert "শীর্ষে যান</a>" in html and "মূল বিষয়বস্তুতে যান</a>" in html


def test_style_checks_apply_to_english_only(tmp_path: Path) -> None:
    # Welsh is written in Latin letters: English rules would count its words and flag its link text
    welsh = " ".join(["gwasanaethau"] * 60) + "."
    english = " ".join(["services"] * 60) + "."
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/partners.cy.md": page("Partneriaid", f"{welsh}\n\n[click here](index.md)\n",
                                                   "summary: Ein partneriaid.\n"),
        "content/alpha/about/partners.bn.md": page("অংশীদার", " ".join(["শব্দ"] * 60) + "।\n", "summary: অংশীদার।\n"),
        "content/alpha/about/partners.md": page("Partners", f"## NHS trusts\n\n{english}\n\n[click here](index.md)\n",
                                                "summary: Our partners.\n"),
    })
    result = run(root, "check")
    assert "partners.md:7: warning: sentence of 60 words" in result.output
    assert "partners.md:9: warning: link text 'click here' does not say where the link goes" in result.output
    assert "partners.cy.md" not in result.output and "partners.bn.md" not in result.output


def test_adding_a_translation_rebuilds_the_page_it_translates(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {"content/alpha/about/partners.bn.md": page("অংশীদার")})
    out = tmp_path / "out"
    assert run(root, "build", "--out", str(out)).exit_code == 0
    (root / "content/alpha/about/partners.ur.md").write_text(page("شراکت دار"), encoding="utf-8")
    assert run(root, "build", "--out", str(out)).exit_code == 0
    for rel in ("", "bn/"):
        html = (out / f"alpha/about/partners/{rel}index.html").read_text()
        assert 'hreflang="ur"' in html and "اردو" in html, rel
    (root / "content/alpha/about/partners.ur.md").unlink()
    assert run(root, "build", "--out", str(out)).exit_code == 0
    assert "اردو" not in (out / "alpha/about/partners/index.html").read_text()
    assert not (out / "alpha/about/partners/ur").exists()
