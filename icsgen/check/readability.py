"""Sentences, words, syllables and the Flesch-Kincaid grade of plain English text.

Flesch-Kincaid grade = 0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59: roughly the
US school grade (years of schooling, minus 5 or so) a reader needs. The NHS aims for about 9.
Syllables are counted by a rule of thumb (vowel groups, less a silent 'e' or '-ed'), which is within
one syllable for nearly all everyday English words: good enough for a grade, not for a dictionary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

WORD = re.compile(r"[A-Za-z0-9]+(?:['’.,\-][A-Za-z0-9]+)*")
# a full stop, question or exclamation mark (and closing quotes or brackets), then space and a new sentence
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
NOT_AN_END = frozenset({"e.g.", "i.e.", "eg.", "ie.", "dr.", "mr.", "mrs.", "ms.", "st.", "no.", "vs.", "approx."})
VOWELS = re.compile(r"[aeiouy]+")


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for each sentence of `text`; a block's end always ends a sentence."""
    start = 0
    for match in SENTENCE_END.finditer(text):
        before = text[start : match.start() + 1].split()
        if before and before[-1].lower() in NOT_AN_END:
            continue
        yield start, text[start : match.start() + 1]
        start = match.end()
    if text[start:].strip():
        yield start, text[start:]


def words(text: str) -> list[str]:
    return WORD.findall(text)


def syllables(word: str) -> int:
    """Syllables in one English word, by rule of thumb; a number counts as one."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 1
    if len(w) <= 3:
        return 1
    if w.endswith("ed") and w[-3] not in "td":
        w = w[:-2]  # walked, planned (but wanted, funded)
    elif w.endswith("es") and w[-3] not in "cgsxz" and not w.endswith(("ches", "shes")):
        w = w[:-2]  # homes, lives (but services, changes, boxes)
    elif w.endswith("e") and not w.endswith(("le", "ee", "ie")):
        w = w[:-1]  # care, whole (but people, free)
    w = w.removeprefix("y")  # year, young: a consonant
    return max(1, len(VOWELS.findall(w)))


def grade(texts: Iterable[str]) -> tuple[float, int]:
    """The Flesch-Kincaid grade of some blocks of text, and how many words it is based on."""
    sentence_count = word_count = syllable_count = 0
    for text in texts:
        for _, sentence in sentences(text):
            found = words(sentence)
            if not found:
                continue
            sentence_count += 1
            word_count += len(found)
            syllable_count += sum(syllables(w) for w in found)
    if not word_count:
        return 0.0, 0
    value = 0.39 * word_count / sentence_count + 11.8 * syllable_count / word_count - 15.59
    return round(value, 1), word_count
