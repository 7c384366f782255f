"""Words: Unicode word tokens, lower-cased and stemmed with the German Snowball stemmer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

# Letters (umlauts and ß included) or digits, with inner hyphens kept (``US-Präsident``).
WORD_RE = re.compile(r"\w+(?:-\w+)*")

_german = snowballstemmer.stemmer("german")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Return the German Snowball stem of a lower-cased word (cached: news repeats words)."""
    return str(_german.stemWord(word))


def tokenize(text: str) -> list[str]:
    """Return the lower-cased word tokens of ``text`` (hyphenated compounds split in parts)."""
    return [part for token in WORD_RE.findall(text.lower()) for part in token.split("-")]


# The parts of words, hyphenated compounds split: the same words as tokenize() gives.
_PART_RE = re.compile(r"\w+")


@lru_cache(maxsize=200_000)
def _surface_stem(word: str) -> str:
    return stem(word.lower())


# Grouping, scoring and selection all need the words of the same sentences: they are split
# and stemmed once per sentence text (benchmarks/bench_speed.py, stage table).
@lru_cache(maxsize=100_000)
def stemmed_words(text: str) -> tuple[tuple[str, str], ...]:
    """Return ``(stem, word as written)`` for each word of ``text``, compounds split."""
    return tuple((_surface_stem(word), word) for word in _PART_RE.findall(text))


def content_stems(text: str, stopwords: frozenset[str]) -> list[str]:
    """Return the stems of the words of ``text`` that carry content.

    Stop words, single characters and pure digit tokens are left out.
    """
    return list(_content_stems(text, stopwords))


@lru_cache(maxsize=100_000)
def _content_stems(text: str, stopwords: frozenset[str]) -> tuple[str, ...]:
    return tuple(
        stemmed
        for stemmed, word in stemmed_words(text)
        if len(word) > 1 and not word.isdigit() and word.lower() not in stopwords
    )


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Return the Jaccard similarity of two collections of tokens (0.0 for two empty ones)."""
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)
