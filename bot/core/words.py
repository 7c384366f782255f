"""Words: Unicode word tokens, lower-cased and stemmed with the German Snowball stemmer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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


def content_stems(
    text: str, stopwords: frozenset[str], *, stemmer: Callable[[str], str] = stem
) -> list[str]:
    """Return the stems of the words of ``text`` that carry content.

    Stop words, single characters and pure digit tokens are left out.
    """
    return list(_content_stems(text, stopwords, stemmer))


# Grouping, scoring and selection each need the stems of the same sentences: computing them
# once per sentence text saves a third of the digest's time (benchmarks/bench_speed.py).
@lru_cache(maxsize=100_000)
def _content_stems(
    text: str, stopwords: frozenset[str], stemmer: Callable[[str], str]
) -> tuple[str, ...]:
    return tuple(
        stemmer(word)
        for word in tokenize(text)
        if len(word) > 1 and word not in stopwords and not word.isdigit()
    )


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Return the Jaccard similarity of two collections of tokens (0.0 for two empty ones)."""
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)
