"""icsgen's Markdown: NHS components, tables, heading anchors, link rewriting and link records."""

from __future__ import annotations

from pathlib import Path

from icsgen.markdown.convert import LinkTarget, MarkdownConverter, PageLinks


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
    assert links.problems == [(7, "unknown component 'detials'", "did you mean 'details'?")]


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
    assert (7, "link to 'gone.md': no page 'gone.md'", "") in links.problems
    assert any(line == 9 and message == "image 'map.png' has no alt text" for line, message, _ in links.problems)


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
    samples += [p.read_text() for p in sorted((Path(__file__).parent.parent / "content").rglob("*.md"))]
    standard = MarkdownConverter()
    standard._md.treeprocessors.register(InlineProcessor(standard._md), "inline", 20)
    quick = MarkdownConverter()
    for text in samples:
        def links(text: str = text) -> PageLinks:
            return PageLinks(resolve=lambda t: LinkTarget("x/"), relative=lambda u: u, source=text, first_line=1)

        assert quick.convert(text, links()).html == standard.convert(text, links()).html, text[:60]


def test_leaving_out_unused_extensions_does_not_change_the_html() -> None:
    """A page gets only the optional extensions whose syntax it could contain; output must not change."""
    from icsgen.markdown.convert import OPTIONAL

    samples = [
        "Term\n: Definition\n", "Term\n   : indented definition\n", "*[ICS]: Integrated Care System\n\nThe ICS.",
        "```\ncode | pipe\n```\n", "~~~\nx = 1\n~~~\n", '<div markdown="1">*em*</div>\n',
        "<div>\n*not em*\n</div>\n\npara", "<p>raw</p>\n\n<!-- comment -->\n\ntext <b>bold</b>",
        "a | b\n--|--\n1 | 2\n", "plain text only\n\n- list\n- items\n", "Time: 10:30\n\n: not a term\n",
    ]
    samples += [p.read_text() for p in sorted((Path(__file__).parent.parent / "content").rglob("*.md"))]
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
