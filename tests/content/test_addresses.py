"""Only web, mailto:, tel: and relative addresses reach a link, wherever they are written
(icsgen/content/addresses.py, and its use in content/model.py and render/renderer.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from icsgen.content import refused_links, refused_scheme
from tests.support.sitemaker import basic_site, run, tree_digest, write_site

PARTNERS = """\
- name: Good
  type: Other
  url: https://good.example.org/
- name: Script
  type: Other
  url: javascript:alert(3)
- name: Spaced
  type: Other
  url: " JaVaScRiPt:alert(3)"
- name: Data
  type: Other
  url: "data:text/html,<script>alert(1)</script>"
- name: Tab
  type: Other
  url: "java\\tscript:alert(1)"
- name: Mail
  type: Other
  website: mailto:a@b.example.org
- name: Nested
  type: Other
  links:
    home_url: vbscript:msgbox(1)
"""


@pytest.mark.parametrize(("address", "scheme"), [
    ("https://x.example.org/", None), ("HTTP://x", None), ("mailto:a@b", None), ("tel:+44113", None),
    ("about/partners.md", None), ("/leeds/", None), ("#aims", None), ("?q=1", None), ("//x.example.org", None),
    ("javascript:alert(1)", "javascript"), (" JaVaScRiPt:alert(1)", "javascript"),
    ("\x01\x02javascript:x", "javascript"), ("java\tscr\nipt:x", "javascript"), ("&#106;avascript:x", "javascript"),
    ("data:text/html,x", "data"), ("vbscript:x", "vbscript"), ("file:///etc/passwd", "file"), ("C:\\x", "c"),
])
def test_refused_schemes_are_read_as_a_browser_reads_them(address: str, scheme: str | None) -> None:
    assert refused_scheme(address) == scheme


def test_refused_links_finds_every_way_of_writing_an_address_attribute() -> None:
    page = ('<a href="javascript:a">1</a><a HREF = \' JaVaScRiPt:b\'>2</a><a href=data:text/html,c>3</a>'
            '<img src="&#106;avascript:d"><form action="vbscript:e"></form><object data="file:///f"></object>'
            '<a href="java\tscript:g">4</a><a title="javascript:no" data-x="javascript:no" href="https://ok">5</a>'
            '<a href="mailto:ok@x">6</a><a href="tel:1">7</a><a href="Leeds: no">8</a>')
    assert refused_links(page) == ["javascript:a", " JaVaScRiPt:b", "data:text/html,c", "javascript:d",
                                   "vbscript:e", "file:///f", "java\tscript:g", "Leeds: no"]


def test_an_address_in_a_data_file_that_could_run_code_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/partners.md": "---\ntitle: Partners\ntemplate: partners\n---\nP\n"})
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    write_site(root, {"content/alpha/data/partners.yaml": PARTNERS}, config=None, theme=False)
    result = run(root, "build")
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if "is not an address a page may link to" in line]
    assert [p.split(" is not")[0] for p in problems] == [
        "content/alpha/data/partners.yaml:6: 'javascript:alert(3)'",
        "content/alpha/data/partners.yaml:9: ' JaVaScRiPt:alert(3)'",
        "content/alpha/data/partners.yaml:12: 'data:text/html,<script>alert(1)</script>'",
        "content/alpha/data/partners.yaml:15: 'java\tscript:alert(1)'",
        "content/alpha/data/partners.yaml:22: 'vbscript:msgbox(1)'",
    ]
    assert problems[0].endswith(": javascript: addresses run code or open files (use a web address starting "
                                "https://, a mailto: or tel: address, or a page of the site)")
    assert tree_digest(root / "build") == before


def test_an_address_that_reaches_a_link_any_other_way_is_an_error_where_it_is_written(tmp_path: Path) -> None:
    """A key the data check does not know as an address, a setting, or a body's {{ }}: the finished page
    is looked at, and the message names the line the address is written on."""
    root = basic_site(tmp_path)
    config = (root / "regions.yaml").read_text(encoding="utf-8").replace(
        "    owner: NHS Beta ICB\n", "    owner: NHS Beta ICB\n    extra:\n      feedback: 'javascript:alert(5)'\n")
    write_site(root, {
        "regions.yaml": config,
        "content/alpha/data/people.yaml": "- name: Ann\n  profile: \"javascript:alert('ann')\"\n",
        "content/alpha/data/links.yaml": "# where to go\nsurvey: \" data:text/html,<b>x</b>\"\n",
        "content/alpha/people.md": "---\ntitle: People\ntemplate: people\n---\nOur people.\n",
        "content/alpha/_theme/templates/people.html": '{% extends "base.html" %}{% block content %}'
        '{% for p in data.people %}<a href="{{ p.profile }}">{{ p.name }}</a>{% endfor %}{% endblock %}',
        "content/beta/_theme/templates/home.html": '{% extends "base.html" %}{% block content %}'
        '<a href="{{ region.extra.feedback }}">Feedback</a>{% endblock %}',
        "content/alpha/survey.md": "---\ntitle: Survey\n---\nTake [the survey]({{ data.links.survey }}).\n",
    }, config=None, theme=False)
    result = run(root, "build")
    assert result.exit_code == 1
    output = result.output
    assert "content/alpha/data/people.yaml:2: 'javascript:alert('ann')' is not an address a page may link to" \
        in output
    assert "content/alpha/data/links.yaml:2: 'data:text/html,<b>x</b>' is not an address" in output
    assert "regions.yaml:21: 'javascript:alert(5)' is not an address" in output
    assert "first seen on beta/index.md" in output


def test_safe_addresses_from_data_files_are_published(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {
        "content/alpha/partners.md":
            "---\ntitle: Partners\ntemplate: partners\n---\nSee [us]({{ data.links.home }}).\n",
        "content/alpha/data/partners.yaml": "- name: Good\n  type: Other\n  url: https://good.example.org/a_(b)\n"
        "- name: Mail\n  type: Other\n  url: mailto:a_b@x.example.org\n",
        "content/alpha/data/links.yaml": "home: https://alpha.example.org/?a=1&b=2\n",
    })
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    page = (root / "build/alpha/partners/index.html").read_text(encoding="utf-8")
    assert 'href="https://good.example.org/a_(b)"' in page and 'href="mailto:a_b@x.example.org"' in page
    assert 'href="https://alpha.example.org/?a=1&amp;b=2"' in page
