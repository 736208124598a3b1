"""Translations and Easy Read versions of a page: which file is which, their languages and addresses.

A translation sits beside its page, named with a language tag before `.md`: `priorities.bn.md` is the
Bengali version of `priorities.md`, `index.ur.md` the Urdu version of a folder's `index.md`. An Easy
Read version is named the same way with `easyread`: `priorities.easyread.md`. Each is published one
folder below its page (`/leeds/priorities/bn/`, `/leeds/priorities/easy-read/`), so its address says
which page it is a version of, and a version never needs a home page, folder or menu of its own.

Languages are named in their own script in the language switcher (`বাংলা`, `اردو`), so icsgen knows
a table of the languages an NHS site in England is likely to publish in; a file named with a tag not
in it is reported (rather than guessed at), as is a `lang:` in front matter that disagrees with the
file name.
"""

from __future__ import annotations

import re
from typing import NamedTuple

EASY_READ = "easyread"  # the file name marker of an Easy Read version
EASY_READ_PATH = "easy-read"  # the last folder of its address

# Each language by its primary tag: its name in its own script, then in English (for messages and
# the guide). The languages most spoken in England after English (Census 2021), the UK's own, and
# those NHS translation services are most asked for.
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "English"),
    "cy": ("Cymraeg", "Welsh"),
    "gd": ("Gàidhlig", "Scottish Gaelic"),
    "ga": ("Gaeilge", "Irish"),
    "kw": ("Kernewek", "Cornish"),
    "bn": ("বাংলা", "Bengali"),
    "ur": ("اردو", "Urdu"),
    "pa": ("ਪੰਜਾਬੀ", "Punjabi"),
    "gu": ("ગુજરાતી", "Gujarati"),
    "hi": ("हिन्दी", "Hindi"),
    "ta": ("தமிழ்", "Tamil"),
    "ne": ("नेपाली", "Nepali"),
    "si": ("සිංහල", "Sinhala"),
    "ar": ("العربية", "Arabic"),
    "fa": ("فارسی", "Farsi"),
    "ps": ("پښتو", "Pashto"),
    "ku": ("Kurdî", "Kurdish (Kurmanji)"),
    "ckb": ("کوردی", "Kurdish (Sorani)"),
    "he": ("עברית", "Hebrew"),
    "yi": ("ייִדיש", "Yiddish"),
    "sd": ("سنڌي", "Sindhi"),
    "ug": ("ئۇيغۇرچە", "Uyghur"),
    "so": ("Soomaali", "Somali"),
    "ti": ("ትግርኛ", "Tigrinya"),
    "am": ("አማርኛ", "Amharic"),
    "sw": ("Kiswahili", "Swahili"),
    "yo": ("Yorùbá", "Yoruba"),
    "ig": ("Igbo", "Igbo"),
    "tw": ("Twi", "Twi"),
    "pl": ("Polski", "Polish"),
    "lt": ("Lietuvių", "Lithuanian"),
    "lv": ("Latviešu", "Latvian"),
    "ro": ("Română", "Romanian"),
    "bg": ("Български", "Bulgarian"),
    "ru": ("Русский", "Russian"),
    "uk": ("Українська", "Ukrainian"),
    "cs": ("Čeština", "Czech"),
    "sk": ("Slovenčina", "Slovak"),
    "hu": ("Magyar", "Hungarian"),
    "sq": ("Shqip", "Albanian"),
    "el": ("Ελληνικά", "Greek"),
    "tr": ("Türkçe", "Turkish"),
    "pt": ("Português", "Portuguese"),
    "es": ("Español", "Spanish"),
    "fr": ("Français", "French"),
    "it": ("Italiano", "Italian"),
    "de": ("Deutsch", "German"),
    "zh": ("中文", "Chinese"),
    "yue": ("粵語", "Cantonese"),
    "vi": ("Tiếng Việt", "Vietnamese"),
    "tl": ("Tagalog", "Tagalog"),
    "th": ("ไทย", "Thai"),
    "ja": ("日本語", "Japanese"),
    "ko": ("한국어", "Korean"),
    "prs": ("دری", "Dari"),
}
# written right to left: `dir="rtl"` on the page
RTL = frozenset({"ar", "fa", "ps", "ur", "he", "yi", "ckb", "sd", "ug", "prs", "dv", "syr"})
# a script subtag that overrides the language's usual direction (Azerbaijani in Arabic script...)
_RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})
_LTR_SCRIPTS = frozenset({"latn", "cyrl", "deva", "beng"})

# what may come after the last dot of a page file's stem and be read as a language: a primary tag of
# two or three letters, then subtags (script, region), as in `bn`, `zh-Hant`, `pt-BR`
_SUFFIX_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


class Version(NamedTuple):
    """What a page file's name says it is: the stem of its page, and a language or Easy Read marker."""

    stem: str  # the stem of the page it is a version of ("priorities"), or its own stem
    lang: str  # the language tag from the name ("bn"), '' if none
    variant: str  # EASY_READ, or ''


def version_of(stem: str) -> Version:
    """Split a page file's stem into the stem of its page and what version it is.

    `priorities.bn` is the Bengali version of `priorities`; `priorities.easyread` its Easy Read
    version; `annual-report-2024` (no dot) or `v1.2` (not a language tag) is a page of its own.
    """
    base, dot, suffix = stem.rpartition(".")
    if not dot or not base:
        return Version(stem, "", "")
    if suffix.lower() == EASY_READ:
        return Version(base, "", EASY_READ)
    if _SUFFIX_TAG.fullmatch(suffix):
        return Version(base, suffix, "")
    return Version(stem, "", "")


def primary(tag: str) -> str:
    return tag.split("-", 1)[0].lower()


def known(tag: str) -> bool:
    return primary(tag) in LANGUAGES


def unknown_language_hint(tag: str) -> str:
    """What to do about a page named with a tag icsgen does not know."""
    return (f"name a translation with a language code icsgen knows, such as bn (Bengali), ur (Urdu) or "
            f"pl (Polish): see 'Translations' in the guide; a page whose own name has a dot, such as "
            f"'{tag}', needs another name")


def direction(tag: str) -> str:
    """'rtl' for a language written right to left (Urdu, Arabic...), else 'ltr'."""
    parts = tag.lower().split("-")
    for part in parts[1:]:
        if part in _RTL_SCRIPTS:
            return "rtl"
        if part in _LTR_SCRIPTS:
            return "ltr"
    return "rtl" if parts[0] in RTL else "ltr"


def endonym(tag: str) -> str:
    """The language's name in its own script, for the language switcher ('বাংলা' for bn)."""
    known_name = LANGUAGES.get(primary(tag))
    return known_name[0] if known_name else tag


def english_name(tag: str) -> str:
    known_name = LANGUAGES.get(primary(tag))
    return known_name[1] if known_name else tag


def is_english(tag: str) -> bool:
    return primary(tag) == "en"


def version_path(lang: str, variant: str) -> str:
    """The last folder of a version's address: `bn/` for Bengali, `easy-read/` for Easy Read."""
    return f"{EASY_READ_PATH}/" if variant == EASY_READ else f"{lang.lower()}/"
