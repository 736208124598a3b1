"""The theme's own words (skip link, contents, back to top, month names...) in the page's language.

A theme keeps them in `strings/<language>.yaml` beside its `templates/` folder, one `name: text` a
line (`en.yaml`, `bn.yaml`, `ur.yaml`); `months:` is a list of the twelve month names. A template
asks for one with `{{ t('back_to_top') }}`. A region's `_theme/strings/` and a theme that extends
another can replace any of them. A word missing in a language is shown in English, and `icsgen check`
names each one missing for a language the site's pages use (`missing_strings`).

Lookup goes from the most specific tag to the least (`pt-BR`, then `pt`), each through the theme
chain, then English.

A text can hold `{name}` places, filled in by `{{ t('part_of', name=region.name) }}`. A text that
counts something is a mapping of the language's plural forms (CLDR's categories: `one`, `two`, `few`,
`many`, `other`), chosen by `count`: `{{ t('document_pages', count=34) }}` is "34 pages" in English.
A language needs only the forms it has; `other` is the one used when a form is missing. The search
page's script gets the same mappings and chooses with the browser's `Intl.PluralRules`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from icsgen.config import YamlError, decode, load_yaml
from icsgen.files import BUILTIN_THEMES
from icsgen.problems import Problems

from .themes import ThemeChain

FALLBACK = "en"
STRINGS_DIR = "strings"
BUILTIN_STRINGS = Path(BUILTIN_THEMES) / "nhs" / STRINGS_DIR


def strings_dirs(chain: ThemeChain) -> tuple[Path, ...]:
    """The `strings/` folders of a theme chain, first match wins: a region's `_theme/strings/`, then
    its theme's, then the theme that one extends."""
    return chain.strings_dirs


@functools.lru_cache(maxsize=256)
def _read(path: Path, stamp: tuple[int, int]) -> tuple[dict[str, Any], str]:
    """A strings file's names and values, and the problem with it ('' if none); cached by file identity."""
    try:
        loaded = load_yaml(decode(path.read_bytes()))
    except YamlError as exc:
        return {}, f"{exc.line}:{exc.message}"
    except OSError as exc:
        return {}, f"0:cannot read: {exc.strerror}"
    if loaded is None:
        return {}, ""
    if not isinstance(loaded, dict):
        return {}, "1:a strings file is a list of 'name: text' lines"
    return {str(k): v for k, v in loaded.items()}, ""


def _file(folder: Path, tag: str) -> dict[str, Any]:
    path = folder / f"{tag}.yaml"
    try:
        info = path.stat()
    except OSError:
        return {}
    return _read(path, (info.st_mtime_ns, info.st_size))[0]


def _tags(lang: str) -> list[str]:
    """`pt-BR` -> ['pt-br', 'pt']: the most specific first, file names in lower case."""
    parts = lang.lower().split("-")
    return ["-".join(parts[:i]) for i in range(len(parts), 0, -1)]


class Strings:
    """The words of one theme chain, looked up by name and language."""

    def __init__(self, chain: ThemeChain) -> None:
        own = strings_dirs(chain)
        # the built-in theme's words last: a theme of the project's own that has none of its words (or
        # was made before one was added) still gets every word icsgen's own code shows, in English at least
        self.dirs = own if BUILTIN_STRINGS in own else (*own, BUILTIN_STRINGS)
        self._table: dict[tuple[str, str], Any] = {}

    def get(self, name: str, lang: str) -> Any:
        """The text called `name` in `lang`, else in English; KeyError if the theme has none."""
        found = self._table.get((name, lang))
        if found is None:
            found = self._look_up(name, lang)
            self._table[name, lang] = found
        return found

    def _look_up(self, name: str, lang: str) -> Any:
        for tag in (*_tags(lang), FALLBACK):
            for folder in self.dirs:
                value = _file(folder, tag).get(name)
                if value is not None:
                    return value
        raise KeyError(name)

    def has(self, name: str, lang: str) -> bool:
        """Whether `lang` (or a less specific tag of it) has its own `name`, not falling back to English."""
        return any(_file(folder, tag).get(name) is not None for tag in _tags(lang) for folder in self.dirs)

    def names(self) -> list[str]:
        """Every name the English files define: what each language is checked against."""
        found: dict[str, None] = {}
        for folder in reversed(self.dirs):
            found.update(dict.fromkeys(_file(folder, FALLBACK)))
        return list(found)


def missing_strings(chain: ThemeChain, languages: Iterable[str], problems: Problems) -> None:
    """Warn, for each language the site's pages use, about each theme word it lacks (shown in English)
    and about a strings file that cannot be read."""
    from icsgen.problems import WARNING

    strings = Strings(chain)
    for folder in strings.dirs:
        for path in sorted(folder.glob("*.yaml")):
            info = path.stat()
            problem = _read(path, (info.st_mtime_ns, info.st_size))[1]
            if problem:
                line, _, message = problem.partition(":")
                problems.add(path, int(line), message, "theme words are 'name: text' lines", WARNING)
    for folder in strings.dirs:
        for path in sorted(folder.glob("*.yaml")):
            if path.stem != FALLBACK:
                _check_words(path, strings, problems)
    names = strings.names()
    for lang in sorted(set(languages)):
        if lang.lower().split("-")[0] == FALLBACK:
            continue
        lacking = [name for name in names if not strings.has(name, lang)]
        if not lacking:
            continue
        own = [d for d in strings.dirs if d != BUILTIN_STRINGS and (d / f"{FALLBACK}.yaml").is_file()]
        english = (own[-1] if own else BUILTIN_STRINGS) / f"{FALLBACK}.yaml"
        file = f"{lang.lower().split('-')[0]}.yaml"
        problems.add(english, 0, f"the theme has no '{lang}' words for: {', '.join(lacking)} (shown in English)",
                     f"translate them from this file into strings/{file} in your theme, or in content/<region>/"
                     f"_theme/strings/{file}", WARNING)


PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")  # CLDR's plural categories
_PLACE = re.compile(r"\{(\w+)\}")


def _check_words(path: Path, strings: Strings, problems: Problems) -> None:
    """Warn about a translation's word that would show wrongly: a {place} its English text has not
    (shown as written), a counting word without its 'other' form or with a form no language has,
    a list of months or weekdays of the wrong length."""
    from icsgen.problems import WARNING

    info = path.stat()
    words = _read(path, (info.st_mtime_ns, info.st_size))[0]
    lines = None
    for name, value in words.items():
        try:
            english = strings.get(name, FALLBACK)
        except KeyError:
            continue  # a word of this theme's own, with no English to compare with
        found = ""
        if isinstance(english, list) and (not isinstance(value, list) or len(value) != len(english)):
            found = f"'{name}' is a list of {len(english)} texts in English"
        elif isinstance(value, dict):
            if "other" not in value:
                found = f"'{name}' has no 'other' form, used for any number no other form is for"
            elif any(form not in PLURAL_FORMS for form in value):
                found = f"'{name}' has a form that is not one of {', '.join(PLURAL_FORMS)}"
        if not found:
            places = set(_PLACE.findall(" ".join(map(str, _texts(english)))))
            unknown = sorted(set(_PLACE.findall(" ".join(map(str, _texts(value))))) - places)
            if unknown:
                found = f"'{name}' has {{{unknown[0]}}}, which the English text has not: it would be shown as written"
        if found:
            if lines is None:
                lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
            line = next((n for n, text in enumerate(lines, 1) if text.startswith(f"{name}:")), 0)
            problems.add(path, line, found, f"compare it with the theme's strings/{FALLBACK}.yaml", WARNING)


def _texts(value: Any) -> list[Any]:
    """The texts of a word: itself, or a list's or a mapping's items."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [value]


# CLDR's plural rules for whole numbers, for the languages most read in England (and a few their
# speakers use): which form of a counted word a number takes. A language not here takes English's.
def _slavic_few(n: int) -> bool:
    return 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14


_PLURAL_RULES: dict[str, Callable[[int], str]] = {
    "en": lambda n: "one" if n == 1 else "other",
    "bn": lambda n: "one" if n in (0, 1) else "other",  # CLDR: i = 0 or n = 1
    "fa": lambda n: "one" if n in (0, 1) else "other",
    "gu": lambda n: "one" if n in (0, 1) else "other",
    "hi": lambda n: "one" if n in (0, 1) else "other",
    "pa": lambda n: "one" if n in (0, 1) else "other",
    "fr": lambda n: "one" if n in (0, 1) else "many" if n != 0 and n % 1_000_000 == 0 else "other",
    "pl": lambda n: "one" if n == 1 else "few" if _slavic_few(n) else "many",
    "uk": lambda n: "one" if n % 10 == 1 and n % 100 != 11 else "few" if _slavic_few(n) else "many",
    "ru": lambda n: "one" if n % 10 == 1 and n % 100 != 11 else "few" if _slavic_few(n) else "many",
    "lt": lambda n: "one" if n % 10 == 1 and not 11 <= n % 100 <= 19 else
          "few" if 2 <= n % 10 <= 9 and not 11 <= n % 100 <= 19 else "other",
    "ro": lambda n: "one" if n == 1 else "few" if n == 0 or 1 <= n % 100 <= 19 else "other",
    "ar": lambda n: ("zero" if n == 0 else "one" if n == 1 else "two" if n == 2 else
                     "few" if 3 <= n % 100 <= 10 else "many" if 11 <= n % 100 <= 99 else "other"),
    "zh": lambda n: "other",
    "vi": lambda n: "other",
}


def plural_form(lang: str, count: int) -> str:
    """The CLDR plural form (`one`, `few`, `other`...) a whole number takes in `lang`."""
    rule = _PLURAL_RULES.get(lang.lower().split("-")[0], _PLURAL_RULES[FALLBACK])
    return rule(abs(int(count)))


def fill(value: Any, lang: str, count: int | None = None, values: dict[str, Any] | None = None) -> Any:
    """A theme word made ready to show: the plural form `count` takes (when the word has forms), with
    its `{name}` places filled in from `values` (and `{count}` from `count`).

    A word with forms asked for without a count comes back as its mapping, for a script to choose
    from (the search page). When a value is markup (a link), the word's own text is escaped and the
    result is markup, so a translated sentence can hold a link where its language puts it.
    """
    if isinstance(value, dict):
        if count is None:
            return value
        value = value.get(plural_form(lang, count), value.get("other", ""))
    if not isinstance(value, str):
        return value
    given = dict(values or {})
    if count is not None:
        given.setdefault("count", count)
    if not given:
        return value
    markup = any(isinstance(v, Markup) for v in given.values())
    text = str(escape(value)) if markup else value
    for name, filler in given.items():
        place = "{" + name + "}"
        if place in text:
            text = text.replace(place, str(escape(filler)) if markup else str(filler))
    return Markup(text) if markup else text


ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")


def long_date(value: dt.date, words: Callable[..., Any], weekday: bool = False) -> str:
    """A date as the theme's words write it in the page's language: '7 December 2026' (`date`), or
    'Monday 7 December 2026' (`date_with_weekday`), month and day named from `months` and `weekdays`."""
    months = words("months")
    month = months[value.month - 1] if isinstance(months, list | tuple) and len(months) == 12 else \
        ENGLISH_MONTHS[value.month - 1]
    if not weekday:
        return str(words("date", day=value.day, month=month, year=value.year))
    days = words("weekdays")
    named = days[value.weekday()] if isinstance(days, list | tuple) and len(days) == 7 else f"{value:%A}"
    return str(words("date_with_weekday", weekday=named, day=value.day, month=month, year=value.year))


# a document type's name that is words, not a product's name, by its theme word (content/documents.py)
_DOCUMENT_TYPE_WORDS = {"OpenDocument text": "document_odt", "OpenDocument spreadsheet": "document_ods",
                        "OpenDocument presentation": "document_odp"}


def document_note(document: Any, words: Callable[..., Any]) -> str:
    """What a link to a document says after it, in the page's language: 'PDF, 1.2 MB, 34 pages'
    (`document_pages` counts the pages, `size_kb`... give the size the GOV.UK way, 1 KB being 1,024 bytes)."""
    kind = document.kind
    parts = [str(words(_DOCUMENT_TYPE_WORDS[kind])) if kind in _DOCUMENT_TYPE_WORDS else kind,
             file_size(document.size, words)]
    if document.pages:
        parts.append(str(words("document_pages", count=document.pages)))
    return str(words("list_separator")).join(parts)


def file_size(size: int, words: Callable[..., Any]) -> str:
    """'812 bytes', '45 KB', '1.2 MB' in the page's language (content/documents.py's format_size, in words)."""
    if size < 1024:
        return str(words("size_bytes", count=size))
    if size < 1024 * 1024:
        return str(words("size_kb", size=max(1, round(size / 1024))))
    if size < 1024 ** 3:
        return str(words("size_mb", size=f"{size / 1024 / 1024:.1f}".removesuffix(".0")))
    return str(words("size_gb", size=f"{size / 1024 ** 3:.1f}".removesuffix(".0")))


def english(word: str, /, count: int | None = None, **values: Any) -> Any:
    """The built-in theme's English `word`, made ready as `t()` makes it: what icsgen's own code says
    where no theme's words are at hand (a redirect page made without them)."""
    path = BUILTIN_STRINGS / f"{FALLBACK}.yaml"
    info = path.stat()
    return fill(_read(path, (info.st_mtime_ns, info.st_size))[0][word], FALLBACK, count, values)
