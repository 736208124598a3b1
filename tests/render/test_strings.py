"""The theme's words: plural forms chosen the language's way, places filled in, and every word icsgen's
own code writes (the converter's, the cookies page's) being one of the theme's, in the page's language."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from icsgen.config import services
from icsgen.content.documents import Document
from icsgen.markdown import WORDS
from icsgen.render.context import _COOKIE_WORDS, _RUNNER_WORDS
from icsgen.render.strings import BUILTIN_STRINGS, document_note, fill, long_date, plural_form
from tests.support.sitemaker import basic_site, run

ENGLISH = yaml.safe_load((BUILTIN_STRINGS / "en.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("lang", "counts"), [
    ("en", {0: "other", 1: "one", 2: "other", 21: "other"}),
    ("en-GB", {1: "one", 5: "other"}),
    ("bn", {0: "one", 1: "one", 2: "other"}),  # CLDR: i = 0 or n = 1
    ("ur", {0: "other", 1: "one", 2: "other"}),
    ("pl", {1: "one", 2: "few", 4: "few", 5: "many", 12: "many", 22: "few", 25: "many"}),
    ("lt", {1: "one", 11: "other", 21: "one", 2: "few", 12: "other", 10: "other"}),
    ("ro", {1: "one", 0: "few", 19: "few", 20: "other", 101: "few"}),
    ("ar", {0: "zero", 1: "one", 2: "two", 3: "few", 11: "many", 100: "other"}),
    ("so", {1: "one", 3: "other"}),  # not in the table: English's rule
])
def test_a_count_takes_the_plural_form_its_language_gives_it(lang: str, counts: dict[int, str]) -> None:
    assert {n: plural_form(lang, n) for n in counts} == counts


def test_a_word_is_filled_in_and_its_plural_form_chosen() -> None:
    pages = {"one": "{count} page", "other": "{count} pages"}
    assert fill(pages, "en", 1) == "1 page"
    assert fill(pages, "en", 34) == "34 pages"
    assert fill({"few": "{count} strony", "many": "{count} stron", "other": "{count} strony"}, "pl", 5) == "5 stron"
    assert fill({"other": "{count} পৃষ্ঠা"}, "bn", 1) == "1 পৃষ্ঠা"  # a form the language leaves out: 'other'
    assert fill(pages, "en") is pages  # no count: the forms, for the search page's script to choose from
    assert fill("Part of {name}", "en", values={"name": "<NHS>"}) == "Part of <NHS>"  # escaped when shown


def test_a_word_holding_a_link_escapes_its_own_text_and_keeps_the_link() -> None:
    link = Markup('<a href="/">go home</a>')
    made = fill("You & I can {link}.", "en", values={"link": link})
    assert isinstance(made, Markup)
    assert made == 'You &amp; I can <a href="/">go home</a>.'


def test_dates_and_document_notes_are_in_the_pages_language() -> None:
    def bengali(word: str, /, count: int | None = None, **values: object) -> object:
        words = yaml.safe_load((BUILTIN_STRINGS / "bn.yaml").read_text(encoding="utf-8"))
        return fill(words[word], "bn", count, values)

    assert long_date(dt.date(2026, 1, 14), bengali) == "14 জানুয়ারি 2026"
    assert long_date(dt.date(2026, 1, 14), bengali, weekday=True) == "বুধবার, 14 জানুয়ারি 2026"
    assert document_note(Document("PDF", 1_300_000, 34), bengali) == "PDF, 1.2 MB, 34 পৃষ্ঠা"
    assert document_note(Document("OpenDocument text", 812), bengali) == "OpenDocument লেখা, 812 বাইট"


def test_the_words_icsgens_code_writes_are_the_themes_words() -> None:
    """The converter's English words are the theme's English ones, and every cookie icsgen knows of
    has its purpose among the theme's words (else the cookies page would say it in English)."""
    for name, value in WORDS.items():
        assert ENGLISH[name] == value, name
    providers = [services.Analytics(p, "G-ABC123", "", 1) for p in services.ANALYTICS] + \
        [services.Toolbar(p, "key", 1) for p in services.TOOLBARS]
    cookies = [c for s in providers for c in s.cookies] + list(services.analytics_cookies(None, providers[-1], ""))
    assert {c.purpose for c in cookies} <= set(_COOKIE_WORDS)
    for purpose, word in _COOKIE_WORDS.items():
        assert ENGLISH[word] == purpose
    for facts in [*services.ANALYTICS.values(), *services.TOOLBARS.values()]:  # words, not a name: translated
        assert facts.company[:1].isupper() or ENGLISH[_RUNNER_WORDS[facts.company]] == facts.company


def test_who_runs_a_service_is_said_in_the_pages_language(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/partners.bn.md": "---\ntitle: অংশীদার\n---\n{{ region.analytics.name }}: "
                                              "{{ region.analytics.facts.company }}.\n",
        "content/alpha/about/partners.md": "---\ntitle: Partners\n---\n## NHS trusts\n\n"
                                           "{{ region.analytics.facts.company }}.\n",
    })
    config = root / "regions.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    owner: NHS Alpha ICB\n",
        "    owner: NHS Alpha ICB\n    analytics: {provider: matomo, id: '7', address: 'https://stats.example.org/'}\n",
        1), encoding="utf-8")
    result = run(root, "build", "--out", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "alpha" / "about" / "partners" / "bn" / "index.html").read_text(encoding="utf-8")
    assert "Matomo: যে প্রতিষ্ঠান Matomo সার্ভারটি চালায়." in html
    english = (tmp_path / "out" / "alpha" / "about" / "partners" / "index.html").read_text(encoding="utf-8")
    assert "the organisation that runs the Matomo server" in english


def test_a_projects_own_theme_without_words_shows_icsgens_in_english(tmp_path: Path) -> None:
    """A theme of the project's own made before these words existed (templates and static files, no
    strings/) still builds: its templates' words and those icsgen's code writes come from the built-in
    theme's, in English."""
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/index.md": "---\ntitle: About us\n---\n!!! details\n    Hidden text.\n",
    })
    for part in ("templates", "static"):
        shutil.copytree(root / "themes" / "nhs" / part, root / "themes" / "plain" / part)
    (root / "themes" / "plain" / "theme.yaml").write_text("name: plain\n", encoding="utf-8")
    config = root / "regions.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("site:\n", "site:\n  theme: plain\n"),
                      encoding="utf-8")
    result = run(root, "build", "--out", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "alpha" / "about" / "index.html").read_text(encoding="utf-8")
    assert "Skip to main content</a>" in html and "More information</span>" in html


def test_check_names_a_translated_word_that_would_show_wrongly(tmp_path: Path) -> None:
    """A translator's slip is named at its file and line: a place English has not, a counting word
    without its 'other' form, a list of the wrong length; a right one passes."""
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/partners.pl.md": "---\ntitle: Partnerzy\n---\nTekst.\n",
        "content/alpha/_theme/strings/pl.yaml": (
            "skip_link: Przejdź do treści\n"
            "part_of: \"Część {nazwa}\"\n"
            "document_pages: {one: \"{count} strona\", few: \"{count} strony\"}\n"
            "months: [styczeń, luty]\n"
            "search_results: {one: \"{count} wynik\", few: \"{count} wyniki\", many: \"{count} wyników\", "
            "other: \"{count} wyniku\"}\n"),
    })
    result = run(root, "check")
    strings = "content/alpha/_theme/strings/pl.yaml"
    assert f"{strings}:2: warning: 'part_of' has {{nazwa}}, which the English text has not" in result.output
    assert f"{strings}:3: warning: 'document_pages' has no 'other' form" in result.output
    assert f"{strings}:4: warning: 'months' is a list of 12 texts in English" in result.output
    assert "'search_results'" not in result.output and "'skip_link'" not in result.output.split("(shown in")[0]
