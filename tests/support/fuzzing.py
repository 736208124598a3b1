"""A seeded mutation fuzzer for `icsgen build` and `icsgen check`, and the contract it checks.

Shared by the fast test in the suite (tests/end_to_end/test_fuzz.py) and the long run (scripts/fuzz.py). A
*case* is a few edits (write, delete, make a folder, make a link) to a small real project made from
the sample content; each edit is drawn from a `random.Random` seeded with `"SEED:INDEX"`, so any case
is made again from its seed and index alone. The commands run as an editor runs them, in a fresh
`python -m icsgen` process each, under a time and memory limit; then the contract is checked:

- exit 0, every HTML page parses (balanced tags, no control characters, no duplicate ids, no element
  or `javascript:` address smuggled in from a YAML value) and every XML file parses; or
- exit 1 with every message naming a real file of the project (`file:line: ...`), `build/`
  byte-identical to before, and `check` agreeing with `build` on whether there are errors;
- never a traceback, an "unexpected error", another exit code, a hang or an input file changed;
- a rebuild from the cache gives the same files as a build without it, and after the edits are
  undone the next build gives back the very site it started from (`thorough` runs only).

A failure is a `Finding`; its `signature` (where the exception was raised, or which rule failed and a
message with the details taken out) tells one fault from another, and `minimise` cuts its case down
to the smallest edit that still fails the same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import functools
import hashlib
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
BUILT_IN_THEME = PROJECT / "icsgen" / "themes" / "nhs"  # templates to mutate: copies go in the site, never here
SITE_THEME = "mine"  # a site theme a template case may make: `extends: nhs`, chosen in regions.yaml
FILE_TYPES = ("regions", "frontmatter", "markdown", "data", "template", "names", "links")
SMALL_REGIONS = ("leeds", "north-east-london")  # leeds has colour, part_of and extra; the other its own domain
MEMORY_LIMIT = 3 << 30  # bytes of address space per icsgen process: a YAML bomb fails, not the machine
YAML_MARK = "fz-y"  # an element name only YAML values use: seen as a tag in a page, it was not escaped
JS_MARK = "fzy"  # the function a `javascript:` address in a YAML value calls


# -- what a case is ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One change to the project: `write` bytes, `delete`, `mkdir` or `symlink` (data is the target)."""

    op: str
    path: str
    data: bytes = b""

    def as_json(self) -> dict:
        return {"op": self.op, "path": self.path, "data": self.data.decode("latin-1")}

    @staticmethod
    def from_json(item: dict) -> Edit:
        return Edit(item["op"], item["path"], item["data"].encode("latin-1"))


@dataclass(frozen=True)
class Case:
    kind: str  # one of FILE_TYPES
    edits: tuple[Edit, ...]
    what: str  # the mutations made, for people
    seed: str = ""

    def with_edits(self, edits: Iterable[Edit]) -> Case:
        return dataclasses.replace(self, edits=tuple(edits))


@dataclass
class Finding:
    """One broken promise: `rule` (the part of the contract), `signature` (which fault), `detail` (evidence)."""

    rule: str
    signature: str
    detail: str
    stage: str  # check, build, nocache or restore: the step that showed it
    case: Case | None = None


# -- the project every case starts from -------------------------------------------------------------


def make_base(dest: Path, regions: Iterable[str] | None = SMALL_REGIONS) -> Path:
    """A copy of the sample project (themes, content, regions.yaml), with only `regions` (None: all five)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(PROJECT / "themes", dest / "themes")
    text = (PROJECT / "regions.yaml").read_text(encoding="utf-8")
    keep = set(regions) if regions is not None else None
    (dest / "content").mkdir()
    for folder in sorted((PROJECT / "content").iterdir()):
        if folder.is_dir() and (keep is None or folder.name == "_shared" or folder.name in keep):
            shutil.copytree(folder, dest / "content" / folder.name)
    if keep is not None:
        out, skip, in_regions = [], False, False
        for line in text.splitlines(keepends=True):
            if line.startswith("regions:"):
                in_regions = True
            m = re.match(r"^  ([a-z0-9-]+):\s*$", line)
            if in_regions and m:
                skip = m.group(1) not in keep
            if not skip:
                out.append(line)
        text = "".join(out)
    (dest / "regions.yaml").write_text(text, encoding="utf-8")
    return dest


def theme_templates() -> dict[str, bytes]:
    """The built-in theme's templates by name ('page.html', 'partials/footer.html')."""
    folder = BUILT_IN_THEME / "templates"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.html"))}


def read_inputs(root: Path) -> dict[str, bytes]:
    """Every input file of the project by its path relative to the root."""
    files = {"regions.yaml": (root / "regions.yaml").read_bytes()}
    for top in ("content", "themes"):
        for path in sorted((root / top).rglob("*")):
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


# -- adversarial material --------------------------------------------------------------------------------


def _nest(open_: str, close: str, depth: int, inner: str = "x") -> str:
    return open_ * depth + inner + close * depth


ALIAS_BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
              "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
              "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
              "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n")
UNICODE = ["\u202e", "\u200b", "\ufeff", "\u0085", "\u2028", "\u2029", "\x00", "\x01", "\x08", "\x0b", "\x0c",
           "\x1b", "\x7f", "\x80", "\x9f", "\ufffe", "\uffff", "\ufdd0", "\U0001f600", "e\u0301", "\ufb01", "\u0130",
           "\u00df", "\u00a0", "\t", "\r", "\u0000\u0000", "\U0010ffff", "\u0301\u0301\u0301", "\u00e9"]
RAW_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x80",
             b"\xfe\xff", b"\x00"]
YAML_TOKENS = [": ", "- ", "&a ", "*a", "*nope", "!!python/object:os.system ", "!!binary ", "? ", "| ", "> ", "{",
               "}", "[", "]", "%YAML 1.1\n", "---\n", "...\n", "<<: *a\n", "!tag ", "!!str ", "!!int ", "!!timestamp ",
               "!!set ", "!!omap ", "#", "'", '"', "\t", ",", "@", "`", "|-\n", "&anchor\n", "!<tag:x> ", "!!null "]
SCALARS = [
    "", "~", "null", "true", "no", "yes", "on", "0", "-1", "1e309", ".nan", ".inf", "-.inf", "0x1F", "0o17",
    "1_000", "9" * 5000, "-" + "9" * 400, "2026-02-30", "2026-13-01", "2024-01-01 25:00:00",
    "2001-12-14t21:59:43.10-05:00", "2024-01-01T10:00:00Z", "0000-00-00", "9999-12-31", "0001-01-01", "1900-01-01",
    "2024-1-1", "[]", "{}", "[a, b]", "{a: 1}", "!!binary aGVsbG8=", "!!python/object:os.system x",
    "!!python/name:os.system", "!!set {a, b}", "!!omap [a: 1]", "!!float x", "!!int 1.5", "!!timestamp x",
    "&a x", "*a", "*nope", "'unterminated", '"unterminated', '"\\x00\\x0b\\u202e"', "|\n  block", ">-\n  folded",
    "a: b: c", "- x", "? x", "@x", "`x`", "#colour", "%x", f"<{YAML_MARK}>a</{YAML_MARK}>",
    f"'<script>{YAML_MARK}()</script>'", f"javascript:{JS_MARK}(1)", f"' JaVaScRiPt:{JS_MARK}(2)'",
    f"'data:text/html,<{YAML_MARK}>'", f"vbscript:{JS_MARK}", '"\\u0000"', '"a\\u0085b"', '"\\uFFFE"',
    '"\\U0001F600"', '"\\uD800"', "x" * 100_000, '"&#0;"', "'{{ 7*7 }}'", "'{% for i in range(10**10) %}x{% endfor %}'",
    "'{{ region.nope }}'", "'{{ data }}'", "'{%'", '"a\\"b"', "'&lt;b&gt;'", '"x\\ny"', "../../etc/passwd",
    "/etc/passwd", "C:\\x", "http://", "http://[::1", "https://ex ample.org", "mailto:", "tel:", "//evil.example.org/",
    "ftp://x.example.org/", f"'https://example.org/\"><{YAML_MARK}>'", "'en\" onload=\"x'", "en-GB", "xx-INVALID-",
    "'#fff'", "'#FFFFFF'", "red", "'#12345'", "'#ffff00'", "rgb(0,0,0)", "-0", "1.5", "1e3", "True", "NaN",
    _nest("[", "]", 60), _nest("[", "]", 3000), _nest("{a: ", "}", 60), _nest("{a: ", "}", 2000),
    "'" + "\u202e" * 10 + "'", "\u00e9t\u00e9", "'\ufeff'", "'\u2028'", "a\tb", "'\\'", "' leading space'",
    "trailing space ", "Replace this text", "example.org", "partially compliant", "fully compliant", "nhs",
    "partners", "../page", "news/", "index.md", "about/index.md", "nope.md",
]
MARKDOWN = [
    '!!! warning "Important"\nNot indented.\n', "!!! inset\n  two spaces\n", "!!! details\n",
    '!!! expander "x"\n    body\n',
    "!!! nope\n    body\n", "!!!\n", '!!! warning ""\n    x\n', "!!! inset\n\n\n    late body\n",
    "> " * 300 + "deep", "> " * 40 + "deep", "".join("    " * i + "- item\n" for i in range(200)),
    "".join("  " * i + "1. item\n" for i in range(60)), "!!! inset\n" * 2000,
    "".join("    " * i + "!!! inset\n" for i in range(80)),
    "[" * 3000, "[" * 300 + "x" + "]" * 300, "(" * 3000, "*" * 3000, "_" * 2000 + "x", "`" * 2000, "<" * 3000,
    '<img src="missing.png">', '<img src="images/x.png" alt="">', '<a href="../nope.md">x</a>',
    "<script>alert(1)</script>", "<iframe src=x></iframe>", '<div onclick="x">y</div>', "<div>\nunclosed\n",
    "</div>", "</p>", "<p>", "<!-- unclosed comment", "<![CDATA[ x", "<?php x ?>", "&#0;", "&#x110000;", "&#xD800;",
    "&#1;", "&#x80;", "&bogus;", "&", "```\nunclosed fence\n", "~~~python\nx\n~~~", "| a | b |\n|---|\n| 1 |",
    "| a |\n|---|\n" + "| x " * 1000 + "|", "Term\n: def", "*[ICB]: integrated care board", "## Heading {: #id }",
    "## Heading {: #1bad }", '## Heading {: onclick="x" }', "## Heading {: #dup }\n\n## Other {: #dup }",
    '## Heading {: id="a b" }', "## Heading {: .x#y }", "Text {: #x }", "## ", "#######", "# Title again", "#",
    "[^1]\n\n[^1]: note", "{{ data.partners }}", "{{ data }}", "{{ region.contact.phone }}", "{{ region.nope }}",
    "{{ nope }}", "{{ 7 * 7 }}", "{% for i in range(10**10) %}x{% endfor %}",
    "{% for i in range(10**4) %}{% for j in range(10**4) %}x{% endfor %}{% endfor %}", "{{ 'x' * 10**8 }}",
    "{{ 10**10**8 }}", "{{ ''.__class__ }}", "{% include 'base.html' %}", "{% extends 'page.html' %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{{", "{%", "{#", "{{ }}", "{% raw %}", "{% endraw %}",
    "{{ site.title | nope }}", "{{ url('nope/') }}", "{{ asset('nope.css') }}", "{{ url('../../x') }}",
    "{% set x = 1 %}", "{{ page.title }}", "{{ data.partners[0] }}", "{{ data.partners[99] }}", "{{ 1/0 }}",
    "{{ region.accessibility.known_issues }}", "{{ site.regions }}", "{{ region }}", "{{ region.extra }}",
    "{{ lipsum(10**5) }}", "\x00", "\x0b\x01", "\u202e", "\ufeff", "a" * 100_000, "word " * 20_000, "    indented code",
    "\t\tx", "<b>", "</b>", "<br/>", "<div/>", '<a href="javascript:fzm(1)">x</a>', "[x](javascript:fzm(2))",
    "<img src=x onerror=fzm(3)>", "<svg onload=fzm(4)>", "<style>body{}</style>", "<math><mi>x</mi></math>",
    "<template>x</template>", "<textarea>x", "<title>x</title>", "<base href=//evil.example.org/>",
    '<meta http-equiv="refresh" content="0">', "<form><input></form>", "<details><summary>x</summary>y",
    "<table><tr><td>x</table>", "***", "---", "===", "\\", "`", "``", "<http://example.org>", "<mailto:x@example.org>",
    "See https://example.org/ICB/path", "[ICB site](https://example.org/ICB)", "Replace this text with your own.",
    "Example Hospitals NHS Foundation Trust", "x\r\ny\rz", "\u2028line", "$$x$$", "<span markdown=\"1\">*x*</span>",
    '<div markdown="1">\n# x\n</div>', "<!DOCTYPE html>", "</html>", "</body>", "<body>", "<html>", "<head>",
    "<p>" * 500, "<div>" * 300, "</div>" * 300, "<!-->", "<!--->", "<x-y>", "<a>", "<a name=x>", "<img>",
]
LINK_TARGETS = [
    "../priorites.md", "priorities", "priorities/", "/leeds/priorities", "/leeds/priorities.md",
    "/leeds/priorities.md#nope", "priorities.md#", "#", "#nope", "#Our-Priorities", "../../../../etc/passwd",
    "/etc/passwd", "//evil.example.org", "javascript:fzm(5)", " JaVaScRiPt:fzm(6)", "data:text/html,x", "vbscript:x",
    "mailto:", "mailto:x@example.org", "tel:+441234", "tel:", "http://", "https://", "https://[::1",
    "http://exa mple.org",
    "%2e%2e/x.md", "a%20b.md", "<a b.md>", "priorities.md?x=1", "./", ".", "..", "/", "", " ", "\\\\server\\share",
    "C:\\x.md", "x" * 5000 + ".md", "images/", "data/partners.yaml", "../../north-east-london/index.md",
    "/north-east-london/about/index.md", "/_shared/accessibility.md", "accessibility.md", "/nope/index.md", "news/",
    "news/index.md", "index.md#" + "x" * 1000, "priorities.md#top", "#main-content", "about/index.md#\x00",
    "\u00fcn\u00ef.md", "file:///etc/passwd", "ftp://x", 'https://example.org/"onmouseover="x', 'priorities.md"',
    "priorities.md 'title'", 'priorities.md "title"', "(priorities.md)", "<priorities.md>", "\u202epriorities.md",
    "PRIORITIES.MD", "priorities.MD", "priorities.markdown", "../leeds/priorities.md", "assets/css/nhs.css", "404.html",
    "sitemap.xml", "feed.xml", "news/feed.xml", "contact.md#\u00e9", "contact.md#%20", "index.md?#", "?x", "#?",
    "priorities.md#" + "\u202e", "../" * 50 + "x.md", "/" * 30, "https://example.org/" + "a" * 3000,
    "mailto:a@b\"><x>", "priorities.md\t", "..\\priorities.md", "//", "///x", "#" * 40,
]
JINJA = [
    "{{ page.nope }}", "{{ page.title.nope }}", "{{ region.contact.phone }}", "{{ data }}", "{{ data.nope }}",
    "{{ nope }}", "{% extends 'nope.html' %}", "{% include 'nope.html' %}", "{% include page.title %}",
    "{% extends 'page.html' %}", "{% include 'base.html' %}", "{% import 'nope.html' as x %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% for i in range(10**10) %}{% endfor %}",
    "{{ range(10**7)|list|length }}", "{{ 'x' * 10**8 }}", "{{ 10**10**8 }}", "{{ url('nope/') }}",
    "{{ url(page) }}", "{{ asset('nope.css') }}", "{{ asset('../../etc/passwd') }}", "{{ exists('x') }}",
    "{{ page.content }}", "{{ site.regions[99] }}", "{{ 1/0 }}", "{{ x|int }}", "{% if %}", "{% endif %}",
    "{% endblock %}", "{% block content %}", "{% block content %}{% endblock %}", "{{", "}}", "{% raw %}",
    "{% set page = 1 %}", "{{ caller() }}", "{% call nope() %}{% endcall %}", "{{ self }}", "{{ super() }}",
    "{{ lipsum(10**5) }}", "{{ page|tojson }}", "{{ data.partners|tojson }}", "{{ page.date.strftime('%Q') }}",
    "{{ page.date|nope }}", "{{ '%s'|format(page) }}", "<", "</div>", "<div>", "<script>", "{{ region.name|safe }}",
    "\x00", "\ufeff", "{{ page.toc }}", "{{ paginator }}", "{{ page.section.pages|length }}", "{% do x %}",
    "{{ region.colour }}", "{{ page.extra }}", "{{ page.date }}", "{{ site }}", "{% include 'partials/nope.html' %}",
    "{% include ['a.html', 'b.html'] %}", "{% from 'page.html' import nope %}", "{% set x %}{% endset %}{{ x }}",
    "{% for p in site.regions %}{{ p }}{% endfor %}", "{{ feed_url }}", "{{ page.canonical|safe }}",
]
NAMES_IN_REGION = [
    "images/a\\b.png", "images/a b.png", "images/\u00fcn\u00ef.png", "images/%2e%2e.png", "images/x\n.png",
    "images/" + "a" * 250 + ".png", "images/" + "\u00e9" * 130 + ".png", "index.html", "priorities/index.html",
    "news/index.html", "sitemap.xml", "404.html", "robots.txt", "feed.xml", "news/feed.xml", "assets/css/nhs.css",
    "x.png~", "Thumbs.db", "data/sub/x.yaml", "data/x.yml", "data/x.json", "data/.yaml", "data/items.yaml",
    "data/keys.yaml", "data/values.yaml", "data/get.yaml", "data/1.yaml", "data/a-b.yaml", "data/a b.yaml",
    "data/\u00fc.yaml", "data/__class__.yaml", "data/partners.YAML", "a b.md", "\u00dcn\u00efc\u00f6d\u00e9.md",
    "UPPER.md", ".md", "-.md", "...md", "index.MD", "x.md.md", "news/2024-13-45-x.md", "news/not-dated.md",
    "news/2024-01-01-.md", "priorities/index.md", "Priorities.md", "priorities-.md", "about.md", "news.md",
    "news/news.md", "assets.md", "assets/index.md", "404.md", "feed.md", "sitemap.md", "data.md", "data/index.md",
    "_theme/static/css/nhs.css", "_theme/static/x y.png", "_theme/static/a\\b.png", "_theme/templates/nope.html",
    "_theme/templates/page.html/", "_theme/theme.yaml", "_theme/x.md", "_shared/x.md", "images/x.md",
    "about/partners.md/", "data/partners.yaml/", "about/index/index.md", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p.md",
    "news/2024-01-01-a/index.md", "news/2099-01-01-future.md", "x:y.md", "x?y.md", "x#y.md", "x%y.md", "x\ty.md",
    "-", "~", "x.md~", "#x.md#", ".x.md", "x.swp", "4913", "index.md.html", "x.HTML",
]
NAMES_ELSEWHERE = [
    "content/bradford/index.md", "content/stray.md", "content/_shared/new.md", "content/_shared/data/x.yaml",
    "content/_shared/images/x.png", "content/x.png", "content/Leeds/index.md", "content/leeds /index.md",
    "themes/nhs/static/a\\b.png", "themes/nhs/static/css/x.css", "themes/nhs/templates/nope.html",
    "themes/other/theme.yaml",
    "themes/nhs/static/x y.png", "content/_shared/_theme/templates/page.html", "content/.hidden/index.md",
    "content/_drafts/index.md", "content/assets/index.md", "content/404.html/index.md",
]
THEME_YAML = ["extends: nhs\n", "extends: nope\n", "extends: [a]\n", "name: x\nextends: ''\n", "nope: 1\n", "- x\n",
              "extends: ../nhs\n", "extends: .\n", "\x00\n", "extends: mine\n", "", "extends: nhs\nextends: nhs\n"]


PLAIN = ["a", "b", " ", "\n", ":", "-", "#", "{", "}", "[", "]", "<", ">", "&", '"', "'", "\\", "%", "*"]

# Kinds of material, so a run can leave out what it must (`Mutator(avoid=...)`): the fast test leaves
# out kinds whose faults other helpers are fixing. Each is named in tests/end_to_end/test_fuzz.py AVOID.
TAGS = {
    "control": "control characters and noncharacters, raw or as YAML/HTML escapes",
    "raw-html": "raw HTML tags in Markdown (and links written as HTML)",
    "deep": "deep nesting and long runs of one bracket or marker (recursion, quadratic time)",
    "unconstructable": "YAML values PyYAML parses but cannot make into Python (bad dates, !!tags, 5,000 digits)",
    "alias": "YAML aliases: alias bombs and self-referring aliases",
    "huge-jinja": "Jinja loops, powers and strings too big to finish",
    "recursion": "templates and macros that include or call themselves",
    "bad-utf8": "bytes that are not UTF-8",
    "filesystem": "symbolic links (out of the project, loops, to nothing) and files where folders belong",
}
# What a project folder holds between runs: the inputs, the site, the twin a rebuild publishes by exchange
# (icsgen/build/output.py), the cache and the reference build without it.
KEPT = frozenset(("content", "themes", "regions.yaml", "build", ".build.twin", ".icsgen-cache", "nocache",
                  ".nocache.twin"))
# Content images icsgen remakes (upright, metadata stripped) rather than copies: their first bytes
IMAGE_MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".webp": b"RIFF"}
SECRET_MARK = b"FZSECRET"  # in every file outside the project: never to be published
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]|\\x[0-9a-fA-F]{2}|\\u00[01]"
                      r"|\\u00[89]|\\u007[fF]|\\u[fF]{3}[eEfF]|\\u[dD][89abAB]|&#x?0*(0|1|80|110000|xD800|D800);?")
_DEEP = re.compile(r"(\[){50}|(\{a: ){50}|(> ){50}|(inset\n[\s!]*){50}|(item\n[\s\-0-9.]*){50}|(\(){50}|(\*){50}"
                   r"|(_){50}|(`){50}|(<){50}|(<p>){50}|(<div>){50}|(</div>){50}")
_HUGE_JINJA = re.compile(r"10\*\*\d|range\(10|lipsum\(10")
_RECURSION = re.compile(r"macro m\(\) %\}\{\{ m\(\)|include 'base.html'|extends 'page.html'|include page")


@functools.lru_cache(maxsize=4096)
def tags_of(item: str | bytes) -> frozenset[str]:
    """The kinds of material in a piece of adversarial input (see TAGS)."""
    if isinstance(item, bytes):
        try:
            item = item.decode("utf-8")
        except UnicodeDecodeError:
            return frozenset({"bad-utf8"})
    tags = set()
    if _CONTROL.search(item):
        tags.add("control")
    if re.search(r"<[/!?a-zA-Z]", item):
        tags.add("raw-html")
    if _DEEP.search(item):
        tags.add("deep")
    if _HUGE_JINJA.search(item):
        tags.add("huge-jinja")
    if _RECURSION.search(item):
        tags.add("recursion")
    if "&a" in item or "*a" in item or "<<:" in item:
        tags.add("alias")
    if item.lstrip("'\" ").startswith("!!") or _unconstructable(item):
        tags.add("unconstructable")
    return frozenset(tags)


def _unconstructable(item: str) -> bool:
    import yaml

    if len(item) > 300:  # the long items are text, brackets or digits: only too many digits fails
        return bool(re.fullmatch(r"-?[0-9]{4301,}", item))
    try:
        yaml.load(f"k: {item}", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return False
    except Exception:  # parsed, but could not be made into a value
        return True
    return False


def rand_unicode(rng: random.Random, n: int, avoid: frozenset[str] = frozenset()) -> str:
    pool = [c for c in UNICODE + PLAIN if not tags_of(c) & avoid]
    return "".join(rng.choice(pool) for _ in range(n))


# -- mutations -------------------------------------------------------------------------------------------


class Mutator:
    """Makes cases from the project's pristine input files with one seeded random generator per case."""

    def __init__(self, files: dict[str, bytes], avoid: Iterable[str] = ()) -> None:
        self.files = files
        self.avoid = frozenset(avoid)
        unknown = self.avoid - set(TAGS)
        if unknown:
            raise ValueError(f"unknown kinds of material: {sorted(unknown)}")
        self.pools = {name: [x for x in pool if not tags_of(x) & self.avoid] for name, pool in (
            ("scalars", SCALARS), ("markdown", MARKDOWN), ("links", LINK_TARGETS), ("jinja", JINJA),
            ("unicode", UNICODE), ("bytes", RAW_BYTES), ("tokens", YAML_TOKENS), ("theme", THEME_YAML),
            ("names", NAMES_IN_REGION), ("elsewhere", NAMES_ELSEWHERE))}
        self.pages = sorted(p for p in files if p.startswith("content/") and p.endswith(".md"))
        self.data = sorted(p for p in files if "/data/" in p and p.endswith(".yaml"))
        self.theme = theme_templates()
        self.templates = sorted(self.theme)
        self.regions = sorted({p.split("/")[1] for p in files if p.startswith("content/")} - {"_shared"})

    def case(self, kind: str, rng: random.Random, seed: str = "") -> Case:
        maker: Callable[[random.Random], tuple[list[Edit], list[str]]] = getattr(self, "_" + kind)
        edits, what = maker(rng)
        if rng.random() < 0.15:  # sometimes two kinds of mistake at once
            more, more_what = getattr(self, "_" + rng.choice(FILE_TYPES))(rng)
            taken = {e.path for e in edits}
            edits += [e for e in more if e.path not in taken]
            what += more_what
        return Case(kind, tuple(edits), "; ".join(what), seed)

    # each returns (edits, description)

    def _regions(self, rng: random.Random) -> tuple[list[Edit], list[str]]:
        text = self.files["regions.yaml"].decode()
        new, what = self._mutate_yaml(text, rng, region_keys=True)
        return [Edit("write", "regions.yaml", new)], ["regions.yaml: " + what]

    def _data(self, rng: random.Random) -> tuple[list[Edit], list[str]]:
        path = rng.choice(self.data)
        new, what = self._mutate_yaml(self.files[path].decode(), rng)
        edits = [Edit("write", path, new)]
        if rng.random() < 0.3:  # show the data in a page body too
            region = path.split("/")[1]
            page = f"content/{region}/index.md"
            name = path.rsplit("/", 1)[1][:-5]
            use = rng.choice([f"{{{{ data.{name} }}}}", f"{{% for x in data.{name} %}}{{{{ x.name }}}} {{% endfor %}}",
                              f"{{{{ data.{name}[0].name }}}}", f"{{{{ data.{name}|length }}}}"])
            edits.append(Edit("write", page, self.files[page] + b"\n" + use.encode() + b"\n"))
            what += f" and {page} uses it"
        return edits, [f"{path}: {what}"]

    def _frontmatter(self, rng: random.Random) -> tuple[list[Edit], list[str]]:
        path = rng.choice(self.pages)
        text = self.files[path].decode()
        _, fm, body = text.split("---\n", 2) if text.startswith("---\n") else ("", "", text)
        r = rng.random()
        if r < 0.15:
            choice = rng.choice(["no-close", "no-open", "bom", "blank-first", "trailing-space", "crlf", "dash4",
                                 "empty", "only-open", "dots-close", "tabs"])
            new = {"no-close": f"---\n{fm}{body}", "no-open": f"{fm}---\n{body}", "bom": "\ufeff" + text,
                   "blank-first": "\n" + text, "trailing-space": f"--- \n{fm}--- \n{body}",
                   "crlf": text.replace("\n", "\r\n"), "dash4": f"----\n{fm}----\n{body}", "empty": "",
                   "only-open": "---\n", "dots-close": f"---\n{fm}...\n{body}",
                   "tabs": f"---\n{fm.replace('  ', chr(9))}---\n{body}"}[choice]
            return [Edit("write", path, new.encode("utf-8", "surrogatepass"))], [f"{path}: front matter {choice}"]
        if r < 0.55:
            key = rng.choice(["title", "summary", "date", "updated", "author", "tags", "draft", "template", "weight",
                              "nav_title", "reviewed", "review_due", "toc", "slug", "extra", "titel", "Title", "nope"])
            value = self._scalar(rng)
            lines = [ln for ln in fm.splitlines(keepends=True) if not ln.startswith(key + ":")]
            lines.insert(rng.randrange(len(lines) + 1), f"{key}: {value}\n")
            fm2 = "".join(lines)
            what = f"front matter {key}: {_short(value)}"
        else:
            fm2, what = self._mutate_yaml(fm, rng)
            fm2 = fm2.decode("utf-8", "surrogateescape") if isinstance(fm2, bytes) else fm2
            what = "front matter " + what
        new = f"---\n{fm2}---\n{body}"
        return [Edit("write", path, new.encode("utf-8", "surrogateescape"))], [f"{path}: {what}"]

    def _markdown(self, rng: random.Random) -> tuple[list[Edit], list[str]]:
        path = rng.choice(self.pages)
        raw = self.files[path]
        head, sep, body = raw.partition(b"\n---\n") if raw.startswith(b"---\n") else (b"", b"", raw)
        lines = body.split(b"\n")
        r = rng.random()
        if r < 0.6:
            snippets = [rng.choice(self.pools["markdown"]) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
            for s in snippets:
                at = rng.randrange(len(lines) + 1)
                glue = rng.choice(["\n\n", "\n", ""])
                lines.insert(at, (glue + s + glue).encode("utf-8", "surrogatepass"))
            what = "inserted " + " + ".join(_short(s) for s in snippets)
        else:
            new, what = self._generic(b"\n".join(lines), rng)
            lines = new.split(b"\n")
        return [Edit("write", path, head + sep + b"\n".join(lines))], [f"{path}: body {what}"]

    def _links(self, rng: random.Random) -> tuple[list[Edit], list[str]]:
        path = rng.choice(self.pages)
        raw = self.files[path].decode()
        target = rng.choice(self.pools["links"])
        existing = list(re.finditer(r"\]\(([^)]*)\)", raw))
        if existing and rng.random() < 0.4:  # a typo in a link that is there
            m = rng.choice(existing)
            old = m.group(1)
            target = _typo(old, rng) if rng.random() < 0.6 else target
            new = raw[: m.start(1)] + target + raw[m.end(1):]
            edit = Edit("write", path, new.encode("utf-8", "surrogatepass"))
            return [edit], [f"{path}: link {old!r} -> {_short(target)}"]
        forms = ["[text]({t})", "![Alt text]({t})", "![]({t})", "[text][r]\n\n[r]: {t}", "[{t}]({t})",
                 "[text]({t} \"title\")"]
        if "raw-html" not in self.avoid:
            forms += ['<a href="{t}">x</a>', '<img src="{t}" alt="x">', "<{t}>"]
        form = rng.choice(forms)
        snippet = form.format(t=target)
        new = raw.rstrip("\n") + "\n\n" + snippet + "\n"
        return [Edit("write", path, new.encode("utf-8", "surrogatepass"))], [f"{path}: link {_short(snippet)}"]

    def _template(self, rng: random.Random) -> tuple[list[Edit], list[str]]:
        """A copy of a built-in template, changed: a region's override, or in a site theme extending nhs."""
        name = rng.choice(self.templates)
        text = self.theme[name]
        where = rng.random()
        extra: list[Edit] = []
        if where < 0.6:
            dest = f"content/{rng.choice(self.regions)}/_theme/templates/{name}"
        else:
            dest = f"themes/{SITE_THEME}/templates/{name}"
            extra = self._site_theme(b"extends: nhs\n")
        lines = text.split(b"\n")
        if rng.random() < 0.65:
            snippet = rng.choice(self.pools["jinja"])
            lines.insert(rng.randrange(len(lines) + 1), snippet.encode("utf-8", "surrogatepass"))
            what = f"inserted {_short(snippet)}"
            new = b"\n".join(lines)
        else:
            new, what = self._generic(text, rng)
        return [Edit("write", dest, new), *extra], [f"{dest}: {what}"]

    def _site_theme(self, manifest: bytes) -> list[Edit]:
        """themes/mine/theme.yaml saying `manifest`, and regions.yaml choosing that theme for the site."""
        config = re.sub(rb"(?m)^(  theme:) nhs$", rb"\1 " + SITE_THEME.encode(), self.files["regions.yaml"], count=1)
        return [Edit("write", f"themes/{SITE_THEME}/theme.yaml", manifest), Edit("write", "regions.yaml", config)]

    def _names(self, rng: random.Random) -> tuple[list[Edit], list[str]]:
        r = rng.random()
        region = rng.choice(self.regions)
        if r < 0.12:
            manifest = rng.choice(self.pools["theme"]).encode()
            if rng.random() < 0.7:
                return self._site_theme(manifest), [f"themes/{SITE_THEME}/theme.yaml: {manifest!r}"]
            path = f"content/{region}/_theme/theme.yaml"
            return [Edit("write", path, manifest)], [f"{path} written"]
        if r < 0.2 and "filesystem" not in self.avoid:
            return self._filesystem(rng, region)
        in_region = f"content/{region}/" + rng.choice(self.pools["names"])
        path = rng.choice(self.pools["elsewhere"]) if r < 0.3 else in_region
        if path.endswith("/"):
            return [Edit("mkdir", path.rstrip("/"))], [f"folder {path!r}"]
        if path.endswith(".md"):
            body = rng.choice([b"---\ntitle: A page\n---\nHello.\n", b"", b"Hello, no front matter.\n",
                               b"---\ntitle: News\ndate: 2024-01-01\nsummary: x\n---\nx\n"])
        elif path.endswith((".yaml", ".yml")):
            body = rng.choice([b"- name: x\n", b"a: 1\n", b"", b"\xff\xfe"])
        elif path.endswith(".html"):
            body = rng.choice([b"<p>x</p>", b"{% extends 'base.html' %}", b"{{ nope }}", b"{%"])
        else:
            body = rng.choice([b"\x89PNG\r\n\x1a\n", b"body { color: red }", b"", bytes(range(256))])
        edits = [Edit("write", path, body)]
        if rng.random() < 0.4 and not path.endswith((".md", ".yaml", ".yml")):  # and link to it
            page = f"content/{region}/index.md"
            rel = path.split(f"content/{region}/", 1)[1] if path.startswith(f"content/{region}/") else "/" + path[8:]
            picture = f"\n\n![A picture]({rel})\n".encode("utf-8", "surrogatepass")
            edits.append(Edit("write", page, self.files[page] + picture))
        return edits, [f"file {path!r}"]

    def _filesystem(self, rng: random.Random, region: str) -> tuple[list[Edit], list[str]]:
        """Links (out of the project, in a loop, to nothing) and folders or files where the other is wanted.

        `Contract` keeps a folder `outside/` beside the project, whose files say SECRET_MARK."""
        page = f"content/{region}/index.md"
        how = rng.choice(["secret-data", "secret-image", "secret-folder", "loop", "dangling", "inside", "config-folder",
                          "region-file", "data-file", "templates-file", "content-link"])
        up = "../" * 4  # from content/REGION/data/ or content/REGION/images/ to the folder holding the project
        if how == "secret-data":
            edits = [Edit("symlink", f"content/{region}/data/secret.yaml", f"{up}outside/secret.yaml".encode()),
                     Edit("write", page, self.files[page] + b"\n\n{{ data.secret }}\n")]
        elif how == "secret-image":
            edits = [Edit("symlink", f"content/{region}/images/secret.png", f"{up}outside/secret.png".encode()),
                     Edit("write", page, self.files[page] + b"\n\n![A secret](images/secret.png)\n")]
        elif how == "secret-folder":
            link = f"content/{region}/{rng.choice(['docs', '_theme/static', '_theme/templates'])}"
            edits = [Edit("symlink", link, ("../" * (link.count("/") + 1) + "outside").encode())]
        elif how == "loop":
            edits = [Edit("symlink", f"content/{region}/{rng.choice(['loop', 'about/loop', 'data/loop'])}", b".")]
        elif how == "dangling":
            edits = [Edit("symlink", f"content/{region}/{rng.choice(['images/gone.png', 'gone.md', 'data/gone.yaml'])}",
                          b"nowhere")]
        elif how == "inside":
            logo = b"../../../themes/README.md"
            edits = [Edit("symlink", f"content/{region}/images/logo.svg", logo),
                     Edit("write", page, self.files[page] + b"\n\n![The logo](images/logo.svg)\n")]
        elif how == "config-folder":
            edits = [Edit("delete", "regions.yaml"), Edit("mkdir", "regions.yaml")]
        elif how == "content-link":
            edits = [Edit("symlink", f"content/{region}/about", f"../{rng.choice(self.regions)}/about".encode())]
        else:
            path = {"region-file": f"content/{region}", "data-file": f"content/{region}/data",
                    "templates-file": f"content/{region}/_theme/templates"}[how]
            edits = [Edit("delete", path), Edit("write", path, b"x\n")]
        return edits, [f"file system: {how}"]

    # -- YAML -------------------------------------------------------------------------------------------

    def _scalar(self, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.75:
            return rng.choice(self.pools["scalars"])
        if r < 0.85:
            if "alias" not in self.avoid:
                return ALIAS_BOMB.replace("\n", "\n  ").rstrip() if rng.random() < 0.5 else "&a [x, *a]"
            return rng.choice(self.pools["scalars"])
        return json.dumps(rand_unicode(rng, rng.randrange(1, 12), self.avoid), ensure_ascii=rng.random() < 0.5)

    def _mutate_yaml(self, text: str, rng: random.Random, region_keys: bool = False) -> tuple[bytes, str]:
        lines = text.splitlines(keepends=True)
        values = [i for i, ln in enumerate(lines) if re.match(r"^\s*(- )?[\w-]+:\s*[^\s#]", ln)]
        keys = [i for i, ln in enumerate(lines) if re.match(r"^\s*(- )?[\w-]+:", ln)]
        r = rng.random()
        if r < 0.4 and values:  # a value replaced by something odd
            i = rng.choice(values)
            m = re.match(r"^(\s*(?:- )?[\w-]+:\s*)(.*?)(\s*)$", lines[i], re.S)
            assert m
            value = self._scalar(rng)
            indent = " " * (len(m.group(1)) - len(m.group(1).lstrip()) + 2)
            value_text = value.replace("\n", "\n" + indent)
            lines[i] = m.group(1) + value_text + "\n"
            return "".join(lines).encode("utf-8", "surrogatepass"), f"line {i + 1} value {_short(value)}"
        if r < 0.55 and keys:  # a key misspelt, unknown, duplicated or taken away
            i = rng.choice(keys)
            m = re.match(r"^(\s*(?:- )?)([\w-]+)(:.*)$", lines[i], re.S)
            assert m
            how = rng.choice(["typo", "dup", "delete", "unknown", "case", "indent", "dedent"])
            if how == "typo":
                lines[i] = m.group(1) + _typo(m.group(2), rng) + m.group(3)
            elif how == "dup":
                lines.insert(i + 1, lines[i] if "- " not in m.group(1) else lines[i].replace("- ", "  ", 1))
            elif how == "delete":
                del lines[i]
            elif how == "unknown":
                lines.insert(i + 1, re.sub(r"[^ ].*", "", m.group(1).replace("- ", "  ")) + "nope_key: 1\n")
            elif how == "case":
                lines[i] = m.group(1) + m.group(2).upper() + m.group(3)
            elif how == "indent":
                lines[i] = "  " + lines[i]
            else:
                lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
            return "".join(lines).encode("utf-8", "surrogatepass"), f"line {i + 1} key {how}"
        if r < 0.65 and region_keys:  # a region added, taken away or given odd settings
            how = rng.choice(["new-region", "remove-region", "odd-id", "nav"])
            starts = [i for i, ln in enumerate(lines) if re.match(r"^  [a-z0-9-]+:\s*$", ln) and i > 10]
            if how == "remove-region" and starts:
                i = rng.choice(starts)
                j = next((k for k in starts if k > i), len(lines))
                del lines[i:j]
            elif how == "nav":
                navs = [i for i, ln in enumerate(lines) if "page:" in ln]
                if navs:
                    i = rng.choice(navs)
                    lines[i] = re.sub(r"page: [^}]*", "page: " + rng.choice(
                        ["nope.md", "news", "/leeds/index.md", "../x.md", "about/", "index.md#top", "news/2022",
                         "data/partners.yaml", "''", "https://example.org/", "[a]"]), lines[i])
            else:
                rid = rng.choice(["bradford", "Leeds", "_shared", "assets", "404", "a b", "\u00fcn\u00ef", "x" * 300,
                                  "../etc", "index.html", "-", "1", "news", "sitemap.xml", "feed.xml", "leeds/x",
                                  "''", "~", "[a]"]) if how == "odd-id" else "bradford"
                lines.append(f"  {rid}:\n    name: {rng.choice(['Bradford', *self.pools['scalars'][:40]])}\n")
            return "".join(lines).encode("utf-8", "surrogatepass"), f"region {how}"
        if r < 0.8:  # a YAML token somewhere
            token = rng.choice(self.pools["tokens"])
            i = rng.randrange(len(lines) + 1) if lines else 0
            line = lines[i] if i < len(lines) else ""
            at = rng.randrange(len(line) + 1)
            lines[i:i + 1] = [line[:at] + token + line[at:]]
            return "".join(lines).encode("utf-8", "surrogatepass"), f"line {i + 1} token {token!r}"
        new, what = self._generic(text.encode("utf-8", "surrogatepass"), rng)
        return new, what

    def _generic(self, data: bytes, rng: random.Random) -> tuple[bytes, str]:
        """A byte- or line-level change to any file: flips, control characters, lines lost or repeated."""
        lines = data.split(b"\n")
        how = rng.choice(["flip", "unicode", "bytes", "del-line", "dup-line", "swap-lines", "truncate", "bom", "crlf",
                          "cr", "tab", "long-line", "repeat-line", "empty", "del-run", "nul"])
        i = rng.randrange(len(lines)) if lines else 0
        if how == "flip" and data:
            at = rng.randrange(len(data))
            flipped = bytes([data[at] ^ (1 << rng.randrange(8))])
            if tags_of(data[:at] + flipped + data[at + 1:]) - tags_of(data) & self.avoid:
                flipped = data[at:at + 1]  # the flip made something this run leaves out: no flip
            return data[:at] + flipped + data[at + 1:], f"bit flip at byte {at}"
        if how == "unicode":
            at = rng.randrange(len(data) + 1)
            s = rng.choice(self.pools["unicode"]).encode("utf-8", "surrogatepass")
            return data[:at] + s + data[at:], f"inserted {s!r} at byte {at}"
        if how == "bytes":
            at = rng.randrange(len(data) + 1)
            s = rng.choice(self.pools["bytes"])
            return data[:at] + s + data[at:], f"inserted bytes {s!r} at byte {at}"
        if how == "nul" and "control" not in self.avoid:
            at = rng.randrange(len(data) + 1)
            return data[:at] + b"\x00" + data[at:], f"NUL at byte {at}"
        if how == "del-line" and lines:
            del lines[i]
            return b"\n".join(lines), f"deleted line {i + 1}"
        if how == "dup-line" and lines:
            lines.insert(i, lines[i])
            return b"\n".join(lines), f"duplicated line {i + 1}"
        if how == "swap-lines" and len(lines) > 1:
            j = min(i + 1, len(lines) - 1)
            lines[i], lines[j] = lines[j], lines[i]
            return b"\n".join(lines), f"swapped lines {i + 1} and {j + 1}"
        if how == "truncate" and data:
            at = rng.randrange(len(data))
            return data[:at], f"cut at byte {at}"
        if how == "bom":
            return b"\xef\xbb\xbf" + data, "BOM at the start"
        if how == "crlf":
            return data.replace(b"\n", b"\r\n"), "CRLF line ends"
        if how == "cr":
            return data.replace(b"\n", b"\r"), "CR line ends"
        if how == "tab" and lines:
            lines[i] = b"\t" + lines[i].lstrip(b" ")
            return b"\n".join(lines), f"tab indent on line {i + 1}"
        if how == "long-line" and lines:
            lines[i] = lines[i] + b"x" * rng.choice((10_000, 300_000))
            return b"\n".join(lines), f"line {i + 1} made very long"
        if how == "repeat-line" and lines:
            lines[i:i + 1] = [lines[i]] * rng.choice((50, 5000))
            return b"\n".join(lines), f"line {i + 1} repeated"
        if how == "empty":
            return b"", "emptied"
        if how == "del-run" and data:
            at = rng.randrange(len(data))
            n = rng.randrange(1, 40)
            return data[:at] + data[at + n:], f"deleted {n} bytes at {at}"
        return data + b"\n", "newline added"


def _short(text: str, n: int = 40) -> str:
    shown = repr(text)
    return shown if len(shown) <= n else shown[: n - 5] + f"...({len(text)})"


def _typo(word: str, rng: random.Random) -> str:
    if not word:
        return "x"
    i = rng.randrange(len(word))
    how = rng.choice(["drop", "swap", "double", "change"])
    if how == "drop" or len(word) < 2:
        return word[:i] + word[i + 1:] if len(word) > 1 else word + "x"
    if how == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if how == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioux-/._#") + word[i + 1:]


# -- checking the output -------------------------------------------------------------------------------------

VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"))
CLOSES_P = frozenset(("address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption",
                      "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main",
                      "menu", "nav", "ol", "p", "pre", "section", "table", "ul"))
OPTIONAL_END = frozenset(("p", "li", "dt", "dd", "option", "tr", "td", "th", "thead", "tbody", "tfoot", "rt", "rp",
                          "colgroup"))
BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
STRUCTURE = ("elements never closed", "stray end tag", "self-closing", "end tag </", "no <!DOCTYPE", "duplicate id")
PYTHON_REPR = re.compile(r"(&lt;|<)[\w.]+ object at 0x[0-9a-f]+(&gt;|>)|mappingproxy\(|datetime\.date\(|"
                         r"\bLineDict\(|&lt;function |&lt;bound method ")
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.I)


class _PageParser(HTMLParser):
    """Tag balance, duplicate ids and attributes, and values from YAML that became markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [n for n, _ in attrs]
        if len(set(names)) != len(names):
            self.errors.append(f"duplicate attribute in <{tag}>")
        for name, value in attrs:
            if name == "id" and value is not None:
                if value in self.ids:
                    self.errors.append(f"duplicate id {value!r}")
                self.ids.add(value)
            if name in ("href", "src", "action", "formaction") and JS_MARK in (value or "") and BAD_SCHEME.match(value):
                self.errors.append(f"{name} with a {value.split(':')[0].strip().lower()}: address from a YAML value")
        if tag == YAML_MARK:
            self.errors.append(f"<{YAML_MARK}> element from a YAML value (not escaped)")
        if tag == "script" and any(JS_MARK in (v or "") for _, v in attrs):
            self.errors.append("script from a YAML value")
        if tag in VOID:
            return
        if self.stack and self.stack[-1] == "p" and tag in CLOSES_P:
            self.stack.pop()
        if tag in ("li", "dt", "dd", "tr", "td", "th", "option") and self.stack and self.stack[-1] == tag:
            self.stack.pop()
        if tag in ("dt", "dd") and self.stack and self.stack[-1] in ("dt", "dd"):
            self.stack.pop()
        if tag in ("td", "th") and self.stack and self.stack[-1] in ("td", "th"):
            self.stack.pop()
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and tag not in ("svg", "path", "circle", "rect", "use", "line", "polyline", "polygon",
                                           "ellipse", "g", "stop", "mi", "mo", "mn"):
            self.errors.append(f"self-closing <{tag}/> (not a void element)")
            if self.stack and self.stack[-1] == tag:
                self.stack.pop()
        elif tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            if tag != "br":
                self.errors.append(f"end tag </{tag}> of a void element")
            return
        if tag not in self.stack:
            self.errors.append(f"stray end tag </{tag}>")
            return
        while self.stack:
            top = self.stack.pop()
            if top == tag:
                return
            if top not in OPTIONAL_END:
                self.errors.append(f"elements never closed: <{top}> before </{tag}>")

    def close(self) -> None:
        super().close()
        left = [t for t in self.stack if t not in OPTIONAL_END]
        if left:
            self.errors.append(f"elements never closed: {', '.join('<' + t + '>' for t in left[:3])}")


def html_problems(data: bytes) -> list[str]:
    """Why a page made by icsgen is not a well-formed HTML document (empty if it is)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"not UTF-8 ({exc.reason})"]
    errors = []
    if not text.lstrip().lower().startswith("<!doctype html>"):
        errors.append("no <!DOCTYPE html> at the start")
    shown = PYTHON_REPR.search(text)
    if shown:
        errors.append(f"a Python value shown as text: {shown.group()[:60]}")
    bad = BAD_CHARS.search(text)
    if bad:
        errors.append(f"control character U+{ord(bad.group()):04X}")
    parser = _PageParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # the standard parser gives up on some input
        errors.append(f"HTML parser failed: {type(exc).__name__}")
    return errors + parser.errors


def xml_problems(data: bytes) -> list[str]:
    try:
        ET.fromstring(data)
    except ET.ParseError as exc:
        return [f"XML does not parse: {_normalise(str(exc))}"]
    return []


def output_problems(out: Path) -> list[tuple[str, str]]:
    """(file, problem) for every page and XML file under `out` that does not parse."""
    found = []
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".html":
            found += [(path.relative_to(out).as_posix(), p) for p in html_problems(path.read_bytes())]
        elif path.suffix == ".xml":
            found += [(path.relative_to(out).as_posix(), p) for p in xml_problems(path.read_bytes())]
    return found


# -- running icsgen ------------------------------------------------------------------------------------------


@dataclass
class Run:
    argv: list[str]
    code: int | None  # None: killed after the time limit
    stdout: str
    stderr: str
    seconds: float
    lingered: bool = False  # a process of its group was still running long after it returned


def _limits() -> None:  # in the child, before exec
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def icsgen(root: Path, args: list[str], timeout: float, linger: float = 15.0) -> Run:
    """`python -m icsgen --verbose ARGS --root ROOT` in a process group of its own, killed after `timeout` s.

    The command may leave a child behind for a moment (it writes the cache after a build returns);
    the group is waited for up to `linger` s more, then killed and the run marked `lingered`.
    """
    argv = [sys.executable, "-m", "icsgen", "--verbose", *args, "--root", str(root)]
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(PROJECT)
    environment["NO_COLOR"] = "1"
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment,
                            start_new_session=True, preexec_fn=_limits)
    try:
        out, err = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    lingered = not _group_ends(proc.pid, 0.0 if code is None else linger)
    return Run(argv, code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               time.monotonic() - start, lingered)


def _group_ends(pgid: int, wait: float) -> bool:
    """Whether process group `pgid` ends within `wait` s; killed if not."""
    deadline = time.monotonic() + wait
    try:
        while True:
            os.killpg(pgid, 0)
            if time.monotonic() >= deadline:
                os.killpg(pgid, signal.SIGKILL)
                time.sleep(0.1)
                return False
            time.sleep(0.01)
    except (ProcessLookupError, PermissionError):
        return True


def tree_digest(folder: Path, skip: Iterable[str] = ()) -> dict[str, str]:
    """Path -> digest of every file, link and folder under `folder` (missing folder: empty)."""
    found: dict[str, str] = {}
    if not folder.exists() and not folder.is_symlink():
        return found
    skipped = set(skip)
    for dirpath, dirnames, filenames in os.walk(folder):
        rel_dir = os.path.relpath(dirpath, folder)
        dirnames[:] = [d for d in dirnames if os.path.normpath(os.path.join(rel_dir, d)) not in skipped]
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if rel in skipped:
                continue
            if os.path.islink(path):
                found[rel] = "link:" + os.readlink(path)
            elif os.path.isdir(path):
                found[rel] = "dir"
            else:
                try:
                    with open(path, "rb") as handle:
                        found[rel] = hashlib.blake2b(handle.read(), digest_size=12).hexdigest()
                except OSError as exc:
                    found[rel] = f"unreadable:{exc.errno}"
    return found


def _diff_keys(before: dict[str, str], after: dict[str, str], n: int = 4) -> str:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    parts = []
    for label, keys in (("added", added), ("removed", removed), ("changed", changed)):
        if keys:
            parts.append(f"{len(keys)} {label} ({', '.join(keys[:n])}{', ...' if len(keys) > n else ''})")
    return "; ".join(parts) or "no difference"


# -- the contract ------------------------------------------------------------------------------------------

TRACE_SITE = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')
UNEXPECTED = re.compile(r"unexpected error at (\S+): (\w+)")
SUMMARY_LINE = re.compile(r"^(\x1b\[31m)?Build failed; .*problems? to fix\.(\x1b\[0m)?$")


def _normalise(message: str) -> str:
    """A message with its particulars taken out, so messages of one kind compare equal."""
    message = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", message)
    message = re.sub(r"(/[\w.\-]+)+", "PATH", message)
    message = re.sub(r"\d+", "N", message)
    return message[:90]


def _untag(text: str) -> str:
    """Tag names taken out ('<TAG> before </TAG>'), so one kind of broken markup is one signature."""
    return re.sub(r"<(/?)(?!!DOCTYPE)[^<>]*>", r"<\1TAG>", text)


def crash_signature(text: str) -> str | None:
    """'Type at icsgen/x.py:function' for a traceback or an "unexpected error" in `text`, else None."""
    if "Traceback (most recent call last)" in text:
        last = text[text.rindex("Traceback (most recent call last)"):]
        frames = TRACE_SITE.findall(last)
        ours = [f for f in frames if "/icsgen/" in f[0]]
        lines = last.splitlines()[1:]
        exc_line = next((ln for ln in lines if ln and not ln[0].isspace()), "Traceback")
        kind = exc_line.split(":", 1)[0].rsplit(".", 1)[-1].strip() or "Traceback"
        if ours:
            return f"{kind} at icsgen/{ours[-1][0].rsplit('/icsgen/', 1)[1]}:{ours[-1][2]}"
        if frames:
            return f"{kind} at {Path(frames[-1][0]).name}:{frames[-1][2]}"
        return kind
    m = UNEXPECTED.search(text)
    if m:
        return f"{m.group(2)} at {re.sub(r':[0-9]+$', '', m.group(1))}"
    return None


def split_problem(line: str, root: Path) -> tuple[str, int, str] | None:
    """(path, line, message) of a printed problem `path[:line]: message`; the path may hold colons."""
    candidates = []
    for m in re.finditer(r": ", line):
        head, message = line[: m.start()], line[m.end():]
        n = re.match(r"^(.*):([0-9]+)$", head)
        path, number = (n.group(1), int(n.group(2))) if n else (head, 0)
        if path and "\n" not in path:
            candidates.append((path, number, message))
    for candidate in candidates:
        if (root / candidate[0]).exists() or (root / candidate[0]).is_symlink():
            return candidate
    return candidates[0] if candidates else None


class Contract:
    """Runs a case in a work folder and says which promises it broke.

    The folder holds the base project, built once; after each case its inputs are put back. With
    `thorough`, every successful build is compared with a build without the cache, and after the inputs
    are put back a build must give back the base site byte for byte.
    """

    def __init__(self, work: Path, base_regions: Iterable[str] | None = SMALL_REGIONS, timeout: float = 60.0,
                 thorough: bool = False, avoid: Iterable[str] = ()) -> None:
        self.work = work
        self.avoid = frozenset(avoid)
        self.root = work / "site"
        self.timeout = timeout
        self.thorough = thorough
        self.base_regions = base_regions
        self._fresh()

    def _fresh(self) -> None:
        if self.work.exists():
            _force_remove(self.work)
        self.work.mkdir(parents=True)
        make_base(self.root, self.base_regions)
        outside = self.work / "outside"
        outside.mkdir()
        (outside / "secret.yaml").write_bytes(b"- name: " + SECRET_MARK + b"\n")
        (outside / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET_MARK)
        (outside / "page.md").write_bytes(b"---\ntitle: " + SECRET_MARK + b"\n---\n" + SECRET_MARK + b"\n")
        (outside / "page.html").write_bytes(b"<p>" + SECRET_MARK + b"</p>")
        self.pristine = read_inputs(self.root)
        first = icsgen(self.root, ["build", "--quiet"], self.timeout * 2)
        if first.code != 0:
            raise RuntimeError(f"the base project does not build: {first.stderr[-2000:]}")
        bad = output_problems(self.root / "build")
        if bad:
            raise RuntimeError(f"the base project's output does not parse: {bad[:5]}")
        self.pristine_build = tree_digest(self.root / "build")
        self.mutator = Mutator(self.pristine, self.avoid)

    # -- applying and undoing edits

    def apply(self, case: Case) -> list[str]:
        """Make the case's edits; a path the file system refuses is left out (and said)."""
        refused = []
        for edit in case.edits:
            path = self.root / edit.path
            try:
                if edit.op == "write":
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(edit.data)
                elif edit.op == "delete":
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path)
                    else:
                        path.unlink(missing_ok=True)
                elif edit.op == "mkdir":
                    if path.exists() and not path.is_dir():
                        path.unlink()
                    path.mkdir(parents=True, exist_ok=True)
                elif edit.op == "symlink":
                    path.parent.mkdir(parents=True, exist_ok=True)
                    if path.exists() or path.is_symlink():
                        path.unlink()
                    path.symlink_to(edit.data.decode())
            except (OSError, ValueError) as exc:
                refused.append(f"{edit.path!r}: {exc}")
        return refused

    def restore(self) -> None:
        """Put every input back as it was: extra files and folders go, changed files are written again."""
        for top in ("content", "themes"):
            for dirpath, dirnames, filenames in os.walk(self.root / top, topdown=False):
                for name in filenames + dirnames:
                    path = Path(dirpath) / name
                    rel = path.relative_to(self.root).as_posix()
                    if path.is_symlink() or (path.is_file() and rel not in self.pristine):
                        path.unlink()
                    elif path.is_dir() and not any(k.startswith(rel + "/") for k in self.pristine):
                        shutil.rmtree(path)
        config = self.root / "regions.yaml"
        if config.is_dir() and not config.is_symlink():
            shutil.rmtree(config)
        elif config.is_symlink():
            config.unlink()
        for rel, data in self.pristine.items():
            path = self.root / rel
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            if not path.is_file() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        if not self.thorough:  # (a thorough run's next build must tidy up what a killed one left)
            for name in os.listdir(self.root):  # anything a run left beside the project's own folders
                if name not in KEPT:
                    _force_remove(self.root / name)

    # -- the contract

    def run(self, case: Case, stop_early: bool = False) -> list[Finding]:
        """Apply `case`, run check and build, check every promise, undo the edits; the promises broken."""
        refused = self.apply(case)
        findings: list[Finding] = []
        try:
            findings = self._judge(case, stop_early)
        finally:
            try:
                self.restore()
                if self.thorough and not (stop_early and findings):
                    findings += self._judge_restored()
            except Exception as exc:  # the work folder is in an unknown state: start again
                findings.append(Finding("harness", f"could not restore: {type(exc).__name__}", str(exc), "restore"))
                self._fresh()
        for f in findings:
            f.case = case
        if refused:
            for f in findings:
                f.detail += f"\n(the file system refused: {'; '.join(refused)})"
        return findings

    def _judge(self, case: Case, stop_early: bool) -> list[Finding]:
        found: list[Finding] = []
        inputs = self._inputs()
        before = tree_digest(self.root / "build")

        check = icsgen(self.root, ["check", "--format", "json"], self.timeout)
        found += self._crashes(check, "check")
        check_errors: list[dict] | None = None
        if check.code is not None and not found:
            try:
                report = json.loads(check.stdout)
                check_errors = [p for p in report["problems"] if p["level"] == "error"]
                found += self._problem_paths([(p["path"], p["line"], p["message"]) for p in report["problems"]],
                                             "check")
                if check.code not in (0, 1):
                    found.append(Finding("exit code", f"check exit {check.code}", check.stderr[-1500:], "check"))
                elif (check.code == 1) != bool(check_errors):
                    found.append(Finding("exit code", "check exit code does not match its errors",
                                         check.stdout[-1500:], "check"))
            except (ValueError, KeyError, TypeError) as exc:
                found.append(Finding("output", "check --format json is not JSON",
                                     f"{exc}: {check.stdout[-800:]}{check.stderr[-800:]}", "check"))
        if tree_digest(self.root / "build") != before:
            found.append(Finding("writes", "check changed build/", _diff_keys(before, tree_digest(self.root / "build")),
                                 "check"))
        if found and stop_early:
            return found

        build = icsgen(self.root, ["build"], self.timeout)
        found += self._crashes(build, "build")
        after = tree_digest(self.root / "build")
        if build.code not in (None, 0, 1) and not self._crashes(build, "build"):
            found.append(Finding("exit code", f"build exit {build.code}", build.stderr[-1500:], "build"))
        if build.code != 0 and after != before:
            found.append(Finding("build/ untouched on failure", "build/ changed by a failed build",
                                 _diff_keys(before, after), "build"))
        if build.code == 1:
            problems = []
            for line in build.stderr.splitlines():
                if not line.strip() or SUMMARY_LINE.match(line):
                    continue
                parsed = split_problem(line, self.root)
                if parsed is None:
                    found.append(Finding("file:line messages", "build printed a line that names no file",
                                         _short(line, 300), "build"))
                    continue
                problems.append(parsed)
            if not problems:
                found.append(Finding("file:line messages", "build failed without a message", build.stderr[-800:],
                                     "build"))
            found += self._problem_paths(problems, "build")
        if build.code == 0:
            for rel in self._secrets_published():
                found.append(Finding("nothing from outside the project", "a file from outside the project is published",
                                     rel, "build"))
            for rel in self._statics_not_published():
                found.append(Finding("static files published as they are", "a static file is not published as it is",
                                     rel, "build"))
            theirs = any("/templates/" in e.path for e in case.edits)  # a template's own markup is its writer's
            for file, problem in output_problems(self.root / "build"):
                if theirs and (problem.startswith(STRUCTURE) or problem.startswith("control character")):
                    continue
                found.append(Finding("output parses", f"{Path(file).suffix or file}: {_normalise(_untag(problem))}",
                                     f"build/{file}: {problem}", "build"))
        if check_errors is not None and build.code in (0, 1) and (build.code == 1) != bool(check_errors):
            found.append(Finding("check agrees with build",
                                 f"build exit {build.code}, check {len(check_errors)} errors",
                                 f"build: {build.stderr[-600:]}\ncheck: {check.stdout[-600:]}", "build"))
        if build.code is not None:  # a build killed here may leave its staging folder: the next one tidies it
            found += self._leftovers("build")
        if self._inputs() != inputs:
            now = self._inputs()
            found.append(Finding("inputs untouched", "an input file changed", _diff_keys(inputs, now), "build"))
        if found and stop_early:
            return found

        if self.thorough and build.code == 0 and int(hashlib.md5(case.seed.encode()).hexdigest(), 16) % 3 == 0:
            ref = self.root / "nocache"  # one case in three: a build without the cache gives the same
            clean = icsgen(self.root, ["build", "--no-cache", "--quiet", "--out", str(ref)], self.timeout)
            found += self._crashes(clean, "nocache")
            if clean.code == 0:
                a, b = tree_digest(self.root / "build"), tree_digest(ref)
                if a != b:
                    found.append(Finding("cache", "a rebuild from the cache differs from a build without it",
                                         _diff_keys(b, a), "nocache"))
            elif clean.code is not None and not self._crashes(clean, "nocache"):
                found.append(Finding("cache", "a build without the cache fails where the cached one built",
                                     clean.stderr[-800:], "nocache"))
            _force_remove(ref)
        return found

    def _inputs(self) -> dict[str, str]:
        """Digests of the input files: regions.yaml, content/ and themes/."""
        found = {}
        for top in ("regions.yaml", "content", "themes"):
            path = self.root / top
            if path.is_symlink():
                found[top] = "link:" + os.readlink(path)
            elif path.is_file():
                found[top] = hashlib.blake2b(path.read_bytes(), digest_size=12).hexdigest()
            else:
                found.update({f"{top}/{k}": v for k, v in tree_digest(path).items()})
        return found

    def _leftovers(self, stage: str) -> list[Finding]:
        return [Finding("nothing left behind", f"left behind: {_normalise(name)}", name, stage)
                for name in sorted(os.listdir(self.root))
                if name not in KEPT]

    def _secrets_published(self) -> list[str]:
        out = self.root / "build"
        return [p.relative_to(out).as_posix() for p in sorted(out.rglob("*"))
                if p.is_file() and SECRET_MARK in p.read_bytes()]

    def _statics_not_published(self) -> list[str]:
        """Files under content/REGION/ that are not pages, data or theme files, and are missing or different
        in build/ (only those whose path needs no rewriting: lower-case letters, digits, '-', '_' and '.')."""
        wrong = []
        plain = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
        for region in self.mutator.regions:
            folder = self.root / "content" / region
            for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
                rel = path.relative_to(folder).as_posix()
                parts = rel.split("/")
                if (not path.is_file() or path.is_symlink() or rel.endswith(".md") or parts[0] in ("data", "_theme")
                        or not all(plain.match(p) for p in parts)
                        or re.search(r"(\.sw[a-p]|\.tmp|\.bck|^4913)$", parts[-1])):
                    continue
                out = self.root / "build" / region / rel
                if not out.is_file():
                    wrong.append(f"content/{region}/{rel} -> build/{region}/{rel}")
                elif path.read_bytes().startswith(magic := IMAGE_MAGIC.get(path.suffix.lower(), b"\0none")):
                    # a content image is published remade, without its metadata (build/images.py): the same kind
                    if not out.read_bytes().startswith(magic):
                        wrong.append(f"content/{region}/{rel} -> build/{region}/{rel} (not a {path.suffix} image)")
                elif out.read_bytes() != path.read_bytes():
                    wrong.append(f"content/{region}/{rel} -> build/{region}/{rel}")
        return wrong

    def _judge_restored(self) -> list[Finding]:
        run = icsgen(self.root, ["build", "--quiet"], self.timeout)
        found = self._crashes(run, "restore")
        if run.code is not None:
            found += self._leftovers("restore")
        if run.code != 0 and not found:
            found.append(Finding("cache", "the build after undoing the edits failed", run.stderr[-800:], "restore"))
        elif run.code == 0:
            now = tree_digest(self.root / "build")
            if now != self.pristine_build:
                found.append(Finding("cache", "after undoing the edits the build differs from the base site",
                                     _diff_keys(self.pristine_build, now), "restore"))
        if found:  # start the next case from a known state
            self._fresh()
        return found

    def _crashes(self, run: Run, stage: str) -> list[Finding]:
        if run.code is None:
            return [Finding("no hang", f"{stage} ran over {self.timeout:.0f} s", "", stage)]
        if run.code < 0:
            return [Finding("no crash", f"{stage} killed by signal {-run.code}", run.stderr[-1500:], stage)]
        if run.lingered:
            return [Finding("no hang", f"{stage} left a process running", run.stderr[-800:], stage)]
        text = run.stderr + run.stdout
        sig = crash_signature(text)
        if sig:
            return [Finding("no traceback", sig, _tail(text), stage)]
        return []

    def _problem_paths(self, problems: Iterable[tuple[str, int, str]], stage: str) -> list[Finding]:
        found = []
        for path, line, message in problems:
            target = self.root / path
            if not path or os.path.isabs(path) or path.startswith("../"):
                found.append(Finding("file:line messages",
                                     f"message names a file outside the project: {_normalise(message)}",
                                     f"{path}:{line}: {message}", stage))
            elif not (target.exists() or target.is_symlink()):
                found.append(Finding("file:line messages", f"message names no real file: {_normalise(message)}",
                                     f"{path}:{line}: {message}", stage))
            elif not line and target.is_file() and not target.is_symlink() and _has_lines(path):
                found.append(Finding("file:line messages", f"message gives no line: {_normalise(message)}",
                                     f"{path}: {message}", stage))
            elif target.is_file() and line > _line_count(target) + 1:
                found.append(Finding("file:line messages", f"line past the end of the file: {_normalise(message)}",
                                     f"{path}:{line}: {message} (the file has {_line_count(target)} lines)", stage))
        return found


def _has_lines(path: str) -> bool:
    """Whether icsgen reads the file as text, so a message about it can say which line: pages, YAML, templates."""
    return path.endswith((".md", ".yaml", ".yml")) or ("/templates/" in path and path.endswith(".html"))


def _line_count(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n") + 1
    except OSError:
        return 0


def _tail(text: str, n: int = 2500) -> str:
    return text if len(text) <= n else "..." + text[-n:]


def _force_remove(path: Path) -> None:
    def writable(func, p, _):  # type: ignore[no-untyped-def]
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(p), 0o755)
            os.chmod(p, 0o755)
        with contextlib.suppress(OSError):
            func(p)

    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, onerror=writable)


# -- making failures small -------------------------------------------------------------------------------------


def same_failure(contract: Contract, case: Case, signature: str) -> bool:
    return any(f.signature == signature for f in contract.run(case, stop_early=True))


def minimise(contract: Contract, case: Case, signature: str, budget: int = 40) -> Case:
    """The smallest case found (fewer edits, fewer changed lines, shorter lines) that fails the same way."""
    tries = [0]

    def fails(candidate: Case) -> bool:
        if tries[0] >= budget:
            return False
        tries[0] += 1
        return same_failure(contract, candidate, signature)

    edits = list(case.edits)
    for edit in list(edits):  # edits that are not needed
        if len(edits) > 1 and fails(case.with_edits(e for e in edits if e is not edit)):
            edits.remove(edit)
    for index, edit in enumerate(edits):
        if edit.op != "write":
            continue
        original = contract.pristine.get(edit.path)
        data = edit.data
        if original is not None:
            data = _revert_hunks(original, data, lambda d, i=index: fails(case.with_edits(
                [*edits[:i], Edit("write", edits[i].path, d), *edits[i + 1:]])))
        data = _cut_lines(data, original, lambda d, i=index: fails(case.with_edits(
            [*edits[:i], Edit("write", edits[i].path, d), *edits[i + 1:]])))
        edits[index] = Edit("write", edit.path, data)
    return case.with_edits(edits)


def _revert_hunks(original: bytes, data: bytes, fails: Callable[[bytes], bool]) -> bytes:
    """Put back as many changed stretches of lines as possible (one at a time, last first)."""
    a, b = original.split(b"\n"), data.split(b"\n")
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if len(ops) <= 1:
        return data
    keep = list(range(len(ops)))
    for k in reversed(range(len(ops))):
        trial = [i for i in keep if i != k]
        candidate = _apply_hunks(a, b, [ops[i] for i in trial])
        if fails(candidate):
            keep = trial
    return _apply_hunks(a, b, [ops[i] for i in keep])


def _apply_hunks(a: list[bytes], b: list[bytes], ops: list[tuple]) -> bytes:
    out, pos = [], 0
    for _, i1, i2, j1, j2 in sorted(ops, key=lambda op: op[1]):
        out += a[pos:i1] + b[j1:j2]
        pos = i2
    return b"\n".join(out + a[pos:])


def _cut_lines(data: bytes, original: bytes | None, fails: Callable[[bytes], bool]) -> bytes:
    """Shorten very long or very repeated lines (halving) while it still fails the same way."""
    lines = data.split(b"\n")
    changed = True
    rounds = 0
    while changed and rounds < 8:
        changed, rounds = False, rounds + 1
        longest = max(range(len(lines)), key=lambda i: len(lines[i]), default=None)
        if longest is not None and len(lines[longest]) > 200:
            half = lines[longest][: len(lines[longest]) // 2]
            trial = [*lines[:longest], half, *lines[longest + 1:]]
            if fails(b"\n".join(trial)):
                lines, changed = trial, True
        if len(lines) > 100 and (original is None or len(lines) > 2 * original.count(b"\n") + 20):
            trial = lines[: len(lines) // 2]
            if fails(b"\n".join(trial)):
                lines, changed = trial, True
    return b"\n".join(lines)


def describe(case: Case, pristine: dict[str, bytes], width: int = 110, max_lines: int = 14) -> str:
    """The case as a short diff against the base project, with invisible characters shown."""
    out = []
    for edit in case.edits:
        if edit.op != "write":
            out.append(f"{edit.op} {edit.path!r}" + (f" -> {edit.data.decode()!r}" if edit.data else ""))
            continue
        old = pristine.get(edit.path)
        if old is None:
            out.append(f"new file {edit.path!r}: {_show(edit.data, width)}")
            continue
        out.append(f"--- {edit.path}")
        a, b = old.split(b"\n"), edit.data.split(b"\n")
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            out += [f"@@ line {i1 + 1}"] + [f"-{_show(x, width)}" for x in a[i1:i2][:4]] + \
                   [f"+{_show(x, width)}" for x in b[j1:j2][:6]]
    if len(out) > max_lines:
        out = [*out[:max_lines], f"... ({len(out) - max_lines} more lines)"]
    return "\n".join(out)


def _show(data: bytes, width: int) -> str:
    text = repr(data)[2:-1]
    return text if len(text) <= width else text[: width - 12] + f"...({len(data)} bytes)"


# -- lanes (who fixes what this session) --------------------------------------------------------------------

LANES = {  # module (or package) -> the helper whose files it is, this session
    "config": "inputs", "files": "inputs", "content/frontmatter": "inputs", "content/model": "inputs",
    "render/themes": "inputs", "render": "render", "markdown": "markdown", "check/style": "markdown",
    "check": "load", "build/output": "publish", "build/background": "publish", "build/prefill": "publish",
    "cli": "publish", "build/workers": "serve", "serve": "serve", "cache": "none", "content": "inputs",
    "build": "none",
}


def lane_of(finding: Finding) -> str:
    """Which helper's files the fault is most likely in this session (a guess for the report)."""
    m = re.search(r"icsgen/([\w/]+)\.py", finding.signature)
    if m:
        module = m.group(1)
        return next((LANES[k] for k in (module, module.split("/")[0]) if k in LANES), "none")
    kinds = {finding.case.kind} if finding.case else set()
    if "control character" in finding.signature or "YAML value" in finding.signature:
        return "render"
    if "template error" in finding.signature:
        return "render"
    if finding.rule == "output parses":
        return "markdown" if kinds & {"markdown", "links"} else "none"
    if finding.rule in ("nothing left behind", "build/ untouched on failure"):
        return "publish"
    if finding.rule == "static files published as they are" or "undoing" in finding.signature:
        return "none"
    return "?"
