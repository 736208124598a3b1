"""A paragraph with more inline markup than any page needs is an error at its line, not a build that
seems to hang (Python-Markdown's inline patterns are quadratic in such a paragraph)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from markdown.blockprocessors import BlockProcessor
from markdown.treeprocessors import InlineProcessor

from icsgen.markdown.convert import MarkdownConverter, PageLinks
from icsgen.markdown.limits import MAX_MARKS
from tests.support.sitemaker import basic_site, run, tree_digest


def convert(source: str) -> tuple[str, list[tuple[int, str, str]]]:
    links = PageLinks(resolve=lambda target: f"no page '{target}'", relative=lambda url: url, source=source,
                      first_line=5)
    html = MarkdownConverter().convert(source, links).html
    return html, [(p.line, p.message, p.hint) for p in links.problems]


def test_a_paragraph_of_thousands_of_marks_is_an_error_at_its_first_line() -> None:
    backticks = "".join("`" * k + "a" for k in range(200))
    html, problems = convert("Intro.\n\n" + "*a" * 20_000 + "\n\nMore.\n\n" + backticks)
    assert html == ""
    assert problems == [
        (7, f"this paragraph has 20,000 '*' characters, more than the {MAX_MARKS:,} icsgen converts in one "
            "paragraph", "split it into paragraphs with blank lines"),
        (11, f"this paragraph has 19,900 '`' characters, more than the {MAX_MARKS:,} icsgen converts in one "
             "paragraph", "split it into paragraphs with blank lines"),
    ]


@pytest.fixture
def tries(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times Python-Markdown tries an inline pattern at a place (`tries[0]`): work counted, not timed."""
    counter = [0]
    apply_pattern = InlineProcessor._InlineProcessor__applyPattern  # type: ignore[attr-defined]

    def counted(self: InlineProcessor, *args: object) -> object:
        counter[0] += 1
        return apply_pattern(self, *args)

    monkeypatch.setattr(InlineProcessor, "_InlineProcessor__applyPattern", counted)
    return counter


HOSTILE_RUNS = ["[", "![", "[]", "[^", "[a", "[[a]", "[x][", "[a](", "<", "<!--", "<[", "*a", "_", "`", "\\["]


@pytest.mark.parametrize("unit", HOSTILE_RUNS)
def test_a_long_run_of_opening_characters_costs_a_bounded_number_of_pattern_tries(unit: str, tries: list[int]) -> None:
    """40 KB of link, image, autolink, comment or emphasis openers on one line: Python-Markdown tries its
    inline patterns at each (40,000 tries and more for `[`, seconds on a loaded machine). The work is
    counted in pattern tries, not timed: a paragraph past the limit is an error at its line, unconverted."""
    html, problems = convert("Intro.\n\n" + unit * (40_000 // len(unit)) + "\n")
    assert tries[0] < 1_000
    assert html == ""
    hint = "split it into paragraphs with blank lines"
    assert problems and {(line, given) for line, _, given in problems} == {(7, hint)}
    assert all("icsgen converts in one paragraph" in message for _, message, _ in problems)


def test_a_paragraph_of_thousands_of_links_and_tags_converts() -> None:
    links = "\n".join(f"- [Practice {n}](https://example.org/{n})" for n in range(4_000))  # one list: one block
    html, problems = convert(links)
    assert problems == [] and html.count('<a href="https://example.org/') == 4_000
    table = "<table>\n" + "\n".join(f"<tr><td>{n}</td><td>Surgery</td></tr>" for n in range(2_000)) + "\n</table>"
    html, problems = convert(table)  # 14,000 tags in one block: tags are not counted
    assert problems == [] and html.count("<td>") == 4_000


def test_the_same_marks_spread_over_paragraphs_convert() -> None:
    text = "\n\n".join(["Some *emphasis*, `code` and a\\_b."] * 2_000)  # 4,000 '*' in all, 2 a paragraph
    html, problems = convert(text)
    assert problems == []
    assert html.count("<em>emphasis</em>") == 2_000 and html.count("<code>code</code>") == 2_000


def test_thousands_of_components_without_blank_lines_each_get_their_message() -> None:
    _, problems = convert("\n".join("!!! inset" for _ in range(2_500)))
    assert len(problems) == 2_500
    assert problems[-1][0] == 5 + 2_499 and "component is empty" in problems[-1][1]
    html, problems = convert("\n".join("!!! inset\n    Call 111." for _ in range(2_500)))
    assert problems == [] and html.count('<div class="nhsuk-inset-text">') == 2_500


def test_components_take_their_indented_lines_as_the_library_did() -> None:
    admonition = MarkdownConverter()._ext.admonition
    assert admonition is not None
    rng = random.Random(7)
    pieces = ["    text", "", "not indented", "  ", "\t", "     five", "!!! inset", "        eight"]
    for _ in range(2_000):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) + rng.choice(["", "\n"])
        for width in (None, 2):
            assert admonition.detab(text, width) == BlockProcessor.detab(admonition, text, width), repr(text)


def test_a_build_stops_at_the_paragraph_and_keeps_the_old_site(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    (root / "content/alpha/about/index.md").write_text("---\ntitle: About us\n---\nHello.\n\n" + "_a" * 6_000 + "\n")
    result = run(root, "build")
    assert result.exit_code == 1
    assert ("content/alpha/about/index.md:6: this paragraph has 6,000 '_' characters, more than the 5,000 icsgen "
            "converts in one paragraph (split it into paragraphs with blank lines)") in result.output
    assert tree_digest(root / "build") == before



def test_a_comment_never_closed_is_an_error_not_a_published_note() -> None:
    """`<!-- check the figures with Sam` without its `-->` was shown on the page as text."""
    html, problems = convert("Intro.\n\n<!-- check the figures with Sam\n\nThe figures.\n")
    assert "Sam" not in html
    assert problems == [(7, "an HTML comment '<!--' that is never closed with '-->': its text would be shown "
                            "on the page", "end the comment with '-->', or delete the '<!--'")]
    for shown_as_code in ("Write `<!--` to start a note.\n", "```\n<!--\n```\n", "A <!-- closed --> note.\n"):
        assert convert(shown_as_code)[1] == [], shown_as_code


def test_thousands_of_unclosed_comments_cost_a_bounded_number_of_pattern_tries(tries: list[int]) -> None:
    """One per paragraph, each was tried again to the end of the page: 160 KB took seconds, growing as the
    square, and no paragraph passed the per-paragraph limit."""
    html, problems = convert("<!--\n\n" * 20_000)
    assert tries[0] < 1_000 and html == "" and [line for line, _, _ in problems] == [5]
