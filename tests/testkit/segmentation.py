"""Sentence boundaries of the UD German segmentation sets, and how a splitter scores on them.

Shared by ``benchmarks/bench_split.py`` (the table) and ``tests/core/test_sentences_corpora.py``
(the floors), so the tests never import the benchmarks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.adapters.tables import load_language
from bot.core.sentences import split_sentences

PUD_TEST = "ud_german_pud/segmentation_test.jsonl"
GSD_TEST = "ud_german_gsd/segmentation_test.jsonl"
GSD_DEV = "ud_german_gsd/segmentation_dev.jsonl"

# A splitter maps a text to the offsets where its sentences start.
Splitter = Callable[[str], Iterable[int]]


@dataclass(frozen=True, slots=True)
class Document:
    """A document of a segmentation set with its gold boundaries."""

    text: str
    genre: str
    boundaries: frozenset[int]


@dataclass(frozen=True, slots=True)
class Score:
    """Boundary counts and the measures computed from them."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_documents(path: Path, *, genre: str | None = None) -> list[Document]:
    """Read a segmentation set; with ``genre``, only its documents of that genre."""
    documents = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if genre is not None and row["genre"] != genre:
            continue
        offsets, position = [], 0
        for sentence in row["sentences"][:-1]:
            position += len(sentence) + len(row["separator"])
            offsets.append(position)
        documents.append(Document(row["text"], row["genre"], frozenset(offsets)))
    return documents


def kurzlage_starts(text: str) -> list[int]:
    """Sentence starts found by Kurzlage."""
    abbreviations = load_language().abbreviations
    return [span.start for span in split_sentences(text, abbreviations=abbreviations)]


def boundaries(text: str, starts: Iterable[int]) -> frozenset[int]:
    """Return the sentence starts after the first, moved forward over whitespace."""
    found = set()
    for start in starts:
        while start < len(text) and text[start].isspace():
            start += 1
        if 0 < start < len(text):
            found.add(start)
    return frozenset(found)


def score(documents: Sequence[Document], splitter: Splitter) -> Score:
    """Score a splitter's boundaries against the gold ones, summed over documents."""
    tp = fp = fn = 0
    for document in documents:
        found = boundaries(document.text, splitter(document.text))
        tp += len(found & document.boundaries)
        fp += len(found - document.boundaries)
        fn += len(document.boundaries - found)
    return Score(tp, fp, fn)
