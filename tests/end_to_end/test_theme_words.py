"""The theme's own words on a translated page are all in the page's language: no English word of the
theme leaks onto a Bengali or Urdu page.

The sample site is built as it is (its Bengali and Urdu priorities pages), and again as a whole site
in Bengali and in Urdu (`language: bn` / `ur` in regions.yaml), so that every template and every
word icsgen's own code writes (lists of meetings, events and consultations, document links, the
search page and its script's words, the cookie banner, the 404 page, the publications library...)
is shown in that language. On each page, what the editor wrote (the Markdown, front matter, data
files, regions.yaml, the documents' own titles: English in the whole-site builds) is taken away, and
no text of strings/en.yaml may be left in what remains: the texts, the labels (aria-label, title,
placeholder, alt) and the words handed to the search page's script.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from icsgen.build.pipeline import BuildOptions, load
from tests.support.axe import format_violations, run_axe
from tests.support.servers import serve_static
from tests.support.sitemaker import PROJECT, run
from tests.support.vnu import format_vnu, run_vnu

STRINGS = PROJECT / "icsgen" / "themes" / "nhs" / "strings"
LANGUAGES = ("bn", "ur")
TODAY = "2026-12-07"  # the sample's lists have upcoming and past meetings, events and open and closed consultations
SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-ics-video-title")


def _words(lang: str) -> dict[str, Any]:
    return yaml.safe_load((STRINGS / f"{lang}.yaml").read_text(encoding="utf-8"))


def _texts(value: Any) -> list[str]:
    """Every text in a word: a plain text, a list's (month names), a mapping's (plural forms)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _texts(item)]
    return []


def _pieces(text: str) -> list[str]:
    """The fixed pieces of a text between its {places}, trimmed of spaces and punctuation, that hold a letter."""
    pieces = []
    for piece in re.split(r"\{\w+\}", text):
        piece = piece.strip(" .,:;()‘’'\"-–…")
        if re.search(r"[A-Za-z]{2}", piece):
            pieces.append(piece)
    return pieces


def english_pieces(lang: str) -> dict[str, str]:
    """Each English piece of the theme's words -> the word it comes from; a piece the language keeps
    as it is in its own text of that word (a product's name: 'PDF', 'KB', 'OpenDocument') is left out."""
    english, own = _words("en"), _words(lang)
    found: dict[str, str] = {}
    for name, value in english.items():
        kept = " ".join(_texts(own.get(name)))
        for text in _texts(value):
            for piece in _pieces(text):
                if piece not in kept:
                    found.setdefault(piece, name)
    return found


class _ShownText(HTMLParser):
    """The texts a reader can meet on a page: its text (not scripts or styles, except the JSON of
    words a script shows), its labels, and the words in data-words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.texts.append(values[name] or "")
        if values.get("data-words"):
            self.texts += _texts(json.loads(values["data-words"] or "{}"))
        if tag in ("script", "style") and values.get("type") != "application/json":
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


def _flat(text: str) -> str:
    return " ".join(html.unescape(text).split())


_PLACE = re.compile(r"\{\w+\}")
_WRITTEN_BY_EXPRESSION = re.compile(r"(?:[\s\d.,:;()–-]|January|February|March|April|May|June|July|August|September|"
                                    r"October|November|December)*")
_FILLED_IN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)  # {{ region.name }} in a page's text


class EditorText:
    """What the editor wrote: every source file's text (whitespace made single spaces), and each value
    of the YAML files and front matter, to take out of a text that mixes them with the theme's words."""

    def __init__(self, root: Path, titles: list[str]) -> None:
        files = [root / "regions.yaml", *sorted((root / "content").rglob("*.md")),
                 *sorted((root / "content").rglob("*.yaml"))]
        sources = [path.read_text(encoding="utf-8") for path in files]
        self.corpus = "\n".join(_flat(_FILLED_IN.sub(" ", text)) for text in [*sources, *titles])
        values: set[str] = set(titles)
        for path, text in zip(files, sources, strict=True):
            if path.suffix == ".md":
                parts = text.split("---", 2)
                text = parts[1] if text.startswith("---") and len(parts) == 3 else ""
            values.update(_scalars(yaml.safe_load(text)))
        # names and phrases: taking '2', 'id' or 'information' out of a sentence would break its words
        ordered = sorted({_flat(v) for v in values if (len(v.strip()) >= 3 and not v.strip().isalpha())
                          or v.strip()[:1].isupper()}, key=len, reverse=True)
        self.values = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(v) for v in ordered) + r")(?!\w)")
        # the fixed words of each paragraph that fills in values ({{ }}, {% %}): what is left of a text
        # made from one, without them, is only what its expressions wrote (numbers, dates)
        self.templated = [sorted({p.strip() for p in re.split(r"\{\{.*?\}\}|\{%.*?%\}|[\[\]()]", _flat(block))
                                  if p.strip()}, key=len, reverse=True)  # a link's marks split the text too
                          for text in sources for block in re.split(r"\n\s*\n", text) if _FILLED_IN.search(block)]

    def explains(self, text: str, span: tuple[int, int]) -> bool:
        """Whether the words at `span` of `text` (made single-spaced) are the editor's: `text` is in
        their files; or those words are inside one of their values (a title, a name); or they are
        outside every value and what is left once the values are taken out is in their files (their
        sentence around a `{{ region.name }}`), or is a paragraph of theirs that fills in values. Words
        across the edge of a value ('Cookies on the' + 'Leeds') are not theirs."""
        if text in self.corpus:
            return True
        start, end = span
        for value in self.values.finditer(text):
            if value.start() <= start and end <= value.end():
                return True
            if value.start() < end and start < value.end():
                return False
        rest = _flat(self.values.sub(" ", text))
        return rest in self.corpus or any(self._filled_in(rest, fixed) for fixed in self.templated)

    @staticmethod
    def _filled_in(text: str, fixed: list[str]) -> bool:
        """Whether `text` is a paragraph of the editor's that fills in values: its fixed words, and
        between them only what an expression writes (a number, a date: `strftime("%B %Y")`)."""
        for piece in fixed:
            text = text.replace(piece, " ")
        return _WRITTEN_BY_EXPRESSION.fullmatch(text) is not None


def _scalars(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item)
    elif value is not None:
        yield str(value)


def leaks(out: Path, pages: list[Path], lang: str, editor: EditorText) -> list[str]:
    """'page: "text" has "piece" (word)' for each English piece of the theme left on `pages`."""
    pieces = english_pieces(lang)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in sorted(pieces, key=len, reverse=True))
                         + r")(?!\w)")
    found = []
    for path in pages:
        parser = _ShownText()
        parser.feed(path.read_text(encoding="utf-8"))
        for text in parser.texts:
            text = _flat(_PLACE.sub(" ", text))  # a script's word with its {places} still to fill: '{day} {month}'
            for match in pattern.finditer(text):
                if not editor.explains(text, match.span()):
                    found.append(f"{path.relative_to(out)}: {text[:100]!r} has {match.group(1)!r} "
                                 f"(the word '{pieces[match.group(1)]}')")
    return found


def _pages_in(out: Path, lang: str) -> list[Path]:
    return [path for path in sorted(out.rglob("*.html"))
            if re.search(rf'<html lang="{lang}(-[^"]*)?"', path.read_text(encoding="utf-8")[:3000])]


def _document_titles(root: Path) -> list[str]:
    """What the editor's choices bring to the pages besides their own words: the documents' own titles,
    and the names of the services a region uses (Google Analytics, Recite Me) and of their cookies."""
    site = load(root, BuildOptions()).site
    found = [d.title for d in site.documents.values() if d.title]
    for region in site.config.regions:
        for service in (region.analytics, region.toolbar):
            if service is not None:
                found += [service.name, service.facts.company]
        found += [text for cookie in region.cookies for text in (cookie.name, cookie.provider)]
    return found


@pytest.fixture(scope="module")
def sample_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """The sample as it is ('sample') and as a Bengali and an Urdu site: name -> (project, built site)."""
    builds = {}
    for name in ("sample", *LANGUAGES):
        project = tmp_path_factory.mktemp(f"words-{name}")
        shutil.copy(PROJECT / "regions.yaml", project / "regions.yaml")
        shutil.copytree(PROJECT / "content", project / "content")
        if name != "sample":
            config = project / "regions.yaml"
            text = config.read_text(encoding="utf-8")
            assert "\n  language: en-GB\n" in text
            config.write_text(text.replace("\n  language: en-GB\n", f"\n  language: {name}\n"), encoding="utf-8")
            for translation in (project / "content").rglob(f"*.{name}.md"):
                translation.unlink()  # a translation into the site's own language is refused
        out = project / "site"
        result = run(project, "build", "--out", str(out), "--quiet", "--no-search", "--today", TODAY)
        assert result.exit_code == 0, result.output
        builds[name] = (project, out)
    return builds


def test_every_english_word_of_the_theme_has_a_bengali_and_an_urdu_text() -> None:
    english = _words("en")
    for lang in LANGUAGES:
        own = _words(lang)
        assert sorted(set(english) - set(own)) == [], f"{lang}.yaml lacks these words of en.yaml"
        assert sorted(set(own) - set(english)) == [], f"{lang}.yaml has words en.yaml does not"
        for name, value in english.items():
            assert type(own[name]) is type(value), f"{lang}.yaml: '{name}' is not the same kind of value"
            if isinstance(value, list):
                assert len(own[name]) == len(value), f"{lang}.yaml: '{name}' has {len(own[name])} items"
            for text in _texts(own[name]):
                places = set(re.findall(r"\{\w+\}", " ".join(_texts(value))))
                assert set(re.findall(r"\{\w+\}", text)) <= places, f"{lang}.yaml: '{name}' has an unknown place"
            if isinstance(value, dict):
                assert "other" in own[name], f"{lang}.yaml: '{name}' has no 'other' form"


def test_the_sample_translations_show_no_english_word_of_the_theme(sample_builds) -> None:  # type: ignore[no-untyped-def]
    project, out = sample_builds["sample"]
    editor = EditorText(project, _document_titles(project))
    for lang in LANGUAGES:
        pages = _pages_in(out, lang)
        assert len(pages) == 1, pages  # the priorities page's translation
        assert leaks(out, pages, lang, editor) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_whole_site_in_another_language_shows_no_english_word_of_the_theme(sample_builds, lang: str) -> None:  # type: ignore[no-untyped-def]
    project, out = sample_builds[lang]
    pages = _pages_in(out, lang)
    assert len(pages) > 100  # every page of every region, the hub, the search and 404 pages
    found = leaks(out, pages, lang, EditorText(project, _document_titles(project)))
    assert found == [], f"{len(found)} English words of the theme:\n" + "\n".join(found[:60])


def test_the_check_finds_english_left_in_a_page(sample_builds) -> None:  # type: ignore[no-untyped-def]
    """The check above can fail: a page of the Bengali site with an English word of the theme put
    back (the skip link, the cookie banner's heading) is caught, and the editor's own English is not."""
    project, out = sample_builds["bn"]
    editor = EditorText(project, _document_titles(project))
    banner = '<h2 class="ics-cookie-banner__heading">'
    page = next(p for p in _pages_in(out, "bn") if banner in p.read_text(encoding="utf-8"))
    text = page.read_text(encoding="utf-8")
    assert leaks(out, [page], "bn", editor) == []
    skip = _words("bn")["skip_link"]
    broken = out / "broken.html"
    broken.write_text(text.replace(f">{skip}<", ">Skip to main content<")
                      .replace(banner, banner + "Cookies on the "), encoding="utf-8")
    try:
        found = leaks(out, [broken], "bn", editor)
    finally:
        broken.unlink()
    assert len(found) == 2 and "'skip_link'" in found[0] and "'cookie_banner'" in found[1], found


@pytest.fixture(scope="module")
def urdu_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The sample as an Urdu site, built with its search indexes and served under /ics/."""
    project = tmp_path_factory.mktemp("words-urdu-search")
    shutil.copy(PROJECT / "regions.yaml", project / "regions.yaml")
    shutil.copytree(PROJECT / "content", project / "content")
    for translation in (project / "content").rglob("*.ur.md"):
        translation.unlink()
    config = project / "regions.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("\n  language: en-GB\n", "\n  language: ur\n"),
                      encoding="utf-8")
    out = project / "site"
    result = run(project, "build", "--out", str(out), "--quiet", "--today", TODAY)
    assert result.exit_code == 0, result.output
    with serve_static(out, prefix="/ics/") as base:
        yield out, base


def _status_once_searched(page) -> str:  # type: ignore[no-untyped-def]
    searching = _words("ur")["search_searching"]
    page.wait_for_function("(searching) => { const s = document.querySelector('[data-search-status]').textContent;"
                           " return s && s !== searching; }", arg=searching)
    return page.locator("[data-search-status]").inner_text()


@pytest.mark.browser
def test_the_search_pages_script_speaks_urdu_with_urdus_plural_forms(page, urdu_site) -> None:  # type: ignore[no-untyped-def]
    """The script's words are the page's: one result takes Urdu's 'one' form, more its 'other' form
    (chosen by the browser's Intl.PluralRules), a result's date has Urdu month names; the page of
    results, of none and the search form itself have no axe violations."""
    _, base = urdu_site
    words = _words("ur")
    page.goto(base + "search/?q=Scunthorpe")  # one page of the hub's index has the word
    assert _status_once_searched(page) == "‘Scunthorpe’ کے لیے 1 نتیجہ"
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.goto(base + "leeds/search/?q=partners")
    said = _status_once_searched(page)
    assert re.fullmatch(r"‘partners’ کے لیے \d+ نتائج", said), said
    violations = run_axe(page, None)
    assert not violations, format_violations(violations)
    page.goto(base + "leeds/search/?q=careers&kind=news")  # a news article: its date is shown
    _status_once_searched(page)
    metas = page.locator(".app-search-result__meta").all_inner_texts()
    assert metas and all(meta.startswith(words["search_label_news"]) for meta in metas), metas
    assert any(month in " ".join(metas) for month in words["months"]), metas
    page.goto(base + "leeds/search/?q=zzyzx")
    assert _status_once_searched(page) == "‘zzyzx’ کے لیے کوئی نتیجہ نہیں ملا"
    assert page.locator("[data-search-results] p").inner_text() == words["search_none_help"]
    violations = run_axe(page, None)
    assert not violations, format_violations(violations)


TRANSLATED_PAGES = ("search/index.html", "404.html", "north-east-north-cumbria/cookies/index.html",
                    "north-east-north-cumbria/about/board-meetings/index.html", "leeds/have-your-say/index.html",
                    "leeds/events/index.html", "leeds/publications/index.html", "leeds/publications/2026/index.html",
                    "leeds/publication-scheme/index.html", "leeds/a-z/index.html", "leeds/search/index.html",
                    "leeds/partners/index.html", "leeds/news/index.html")


def test_a_whole_site_in_urdu_has_no_nu_errors(urdu_site) -> None:  # type: ignore[no-untyped-def]
    out, _ = urdu_site
    messages = run_vnu([out / rel for rel in TRANSLATED_PAGES])
    assert messages == [], format_vnu(messages)


@pytest.mark.browser
def test_a_whole_site_in_urdu_has_no_axe_violations(page, urdu_site) -> None:  # type: ignore[no-untyped-def]
    _, base = urdu_site
    failures = []
    for rel in TRANSLATED_PAGES:
        violations = run_axe(page, base + rel)
        if violations:
            failures.append(f"{rel}:\n{format_violations(violations)}")
    assert failures == [], "\n".join(failures)
