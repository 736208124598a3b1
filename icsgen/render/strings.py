"""The theme's own words (skip link, contents, back to top, month names...) in the page's language.

A theme keeps them in `strings/<language>.yaml` beside its `templates/` folder, one `name: text` a
line (`en.yaml`, `bn.yaml`, `ur.yaml`); `months:` is a list of the twelve month names. A template
asks for one with `{{ t('back_to_top') }}`. A region's `_theme/strings/` and a theme that extends
another can replace any of them. A word missing in a language is shown in English, and `icsgen check`
names each one missing for a language the site's pages use (`missing_strings`).

Lookup goes from the most specific tag to the least (`pt-BR`, then `pt`), each through the theme
chain, then English.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from icsgen.config import YamlError, decode, load_yaml
from icsgen.problems import Problems

from .themes import ThemeChain

FALLBACK = "en"
STRINGS_DIR = "strings"


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
        self.dirs = strings_dirs(chain)
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
    names = strings.names()
    for lang in sorted(set(languages)):
        if lang.lower().split("-")[0] == FALLBACK:
            continue
        lacking = [name for name in names if not strings.has(name, lang)]
        if not lacking:
            continue
        english = strings.dirs[-1] / f"{FALLBACK}.yaml" if strings.dirs else Path(STRINGS_DIR)
        file = f"{lang.lower().split('-')[0]}.yaml"
        problems.add(english, 0, f"the theme has no '{lang}' words for: {', '.join(lacking)} (shown in English)",
                     f"translate them from this file into strings/{file} in your theme, or in content/<region>/"
                     f"_theme/strings/{file}", WARNING)
