"""Page bodies' `{{ }}`: values shown as the characters they hold, a missing or non-text value an
error at its line, and limits on what one page may cost (icsgen/render/pagetext.py)."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.sitemaker import PROJECT, basic_site, run, tree_digest, write_site

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(2)>'
QUOTE = "'onmouseover='alert(3)"
MARKDOWN = "*bold* _it_ [link](javascript:alert(4)) `code` | pipe {{ x }} !!! inset"
HOSTILE_CONFIG = r"""
site:
  title: "Site <script>alert(5)</script>"
  base_url: https://test.example.org/
  description: "About \"><img src=x onerror=alert(6)>"
regions:
  alpha:
    name: "<script>alert(1)</script> \"><img src=x onerror=alert(2)> *bold* _it_ [link](javascript:alert(4))"
    short_name: "'onmouseover='alert(3)"
    owner: "<script>alert(1)</script> Owner"
    description: "<script>alert(7)</script>"
    part_of: "<img src=x onerror=alert(8)>"
    contact:
      email: hello@alpha.example.org
      phone: 0113 496 0000
      address: "<b>1 Street</b>\n# Town\n- not a list\n1. not a list either"
    nav:
      - {title: "<script>alert(11)</script>", page: about/index.md}
    accessibility:
      known_issues:
        - "<script>alert(12)</script>"
        - "[click](javascript:alert(13))"
"""


class _Text(HTMLParser):
    """The text of a page's <main> and every attribute value, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._in_main = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_main += tag == "main"

    def handle_endtag(self, tag: str) -> None:
        self._in_main -= tag == "main"

    def handle_data(self, data: str) -> None:
        if self._in_main:
            self.text.append(data)


def read_page(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def hostile_site(root: Path) -> Path:
    shared = {f"content/_shared/{p.name}": p.read_text(encoding="utf-8")
              for p in (PROJECT / "content/_shared").glob("*.md")}
    return write_site(root, {
        **shared,
        "content/alpha/index.md": "---\ntitle: Home\n---\n"
        "## About {{ region.name }}\n\n"
        "{{ region.name }} is run by {{ region.owner }}.\n\n"
        "[{{ region.short_name }}](about/index.md)\n\n"
        '<div class="raw" title="{{ region.short_name }}">{{ region.name }}</div>\n\n'
        "| a | b |\n|---|---|\n| {{ region.name }} | x |\n\n"
        "Address: {{ region.contact.address }}\n",
        "content/alpha/about/index.md": "---\ntitle: About us\n---\nAbout.\n",
        "content/alpha/contact.md": "---\ntitle: Contact us\ntemplate: contact\n---\nContact.\n",
        "content/alpha/news/2024-01-10-first.md": "---\ntitle: \"First <script>alert(14)</script> \"\n"
        "date: 2024-01-10\nauthor: \"<b>me</b>\"\nsummary: \"\\\"><img src=x onerror=alert(15)>\"\n---\nHello.\n",
        # a contact's email and phone are checked when the file is read (tests/content/test_records.py)
        "content/alpha/data/contacts.yaml": "- name: \"<script>alert(16)</script>\"\n"
        "  email: a@b.example.org\n  phone: 0113 496 0001\n"
        "  description: \"*not bold*\"\n",
    }, config=HOSTILE_CONFIG)


THEME_SCRIPT_SRC = re.compile(r"^(\.\./)*assets/js/search\.[0-9a-f]+\.js$")  # the theme's search script
THEME_SCRIPT = re.compile(r'<script src="(\.\./)*assets/js/search\.[0-9a-f]+\.js" defer></script>')

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def without_json_ld(raw: str, path: Path) -> str:
    """The page without its schema.org JSON-LD (render/social.py), once that is known to be JSON holding no
    `<` at all: the one script the theme writes, which holds settings as data, never as markup."""
    for data in JSON_LD.findall(raw):
        assert "<" not in data, path
        json.loads(data)
    return JSON_LD.sub("", raw)


def test_settings_and_data_are_shown_as_text_in_every_page(tmp_path: Path) -> None:
    root = hostile_site(tmp_path)
    result = run(root, "build", "--quiet")
    assert result.exit_code == 0, result.output
    out = root / "build"
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 8
    for path in pages:
        parsed = read_page(path)
        raw = THEME_SCRIPT.sub("", path.read_text(encoding="utf-8"))  # the search page's own script
        raw = without_json_ld(raw, path)
        assert "<script" not in raw.lower(), path
        # none of the markup the values hold became elements (the theme itself uses none of these here)
        tags = {tag for tag, attrs in parsed.tags if not (tag == "script" and THEME_SCRIPT_SRC.search(
            attrs.get("src") or "")) and attrs != {"type": "application/ld+json"}}
        assert not tags & {"script", "img", "em", "b", "code"}, path
        for tag, attrs in parsed.tags:
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            assert "javascript" not in (attrs.get("href") or "").lower(), (path, tag, attrs)
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", raw), path
    # what the editor wrote is what the reader sees, character for character
    home = "".join(read_page(out / "alpha/index.html").text)
    name = SCRIPT + " " + BREAKOUT + " *bold* _it_ [link](javascript:alert(4))"
    assert f"About {name}" in home
    assert f"{name} is run by {SCRIPT} Owner." in home
    assert "'onmouseover='alert(3)" in home
    assert "<b>1 Street</b>\n# Town\n- not a list\n1. not a list either" in home
    statement = "".join(read_page(out / "alpha/accessibility/index.html").text)
    assert f"applies to the {name} website. {SCRIPT} Owner runs" in statement
    assert "<script>alert(12)</script>" in statement and "[click](javascript:alert(13))" in statement
    assert "call 0113 496 0000" in statement
    contact = "".join(read_page(out / "alpha/contact/index.html").text)
    assert "<script>alert(16)</script>" in contact and "*not bold*" in contact
    news = read_page(out / "alpha/news/first/index.html")
    assert "First <script>alert(14)</script> " in "".join(news.text)
    assert ("meta", {"name": "description", "content": '"><img src=x onerror=alert(15)>'}) in news.tags


@pytest.mark.browser
def test_no_script_in_a_setting_runs_in_a_browser(tmp_path: Path, page, static_server) -> None:  # type: ignore[no-untyped-def]
    root = hostile_site(tmp_path)
    assert run(root, "build", "--quiet").exit_code == 0
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = static_server(root / "build")
    for path in sorted((root / "build").rglob("*.html")):
        page.goto(base + path.relative_to(root / "build").as_posix())
        page.wait_for_load_state("load")
        assert page.locator("script:not([src*='assets/js/search.']):not([type='application/ld+json']), "
                            "img[onerror], [onmouseover]").count() == 0, path
        # an injected onmouseover or onclick would run now (clicks stay on the page: default prevented)
        page.evaluate("""() => { for (const e of document.querySelectorAll('*')) {
            e.dispatchEvent(new MouseEvent('mouseover', {bubbles: false}));
            e.addEventListener('click', ev => ev.preventDefault());
            e.dispatchEvent(new MouseEvent('click', {bubbles: false, cancelable: true})); } }""")
    assert dialogs == []
    page.goto(base + "alpha/accessibility/index.html")
    assert SCRIPT in page.locator("main").inner_text()


@pytest.mark.parametrize(("body", "line", "message"), [
    ("Our meetings: {{ data.meetings }}", 6,
     "{{ data.meetings }} is a group of named values (next, place, hours, open), not text: show one of its values, "
     "e.g. {{ data.meetings.next }}"),
    ("One\n{% for m in data.list %}\n- {{ data.list }}\n{% endfor %}", 8,
     "{{ data.list }} is a list of 2 items, not text: list its items with "
     "{% for item in data.list %}...{% endfor %}"),
    ("Call us on {{ region.contact.phone }}.", 6,
     "{{ region.contact.phone }} is empty: fill it in where it is set, or write "
     "{{ region.contact.phone | default('') }} if the page should show nothing when it is empty"),
    ("Hours: {{ data.meetings.hours }}", 6, "{{ data.meetings.hours }} is an empty value"),
    ("Open: {{ data.meetings.open }}", 6, "{{ data.meetings.open }} is a yes/no value (true), not text"),
    ("Missing: {{ region.contact.fax }}", 6, "'Contact' has no attribute 'fax'"),
])
def test_a_value_that_is_missing_or_not_text_is_an_error_at_its_line(
        tmp_path: Path, body: str, line: int, message: str) -> None:
    root = basic_site(tmp_path, {
        "content/alpha/data/meetings.yaml": "next: 2024-05-01\nplace: Leeds\nhours:\nopen: true\n",
        "content/alpha/data/list.yaml": "- a\n- b\n",
    })
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    write_site(root, {"content/alpha/meet.md": f"---\ntitle: Meetings\nsummary: When we meet.\n---\n\n{body}\n"},
               config=None, theme=False)
    result = run(root, "build")
    assert result.exit_code == 1
    assert f"content/alpha/meet.md:{line}: error in a {{{{ }}}} variable: {message}" in result.output
    assert "Traceback" not in result.output and "unexpected error" not in result.output
    assert tree_digest(root / "build") == before


def test_a_page_says_when_a_value_may_be_empty(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/call.md": "---\ntitle: Call us\n---\n"
                                 "Phone: [{{ region.contact.phone | default('') }}]\n\n"
                                 "Or {{ region.contact.phone | default('write to us') }}.\n\n"
                                 "Email {{ region.contact.email | d('') }}. Dates: {{ data.meetings.next }}.\n",
                                 "content/alpha/data/meetings.yaml": "next: 2024-05-01\n"})
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    text = "".join(read_page(root / "build/alpha/call/index.html").text)
    assert "Phone: []" in text
    assert "Or write to us." in text
    assert "Email hello@alpha.example.org. Dates: 2024-05-01." in text


def test_a_theme_template_showing_a_list_or_nothing_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {
        "content/beta/_theme/templates/home.html":
            '{% extends "base.html" %}\n{% block content %}\n<p>{{ data.partners }}</p>\n{% endblock %}\n',
        "content/beta/data/partners.yaml": "- name: A\n",
        "content/alpha/_theme/templates/page.html":
            '{% extends "base.html" %}\n{% block content %}\n\n<p>{{ page.extra.note }}</p>\n{% endblock %}\n',
        "content/alpha/note.md": "---\ntitle: Note\nextra:\n  note:\n---\nx\n",
    })
    result = run(root, "build")
    assert result.exit_code == 1
    assert "content/beta/_theme/templates/home.html:3: template error: a {{ }} value is a list of 1 item, " \
        "not text" in result.output
    assert "content/alpha/_theme/templates/page.html:4: template error: a {{ }} value is an empty value" \
        in result.output


LIMITS = {
    "loop": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "range": "{% for i in range(10**10) %}x{% endfor %}",
    "times": "{{ 'x' * 10**10 }}",
    "power": "{{ 7 ** 100000000 }}",
    "doubling": "{% set ns = namespace(x='a') %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}"
                "{% endfor %}",
    "recursion": "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(0) }}",
    "fanout": "{% macro two(n) %}{% if n %}{{ two(n - 1) }}{{ two(n - 1) }}{% else %}x{% endif %}"
              "{% endmacro %}{{ two(60) }}",
    "width": "{{ 'x' | center(10**9) }} {{ '{:>999999999}'.format(1) }}",
    "join": "{{ range(100000) | join('y' * 100000) }}",
    "output": "{% for i in range(100000) %}{{ 'z' * 1000 }}{% endfor %}",
}


def test_a_page_that_would_run_for_ever_or_fill_the_memory_is_an_error_at_its_line(tmp_path: Path) -> None:
    """Each of these ran for ever or took all the memory; each page now gets an error naming its line."""
    root = basic_site(tmp_path, {f"content/alpha/{name}.md": f"---\ntitle: {name}\n---\nFirst line.\n\n{body}\n"
                                 for name, body in LIMITS.items()})
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    # a run that does not end fails the test here; how long it takes is not what is tested
    result = subprocess.run([sys.executable, "-m", "icsgen", "build", "--root", str(root), "--jobs", "1"],
                            capture_output=True, text=True, timeout=900, env=env, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "unexpected error" not in output
    for name in LIMITS:
        assert f"content/alpha/{name}.md:6: error in a {{{{ }}}} variable: " in output, (name, output)
    assert not (root / "build").exists()


def test_values_are_escaped_for_markdown_and_html_and_read_back_as_written() -> None:
    from icsgen.render.pagetext import markdown_text

    every = "".join(map(chr, range(32, 127)))
    assert html.unescape(markdown_text(every)) == every
    for line_start in ("# x", "- x", "+ x", "1. x", "= x", "> x", "a\n- x", "a\n12. x"):
        escaped = markdown_text(line_start)
        assert html.unescape(escaped) == line_start
        assert escaped.split("\n")[-1].lstrip("0123456789")[0] == "&", escaped
    assert markdown_text("a\n    b\x0b\x01") == "a\nb"  # no code block, no control characters


def test_a_tag_that_cannot_be_read_says_how_tags_are_written_and_how_to_show_braces(tmp_path: Path) -> None:
    """An unclosed {% for %} gave Jinja's words alone ('Unexpected end of template. Jinja was looking for the
    following tags: 'endfor' or 'else'...'), with no hint; an editor who meant to show '{{' had none either.
    The hint's way of showing braces must itself build, and show them."""
    root = basic_site(tmp_path, {
        "content/alpha/meet.md": "---\ntitle: Meetings\nsummary: When we meet.\n---\n\n"
                                 "{% for p in data.partners %}- {{ p.name }}\n",
    })
    result = run(root, "build")
    assert result.exit_code == 1
    assert "content/alpha/meet.md:6: error in a {{ }} variable: Unexpected end of template." in result.output
    assert "(each {% if ... %} ends with {% endif %} and each {% for ... %} with {% endfor %}; {{ }} holds one " \
           "value, such as {{ region.name }}; to show {{ or {% as it is, write {{ '{{' }} or {{ '{%' }})" \
        in result.output
    write_site(root, {"content/alpha/meet.md": "---\ntitle: Meetings\nsummary: When we meet.\n---\n\n"
                                               "Write {{ '{{' }} region.name }} or {{ '{%' }} if %}.\n"},
               config=None, theme=False)
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    shown = html.unescape((root / "build/alpha/meet/index.html").read_text(encoding="utf-8"))
    assert "Write {{ region.name }} or {% if %}." in shown
