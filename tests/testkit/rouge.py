"""ROUGE-1, ROUGE-2 and ROUGE-L F1 for German, with our own tokenisation.

The ``rouge-score`` package lower-cases and keeps ``[a-z0-9]`` only, so ``Präsident`` becomes
``pr sident``; here tokens are Unicode words (umlauts and ß kept), lower-cased, hyphenated
compounds split in parts and each reduced to its German Snowball stem
(``bot.core.words``). Stop words are kept, as in the original ROUGE.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.words import stem, tokenize


@dataclass(frozen=True, slots=True)
class Rouge:
    """ROUGE F1 of one candidate against one reference, each in 0..1."""

    rouge1: float
    rouge2: float
    rouge_l: float


def rouge_tokens(text: str) -> tuple[str, ...]:
    """Return the stemmed, lower-cased word tokens of ``text`` that ROUGE compares."""
    return tuple(stem(word) for word in tokenize(text))


def f1(overlap: int, candidate: int, reference: int) -> float:
    """Return the F1 of ``overlap`` matches among ``candidate`` and ``reference`` units."""
    if overlap == 0 or candidate == 0 or reference == 0:
        return 0.0
    precision = overlap / candidate
    recall = overlap / reference
    return 2 * precision * recall / (precision + recall)


def ngram_f1(candidate: Sequence[str], reference: Sequence[str], n: int) -> float:
    """Return ROUGE-N F1: clipped n-gram overlap of two token sequences."""
    ours = Counter(tuple(candidate[i : i + n]) for i in range(len(candidate) - n + 1))
    theirs = Counter(tuple(reference[i : i + n]) for i in range(len(reference) - n + 1))
    overlap = sum((ours & theirs).values())
    return f1(overlap, sum(ours.values()), sum(theirs.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Return the length of the longest common subsequence of two token sequences."""
    previous = [0] * (len(b) + 1)
    for token in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if token == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge(candidate: str, reference: str) -> Rouge:
    """Return ROUGE-1, ROUGE-2 and ROUGE-L F1 of ``candidate`` against ``reference``."""
    ours = rouge_tokens(candidate)
    theirs = rouge_tokens(reference)
    return Rouge(
        rouge1=ngram_f1(ours, theirs, 1),
        rouge2=ngram_f1(ours, theirs, 2),
        rouge_l=f1(lcs_length(ours, theirs), len(ours), len(theirs)),
    )
