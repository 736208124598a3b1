"""What a page's text may not put into its HTML: characters that are not text, raw HTML that breaks the page
around it, and ids given twice. Each found by the fuzzer (tests/end_to_end/test_fuzz.py) published a page
that is not valid HTML with exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from icsgen.markdown.convert import MarkdownConverter, PageLinks
from icsgen.markdown.rawhtml import duplicate_ids, structure_problems
from tests.support.fuzzing import html_problems
from tests.support.sitemaker import basic_site, run, tree_digest, write_site


def problems_of(source: str) -> list[tuple[int, str, str]]:
    links = PageLinks(resolve=lambda target: f"no page '{target}'", relative=lambda url: url, source=source,
                      first_line=5)
    MarkdownConverter().convert(source, links)
    return [(p.line, p.message, p.hint) for p in links.problems]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("Intro.\n\n<priorities.markdown>\n", 7, "'<priorities.markdown>' is not an HTML tag"),
    ("Intro.\n\n<body>\n", 7, "<body> cannot be used in a page's text"),
    ("Intro.\n\nSee <title>x</title>.\n", 7, "<title> cannot be used in a page's text"),
    ("Some <b>bold\n", 5, "<b> is never closed"),
    ("Intro.\n\nx </b> y\n", 7, "</b> closes nothing: no <b> is open here"),
    ("<div>\n\nText.\n", 5, "<div> is never closed"),
    ("a <div>x</div> b\n", 5, "<div> cannot be inside a paragraph"),
    ("<x-y>\n", 5, "<x-y> is never closed"),
    ("<span/>\n", 5, "<span/> does not close itself in HTML"),
    ("Intro.\n\n## One {: #dup }\n\n## Two {: #dup }\n", 9, "the id 'dup' is given twice (first on line 7)"),
    ('<p id="a">x</p>\n\n<p id="a">y</p>\n', 7, "the id 'a' is given twice (first on line 5)"),
    ("## Start {: #maincontent }\n", 5, "the id 'maincontent' is one the page's template gives"),
    ("A \x01 B\n", 5, "a control character (U+0001) that cannot be shown"),
    ("Intro.\n\nA \ufffe B\n", 7, "a control character (U+FFFE) that cannot be shown"),
    ("A \x85 B\n", 5, "a control character (U+0085) that cannot be shown"),
    ("A &#1; B &#x0; C\n", 5, "'&#1;' stands for a character that cannot be shown"),
])
def test_what_would_break_the_page_is_an_error_at_its_line(text: str, line: int, message: str) -> None:
    found = problems_of(text)
    assert any(at == line and said.startswith(message) for at, said, _ in found), found


@pytest.mark.parametrize("text", [
    "<div>\nA block.\n</div>\n",
    "<table><tr><td>a<td>b</table>\n",
    '<svg viewBox="0 0 2 2"><path d="M0 0"/><circle r="1"/></svg>\n',
    '<br> <br/> <img src="https://example.org/a.png" alt="A"/> <hr>\n',
    "<ul>\n<li>one\n<li>two\n</ul>\n",
    "<dl><dt>a<dd>b<dt>c<dd>d</dl>\n",
    "Tom &amp; Jerry &nbsp; &#163; &#x1F600;\n",
    "<my-widget>x</my-widget> and <abbr title=\"x\">X</abbr>\n\n<details><summary>More</summary>Text.</details>\n",
    "```\n<body> in code is text\n```\n\n`<priorities.markdown>` too\n",
    "<!-- <body> in a comment -->\n",
    "## One\n\n## One\n\n## Two {: #two }\n",
])
def test_valid_html_and_code_pass(text: str) -> None:
    assert problems_of(text) == []


def test_the_checks_in_isolation() -> None:
    problems, ids = structure_problems('<p id="x">a <i>b</i></p><div id="y"></div>', "", lambda text: 3)
    assert problems == [] and ids == [("x", 3), ("y", 3)]
    assert duplicate_ids([("x", 1), ("y", 2), ("x", 7)]) == [
        (7, "the id 'x' is given twice (first on line 1): an id is used once a page",
         "choose another id, or take this one out")]


def test_a_build_stops_with_each_problem_and_leaves_the_old_site(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    write_site(root, {"content/alpha/about/index.md": "---\ntitle: About us\n---\n## Who we are\n\n"
                      "Our plan is in <priorities.markdown>.\n\n## Aims {: #aims }\n\n## More {: #aims }\n"
                      "\nA \ufffe B.\n\n<body>\n"}, config=None, theme=False)
    result = run(root, "build")
    assert result.exit_code == 1, result.output
    where = "content/alpha/about/index.md"
    for expected in (f"{where}:6: '<priorities.markdown>' is not an HTML tag (a link to a page is written "
                     "[text](page.md), a web address in <> starts https://)",
                     f"{where}:10: the id 'aims' is given twice (first on line 8)",
                     f"{where}:12: a control character (U+FFFE) that cannot be shown",
                     f"{where}:14: <body> cannot be used in a page's text"):
        assert expected in result.output
    assert tree_digest(root / "build") == before
    check = run(root, "check")
    assert check.exit_code == 1 and f"{where}:14: error: <body> cannot be used" in check.output


def test_a_page_with_raw_html_that_passes_publishes_well_formed_html(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/about/raw.md": "---\ntitle: Raw\n---\n"
                                 "<div class=\"box\">\n\nSome **bold** text.\n\n</div>\n\n"
                                 "<table><tr><th>Day<th>Time<tr><td>Monday<td>9am</table>\n\n"
                                 "Tom &amp; Jerry, <abbr title=\"Integrated care board\">ICB</abbr>.\n"})
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert html_problems((root / "build/alpha/about/raw/index.html").read_bytes()) == []
