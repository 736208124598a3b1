"""icsgen's Markdown: NHS components, tables, heading anchors, link rewriting and link records."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from icsgen.markdown.convert import DEPTH_HINT, LinkTarget, MarkdownConverter, PageLinks
from tests.support.links import find_broken_links
from tests.support.sitemaker import PROJECT as REPO
from tests.support.sitemaker import basic_site, edit, run, tree_digest, write_site


def found(links: PageLinks) -> list[tuple[int, str, str]]:
    """The converter's problems as (line, message, hint): it knows no file; the renderer adds it."""
    return [(problem.line, problem.message, problem.hint) for problem in links.problems]


def convert(source: str, pages: dict[str, LinkTarget] | None = None):  # type: ignore[no-untyped-def]
    pages = pages or {}
    links = PageLinks(
        resolve=lambda target: pages.get(target, f"no page '{target}'"),
        relative=lambda url: f"REL({url})",
        source=source,
        first_line=5,
    )
    return MarkdownConverter().convert(source, links), links


def test_inset_warning_and_details_become_nhs_components() -> None:
    html = convert(
        '!!! inset\n    Call 111.\n\n!!! warning "Before you travel"\n    Check first.\n\n'
        '!!! details "Where can I get help?"\n    Ask your GP.\n'
    )[0].html
    assert '<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>Call 111.</p>' \
        in html
    assert '<p class="nhsuk-warning-callout__label"><span class="nhsuk-u-visually-hidden">Important: </span>' \
        'Before you travel</p><p>Check first.</p>' in html
    assert '<details class="nhsuk-details"><summary class="nhsuk-details__summary">' \
        '<span class="nhsuk-details__summary-text">Where can I get help?</span></summary>' \
        '<div class="nhsuk-details__text"><p>Ask your GP.</p>' in html
    assert "admonition" not in html


def test_unknown_component_is_reported_with_line_and_hint() -> None:
    _, links = convert("Intro.\n\n!!! detials \"Q\"\n    A\n")
    assert found(links) == [(7, "unknown component 'detials'", "did you mean 'details'?")]


def test_tables_are_wrapped_for_small_screens() -> None:
    html = convert("| Month | Step |\n|---|---|\n| July | Launch |\n")[0].html
    assert '<div aria-label="Table: Month, Step" class="nhsuk-table-responsive" role="region" tabindex="0">' \
        '<table class="nhsuk-table">' in html
    assert "<th>Month</th>" in html


def test_heading_anchors_and_contents() -> None:
    converted, _ = convert("## Our aims\n\n### Fairer care\n\n## Top\n")
    assert '<h2 id="our-aims">Our aims</h2>' in converted.html
    assert '<h2 id="top-section">Top</h2>' in converted.html  # 'top' is the theme's own anchor
    assert converted.toc[0]["id"] == "our-aims"
    assert converted.toc[0]["children"][0]["id"] == "fairer-care"
    assert converted.toc[1]["id"] == "top-section"


def test_links_to_pages_are_rewritten_and_recorded_with_lines() -> None:
    pages = {"about.md": LinkTarget("alpha/about/", "alpha/about.md")}
    converted, links = convert("Intro\n\nSee [about us](about.md#team) and [this](#intro).\n", pages)
    assert '<a href="REL(alpha/about/#team)">about us</a>' in converted.html
    assert [(r.target, r.fragment, r.line) for r in links.refs] == [("alpha/about.md", "team", 7), ("", "intro", 7)]


def test_missing_page_and_missing_alt_text_are_problems_with_lines() -> None:
    _, links = convert("One\n\nTwo [gone](gone.md)\n\n![](map.png)\n")
    assert (7, "link to 'gone.md': no page 'gone.md'", "") in found(links)
    assert any(line == 9 and message == "image 'map.png' has no alt text" for line, message, _ in found(links))


def test_external_links_are_left_alone() -> None:
    html = convert("[NHS 111](https://111.nhs.uk/) [mail](mailto:a@b.example) [call](tel:111)")[0].html
    assert 'href="https://111.nhs.uk/"' in html and 'href="mailto:a@b.example"' in html and 'href="tel:111"' in html


def test_email_autolinks_are_external() -> None:
    converted, links = convert("Email <hello@alpha.example.org> today.\n")
    assert links.problems == [] and links.refs == []
    assert "<a href=" in converted.html


def test_the_quick_inline_processor_gives_the_same_html_as_python_markdowns() -> None:
    """icsgen skips inline patterns whose trigger characters are absent; the output must not change."""
    from markdown.treeprocessors import InlineProcessor

    samples = [
        "a *b* _c_ **d** __e__ `f` \\* <http://x.y> <a@b.example> &amp; &copy; line  \nbreak ![i](p.png) [r][1] [s]"
        "\n\n[1]: http://z.example\n[s]: http://q.example\n",
        "snake_case_name and 2*3*4 x_y ***strong em*** ___both___ * not * _ not _",
        "<span>hi</span> &#169; `code *not em*` \\`escaped\\` [link *em*](https://n.example)",
        "!!! inset\n    Some *inset* text with [a link](https://n.example).\n\n"
        "| a | *b* |\n|---|---|\n| `c` | d_e_f |\n",
    ]
    samples += [p.read_text() for p in sorted((Path(__file__).parent.parent.parent / "content").rglob("*.md"))]
    standard = MarkdownConverter()
    standard._md.treeprocessors.register(InlineProcessor(standard._md), "inline", 20)
    quick = MarkdownConverter()
    for text in samples:
        def links(text: str = text) -> PageLinks:
            return PageLinks(resolve=lambda t: LinkTarget("x/"), relative=lambda u: u, source=text, first_line=1)

        assert quick.convert(text, links()).html == standard.convert(text, links()).html, text[:60]


def test_leaving_out_unused_extensions_does_not_change_the_html() -> None:
    """A page gets only the optional extensions whose syntax it could contain; output must not change."""
    from icsgen.markdown._fast import OPTIONAL

    samples = [
        "Term\n: Definition\n", "Term\n   : indented definition\n", "*[ICS]: Integrated Care System\n\nThe ICS.",
        "```\ncode | pipe\n```\n", "~~~\nx = 1\n~~~\n", '<div markdown="1">*em*</div>\n',
        "<div>\n*not em*\n</div>\n\npara", "<p>raw</p>\n\n<!-- comment -->\n\ntext <b>bold</b>",
        "a | b\n--|--\n1 | 2\n", "plain text only\n\n- list\n- items\n", "Time: 10:30\n\n: not a term\n",
    ]
    samples += [p.read_text() for p in sorted((Path(__file__).parent.parent.parent / "content").rglob("*.md"))]
    converter = MarkdownConverter()
    full, extension = converter._variant(tuple(OPTIONAL))
    for text in samples:
        def links(text: str = text) -> PageLinks:
            return PageLinks(resolve=lambda t: LinkTarget("x/"), relative=lambda u: u, source=text, first_line=1)

        full.reset()
        extension.processor.links = links()
        expected = full.convert(text)
        assert converter.convert(text, links()).html == expected, text[:60]


def test_a_blank_page_after_a_page_with_headings_has_no_contents() -> None:
    """A folder page with no index.md has a blank body; it must not get the last page's contents list."""
    converter = MarkdownConverter()

    def links(source: str) -> PageLinks:
        return PageLinks(resolve=lambda target: "no page", relative=lambda url: url, source=source, first_line=1)

    assert converter.convert("## One\n\n## Two\n", links("## One\n\n## Two\n")).toc
    for blank in ("", "\n\n", "   \n"):
        converted = converter.convert(blank, links(blank))
        assert converted.toc == () and converted.html == ""


# -- components whose text is not indented ------------------------------------------------------------


def test_a_component_whose_text_is_not_indented_is_an_error_that_shows_the_right_form() -> None:
    for kind, header in (("inset", "!!! inset"), ("warning", '!!! warning "Important"'),
                         ("details", '!!! details "Who can apply?"'), ("expander", '!!! expander "More"'),
                         ("important", "!!! important")):
        for indent in ("", " ", "  ", "   "):
            source = f"Intro.\n\n{header}\n{indent}We cannot give medical advice.\n"
            _, links = convert(source)
            how = "not indented" if not indent else f"indented {len(indent)} space{'s' if len(indent) > 1 else ''}"
            assert found(links) == [(7, f"the '{header}' component is empty: the text under it is {how}"
                                          f"{'' if not indent else ', not four'}, so it is shown after the component",
                                       f"indent each line of its text by four spaces: '{header}' then "
                                       "'    We cannot give medical advice.'")], (kind, indent)


def test_a_component_with_nothing_under_it_and_one_whose_last_line_falls_out() -> None:
    _, links = convert('!!! details "Q"\n\nNot in it.\n\n!!! inset\n    In it.\nFalls out.\n')
    assert sorted(found(links)) == [
        (5, "the '!!! details \"Q\"' component is empty: nothing is indented under it",
         "indent each line of its text by four spaces: '!!! details \"Q\"' then '    Your text.'"),
        (11, "this line follows the text of the '!!! inset' component but is not indented, so it is shown after "
             "the component, not in it",
         "indent it by four spaces to keep it in the component, or leave a blank line before it"),
    ]


def test_a_component_right_after_another_or_a_heading_right_after_one_is_fine() -> None:
    converted, links = convert("!!! inset\n    One.\n!!! warning\n    Two.\n## Next\n\nText.\n")
    assert links.problems == []
    assert converted.html.count("nhsuk-inset-text") == 1 and converted.html.count("nhsuk-warning-callout\"") == 1


def test_tabs_blank_lines_and_lists_inside_components_are_fine() -> None:
    converted, links = convert("!!! inset\n\tTabbed text.\n\n!!! warning\n\n    After a blank line.\n\n"
                               "- item\n\n    !!! inset\n        In a list.\n\n!!! inset\n    - one\n    - two\n")
    assert links.problems == []
    assert converted.html.count("nhsuk-inset-text") == 3
    assert "<p>Tabbed text.</p></div>" in converted.html and "<p>After a blank line.</p></div>" in converted.html


def test_the_line_of_an_empty_component_among_several_of_its_kind() -> None:
    source = "!!! inset\n    One.\n\n- item\n\n    !!! inset\n        Two.\n\n!!! inset\nThree.\n"
    _, links = convert(source)
    assert [line for line, _, _ in found(links)] == [13]


# -- pages nested too deeply ----------------------------------------------------------------------------


def test_nesting_too_deep_to_convert_is_an_error_at_the_start_of_it() -> None:
    converter = MarkdownConverter()
    for source, line in ((">" * 300 + " x\n", 5), ("Intro\n\n" + "".join("    " * i + "- a\n" for i in range(200)), 7),
                         ("".join("    " * i + "!!! inset\n" for i in range(300)) + "    " * 300 + "x\n", 5),
                         ("> - " * 200 + "x\n", 5), ("1. " * 400 + "x\n", 5),
                         ('<div markdown="1">\n' * 300 + "x\n" + "</div>\n" * 300, 5)):
        links = PageLinks(resolve=lambda target: LinkTarget("x/"), relative=lambda url: url, source=source,
                          first_line=5)
        assert converter.convert(source, links).html == ""
        assert found(links) == [(line, "the lists, quotes or components that start here are nested too deeply "
                                         "to convert", DEPTH_HINT)], source[:30]
        ok = PageLinks(resolve=lambda target: LinkTarget("x/"), relative=lambda url: url, source="*a*", first_line=1)
        assert converter.convert("*a*", ok).html == "<p><em>a</em></p>"  # the converter is still usable


def test_twenty_levels_of_anything_still_convert() -> None:
    for source in (">" * 20 + " x\n", "".join("    " * i + "- a\n" for i in range(20)),
                   "".join("    " * i + "> !!! inset\n" for i in range(20)) + "    " * 20 + "> x\n",
                   "".join("    " * i + "1. a\n\n" + "    " * (i + 1) + "> quote\n\n" for i in range(20))):
        converted, links = convert(source)
        assert links.problems == [] and converted.html, source[:40]


def test_a_build_and_a_check_name_each_page_nested_too_deeply(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    before = sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in (root / "build").rglob("*")
                    if p.is_file())
    write_site(root, {
        "content/alpha/quotes.md": "---\ntitle: Quotes\n---\nIntro.\n\n" + ">" * 300 + " x\n",
        "content/alpha/lists.md": "---\ntitle: Lists\n---\n" + "".join("    " * i + "- a\n" for i in range(200)),
        "content/alpha/boxes.md": "---\ntitle: Boxes\n---\n"
        + "".join("    " * i + "!!! inset\n" for i in range(2000)) + "    " * 2000 + "x\n",
        "content/alpha/warning.md": '---\ntitle: Warning\n---\nIntro.\n\n!!! warning "Important"\nDo not.\n',
    }, config=None, theme=False)
    message = "the lists, quotes or components that start here are nested too deeply to convert"
    for command in ("build", "check"):
        result = run(root, command)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "unexpected error" not in result.output
        for where in ("content/alpha/quotes.md:6:", "content/alpha/lists.md:4:", "content/alpha/boxes.md:4:"):
            assert any(line.startswith(where) and message in line for line in result.output.splitlines()), \
                (where, result.output)
        assert any(line.startswith("content/alpha/warning.md:6:") and "is empty: the text under it is not indented"
                   in line for line in result.output.splitlines()), result.output
    after = sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in (root / "build").rglob("*") if p.is_file())
    assert after == before


# -- pathological lines -----------------------------------------------------------------------------------

PATHOLOGICAL = {  # a line that made some scan quadratic (or worse), as a function of its length
    "brackets": lambda n: "[" * n, "closed brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "unclosed links": lambda n: "[a](" * (n // 4), "images": lambda n: "![" * (n // 2),
    "links": lambda n: "[a](x.md) " * (n // 10), "unclosed tags": lambda n: "<a " * (n // 3),
    "unclosed autolinks": lambda n: "<a@b" * (n // 4), "heading attributes": lambda n: "## a" + " {: a" * (n // 5),
}


def _calls(function: Callable[[], object]) -> int:
    """How many Python and built-in functions `function` calls: a measure of work that, unlike a clock,
    gives the same figure on a busy machine."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        function()
    finally:
        sys.setprofile(None)
    return count


def test_converting_a_pathological_line_takes_work_in_proportion_to_its_length() -> None:
    converter = MarkdownConverter()
    for name, make in PATHOLOGICAL.items():
        counts = []
        for size in (2000, 8000):
            source = make(size)
            links = PageLinks(resolve=lambda target: LinkTarget("x/"), relative=lambda url: url, source=source,
                              first_line=1)
            counts.append(_calls(lambda source=source, links=links: converter.convert(source, links)))
        assert counts[1] < 6 * counts[0], (name, counts)  # four times the text: about four times the work


def test_a_site_of_pathological_pages_is_checked_in_reasonable_time(tmp_path: Path) -> None:
    """Each page holds one 60 KB line that was quadratic in the converter or in the style checks.

    `icsgen check` converts and style-checks every page. It runs with a limit of CPU time far above
    what it takes now (seconds) and far below what it took (a line of 40,000 '[' alone took 161 s).
    """
    lines = {**PATHOLOGICAL, "angle brackets": lambda n: "<" * n, "end tags": lambda n: "</" * (n // 2),
             "processing": lambda n: "<?" * (n // 2), "reference links": lambda n: "[a][" * (n // 4),
             "attribute lists": lambda n: "a {: #x " * (n // 8), "comments": lambda n: "x <!-- a" * (n // 8),
             "variables": lambda n: "{{ region.name }} {{" * 2}
    root = basic_site(tmp_path, {f"content/alpha/{slug.replace(' ', '-')}.md": f"---\ntitle: {slug}\n---\n"
                                 f"Intro.\n\n{make(60_000)}\n" for slug, make in lines.items()})
    result = subprocess.run(
        [sys.executable, "-c", "import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_CPU, (100, 100)); "
         "sys.argv = ['icsgen', *sys.argv[1:]]; runpy.run_module('icsgen', run_name='__main__')",
         "check", "--root", str(root)], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])  # the bad links and the variables
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stdout + result.stderr
    assert "content/alpha/variables.md:6: error: error in a {{ }} variable" in result.stdout


# -- hints for links that find nothing --------------------------------------------------------------------


def test_a_misspelt_link_or_one_written_as_a_web_address_gets_a_hint(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {
        "content/alpha/about/links.md": "---\ntitle: Links\n---\n"
        "Our [partners](partner.md) and [news](../nwes/) and the [map](../images/mapp.png).\n"
        "Web addresses: [one](partners/), [two](/alpha/about/partners), [three](partners/index.html),\n"
        "[four](../about/partners.html) and [home](/alpha/).\n"
        "Nothing like it: [x](../zzzzzzzz.md).\n",
        "content/alpha/images/map.png": "not really a picture",
    })
    result = run(root, "build")
    assert result.exit_code == 1
    where = "content/alpha/about/links.md"
    web = "link the page's file, not its web address"
    assert sorted(line for line in result.output.splitlines() if line.startswith(where)) == sorted([
        f"{where}:4: link to 'partner.md': no page 'alpha/about/partner.md' (from content/) "
        "(did you mean 'partners.md'?)",
        f"{where}:4: link to '../nwes/': no page or file 'alpha/nwes' in content/ (did you mean '../news/'?)",
        f"{where}:4: link to '../images/mapp.png': no page or file 'alpha/images/mapp.png' in content/ "
        "(did you mean '../images/map.png'?)",
        f"{where}:5: link to 'partners/': no page or file 'alpha/about/partners' in content/ ({web}: 'partners.md')",
        f"{where}:5: link to '/alpha/about/partners': no page or file 'alpha/about/partners' in content/ "
        f"({web}: '/alpha/about/partners.md')",
        f"{where}:5: link to 'partners/index.html': no page or file 'alpha/about/partners/index.html' in content/ "
        f"({web}: 'partners.md')",
        f"{where}:6: link to '../about/partners.html': no page or file 'alpha/about/partners.html' in content/ "
        f"({web}: 'partners.md')",
        f"{where}:7: link to '../zzzzzzzz.md': no page 'alpha/zzzzzzzz.md' (from content/)",
    ])


# -- raw HTML in Markdown -----------------------------------------------------------------------------------


def test_raw_html_links_and_images_are_checked_and_rewritten_as_markdown_ones_are() -> None:
    pages = {"about.md": LinkTarget("alpha/about/", "alpha/about.md"), "map.png": LinkTarget("alpha/map.png")}
    source = ('Inline <a href="about.md#team" class="x">about</a> and <img src="map.png" alt="A map" width="300">.\n'
              "\n<div>\n<a href='../nope.md'>x</a>\n<IMG SRC=\"map.png\">\n<img src=\"gone.png\" alt=\"\">\n"
              "<!-- <a href=\"old.md\">commented out</a> -->\n"
              "<a href=\"https://www.nhs.uk/\">NHS</a> <a href=\"#top\">up</a>\n"
              "</div>\n\n```\n<a href=\"code.md\">code</a>\n```\n")
    converted, links = convert(source, pages)
    assert '<a href="REL(alpha/about/#team)" class="x">about</a>' in converted.html
    assert '<img src="REL(alpha/map.png)" alt="A map" width="300">' in converted.html
    assert '<IMG SRC="REL(alpha/map.png)">' in converted.html
    assert '<!-- <a href="old.md">commented out</a> -->' in converted.html
    assert '<a href="https://www.nhs.uk/">NHS</a>' in converted.html
    assert "&lt;a href=&quot;code.md&quot;&gt;" in converted.html
    alt = "describe what it shows: <img src="
    assert sorted(found(links)) == [
        (8, "link to '../nope.md': no page '../nope.md'", ""),
        (9, "image 'map.png' has no alt text", f'{alt}"map.png" alt="A map of the region">'),
        (10, "image 'gone.png' has no alt text", f'{alt}"gone.png" alt="A map of the region">'),
        (10, "link to 'gone.png': no page 'gone.png'", ""),
    ]
    assert sorted((ref.line, ref.target, ref.fragment) for ref in links.refs) == [(5, "alpha/about.md", "team"),
                                                                                  (12, "", "top")]


def test_raw_html_with_a_broken_link_stops_the_build_and_good_raw_links_work(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/about/raw.md": "---\ntitle: Raw\n---\n"
                                 '<p>See <a href="partners.md#nhs-trusts">our partners</a>.</p>\n\n'
                                 '<img src="../images/map.png" alt="A map of Alpha" width="200">\n',
                                 "content/alpha/images/map.png": "not really a picture"})
    assert run(root, "build").exit_code == 0
    html = (root / "build/alpha/about/raw/index.html").read_text()
    assert '<a href="../partners/index.html#nhs-trusts">our partners</a>' in html
    assert '<img src="../../images/map.png" alt="A map of Alpha" width="200">' in html
    assert find_broken_links(root / "build") == []
    write_site(root, {"content/alpha/about/raw.md": "---\ntitle: Raw\n---\n"
                      '<p>See <a href="../nope.md">this</a>.</p>\n\n<img src="missing.png">\n'},
               config=None, theme=False)
    result = run(root, "build")
    assert result.exit_code == 1
    where = "content/alpha/about/raw.md"
    assert f"{where}:4: link to '../nope.md': no page 'alpha/nope.md' (from content/)" in result.output
    assert f"{where}:6: image 'missing.png' has no alt text" in result.output
    assert f"{where}:6: link to 'missing.png': no page or file 'alpha/about/missing.png' in content/" in result.output


def test_an_image_no_browser_shows_is_an_error_at_its_line_and_nothing_is_published(tmp_path: Path) -> None:
    """A TIFF scan or an iPhone's HEIC photo was published as a broken image with a clean check."""
    root = basic_site(tmp_path / "site", {"content/alpha/about/index.md": (
        "---\ntitle: About us\n---\nOur plan:\n\n![A scan of the plan](plan.tiff)\n\n"
        '<img src="team.HEIC" alt="Our team">\n\n[The plan as a document](plan.tiff)\n')})
    for name in ("plan.tiff", "team.HEIC"):
        (root / "content/alpha/about" / name).write_bytes(b"not shown")
    checked = run(root, "check")
    assert checked.exit_code == 1
    assert ("content/alpha/about/index.md:6: error: image 'plan.tiff' is a TIFF file, which web browsers cannot "
            "show as an image") in checked.output
    assert "content/alpha/about/index.md:8: error: image 'team.HEIC' is a HEIC photo (from an iPhone)" in checked.output
    assert "save it as JPEG (a photo) or PNG" in checked.output
    assert checked.output.count("cannot show") == 2  # linking the file for download is fine
    assert run(root, "build").exit_code == 1 and not (root / "build").exists()


def test_a_link_with_nothing_to_read_out_is_an_error_at_its_line(tmp_path: Path) -> None:
    """`[](contact.md)` published a link a screen reader announces only as its address (WCAG 2.4.4)."""
    root = basic_site(tmp_path / "site", {"content/alpha/about/index.md": (
        "---\ntitle: About us\n---\nIntro.\n\n[](../index.md)\n\n[ ](partners.md)\n\n"
        "[`code`](partners.md) and [![Our logo](logo.png)](../index.md) are fine.\n")})
    from PIL import Image

    Image.new("RGB", (20, 20)).save(root / "content/alpha/about/logo.png")
    checked = run(root, "check")
    assert checked.exit_code == 1
    assert ("content/alpha/about/index.md:6: error: a link to '../index.md' with no text: a screen reader can only "
            "read out its address") in checked.output
    assert "content/alpha/about/index.md:8: error: a link to 'partners.md' with no text" in checked.output
    assert checked.output.count("with no text") == 2


def test_a_link_to_a_page_of_a_pdf_opens_it_there_and_a_page_it_lacks_is_an_error(tmp_path: Path) -> None:
    """Found by probing: `[the finance report](papers/board.pdf#page=12)`, the way to send readers to one
    paper in a board pack (PDF readers and browsers open the file at that page), failed the build as 'only
    pages have #anchors', leaving no way to write it."""
    from tests.support.pdfs import pdf_bytes

    root = basic_site(tmp_path / "site", {
        "content/alpha/papers/board.pdf": pdf_bytes("Board papers", ["Text."], pages=3),
        "content/alpha/about/index.md": "---\ntitle: About us\nsummary: Who.\n---\nSee [the finance report]"
        "(../papers/board.pdf#page=3).\n"})
    result = run(root, "build", "--no-search")
    assert result.exit_code == 0, result.output
    page = (root / "build/alpha/about/index.html").read_text()
    assert '<a href="../papers/board.pdf#page=3">the finance report (PDF, 2 KB, 3 pages)</a>' in page
    before = tree_digest(root / "build")
    edit(root, "content/alpha/about/index.md", lambda text: text + "\n[Four](../papers/board.pdf#page=4), "
         "[nought](../papers/board.pdf#page=0) and [a heading](../papers/board.pdf#finance).\n")
    result = run(root, "build", "--no-search")
    assert result.exit_code == 1
    assert "content/alpha/about/index.md:7: link to '../papers/board.pdf#page=4': the document has 3 pages" \
        in result.output
    assert "content/alpha/about/index.md:7: link to '../papers/board.pdf#page=0': the document has 3 pages" \
        in result.output
    assert "content/alpha/about/index.md:7: link to '../papers/board.pdf#finance': only pages have #anchors " \
           "(a PDF can be opened at one of its pages: #page=2)" in result.output
    assert tree_digest(root / "build") == before
