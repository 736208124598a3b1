"""Sentences, words, syllables and the Flesch-Kincaid grade of plain English text.

Flesch-Kincaid grade = 0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59: roughly the
US school grade (years of schooling, minus 5 or so) a reader needs. The NHS aims for about 9.
Syllables are counted by a rule of thumb (vowel groups, less a silent 'e' or '-ed'), which is within
one syllable for nearly all everyday English words: good enough for a grade, not for a dictionary.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

WORD = re.compile(r"[A-Za-z0-9]+(?:['’.,\-][A-Za-z0-9]+)*")
# a full stop, question or exclamation mark (and closing quotes or brackets), then space and a new sentence
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
NOT_AN_END = frozenset({"e.g.", "i.e.", "eg.", "ie.", "dr.", "mr.", "mrs.", "ms.", "st.", "no.", "vs.", "approx."})
VOWELS = re.compile(r"[aeiouy]+")
NOT_LETTERS = re.compile(r"[^a-z]")


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for each sentence of `text`; a block's end always ends a sentence."""
    for start, end, _ in analyse(text).sentences:
        yield start, text[start:end]


class Prose(NamedTuple):
    """One block of text, measured: each sentence's (start, end, words), and the text's words and syllables."""

    sentences: tuple[tuple[int, int, int], ...]
    words: int
    syllables: int


@functools.lru_cache(maxsize=1024)
def analyse(text: str) -> Prose:
    """`text` split into sentences, with its words and syllables counted.

    Kept for the last thousand texts: the style checks measure each block for its sentence lengths,
    then again for the page's reading grade. No word runs over the end of a sentence (a sentence ends
    with a full stop, question or exclamation mark, closing quotes or brackets, then white space), nor
    over white space: a sentence's words are the words of its white-space-separated pieces, each piece
    measured once per process (`_PIECE_WORDS`). Splitting at white space and looking pieces up is C
    work; searching every sentence for words with `WORD` was half of what `icsgen check` spent on a page.
    """
    spans = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        end = match.start() + 1
        if text[match.start()] == ".":  # every NOT_AN_END ends so: look at the last word only then
            last = text[start:end].rsplit(None, 1)
            if last and last[-1].lower() in NOT_AN_END:
                continue
        spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    sentences = []
    total = syllable_count = 0
    words_in, syllables_in = _PIECE_WORDS.__getitem__, _PIECE_SYLLABLES.__getitem__
    for start, end in spans:
        pieces = text[start:end].split()
        found = sum(map(words_in, pieces))
        sentences.append((start, end, found))
        total += found
        syllable_count += sum(map(syllables_in, pieces))
    return Prose(tuple(sentences), total, syllable_count)


def words(text: str) -> list[str]:
    return WORD.findall(text)


def syllables(word: str) -> int:
    """Syllables in one English word, by rule of thumb; a number counts as one."""
    return _SYLLABLES[word]


def _count_syllables(word: str) -> int:
    w = NOT_LETTERS.sub("", word.lower())
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


class _Measured(dict):
    """Each key's measure, worked out the first time it is looked up: prose uses the same words (and the
    same pieces between white space) over and over, and measuring every one afresh was most of the time
    `icsgen check` spent on reading grades. A plain dict's lookup (`map(_SYLLABLES.__getitem__, words)`)
    costs a fraction of a function call."""

    def __init__(self, measure: Callable[[str], int]) -> None:
        super().__init__()
        self._measure = measure

    def __missing__(self, key: str) -> int:
        if len(self) >= 1 << 17:  # a site's words are far fewer; numbers and names could grow it without end
            self.clear()
        found = self[key] = self._measure(key)
        return found


_SYLLABLES = _Measured(_count_syllables)  # each word's syllables
# Each piece of text between white space: its words ('care,': 1, '(ICB)': 1, 'and/or': 2) and their syllables.
# `WORD` never matches white space, so a text's words are its pieces' words, in order.
_PIECE_WORDS = _Measured(lambda piece: len(WORD.findall(piece)))
_PIECE_SYLLABLES = _Measured(lambda piece: sum(map(_SYLLABLES.__getitem__, WORD.findall(piece))))


def grade(texts: Iterable[str]) -> tuple[float, int]:
    """The Flesch-Kincaid grade of some blocks of text, and how many words it is based on."""
    sentence_count = word_count = syllable_count = 0
    for text in texts:
        prose = analyse(text)
        sentence_count += sum(1 for _, _, found in prose.sentences if found)
        word_count += prose.words
        syllable_count += prose.syllables
    if not word_count:
        return 0.0, 0
    value = 0.39 * word_count / sentence_count + 11.8 * syllable_count / word_count - 15.59
    return round(value, 1), word_count
