"""The teaser-set evaluation shared by the summary benchmark and the quality gate.

``benchmarks/bench_summary.py`` runs it for every system and writes the table;
``tests/golden/test_quality_gate.py`` runs it for Kurzlage and the lead on fixed rows. Both
import it from here, so the tests never import the benchmarks.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.language import Language
from bot.core.models import Article
from bot.core.options import DigestOptions
from bot.core.pipeline import clean_articles, summarize_article
from tests.testkit.rouge import Rouge, rouge

PAIRS = Path("10kgnad_teaser/pairs_test.jsonl")


@dataclass(frozen=True, slots=True)
class Pair:
    """One article of the teaser set: its cleaned sentences and the newspaper's teaser."""

    index: int
    article: Article
    sentences: tuple[str, ...]
    teaser: str


# A picker gets one pair and returns the indices of the sentences it chose.
Picker = Callable[[Pair], Sequence[int]]


def article_sentences(
    article: Article, lang: Language, settings: DigestOptions
) -> tuple[str, ...]:
    """Return the article's sentences as the pipeline cleans and splits them."""
    items = clean_articles([article], settings=settings, lang=lang)
    return tuple(sentence.text for item in items for sentence in item.sentences)


def load_pairs(
    corpora: Path, lang: Language, settings: DigestOptions, *, rows: range | None = None
) -> list[Pair]:
    """Read the teaser set (or only ``rows`` of it, by 0-based row index).

    Only ``id`` and ``text`` are input; ``summary`` is the reference.
    """
    pairs = []
    with (corpora / PAIRS).open(encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            if rows is not None and index not in rows:
                continue
            row = json.loads(line)
            article = Article(id=row["id"], text=row["text"])
            sentences = article_sentences(article, lang, settings)
            pairs.append(Pair(index, article, sentences, row["summary"]))
    return pairs


def kurzlage(n: int, lang: Language, settings: DigestOptions) -> Picker:
    def pick(pair: Pair) -> Sequence[int]:
        chosen = summarize_article(pair.article, n=n, settings=settings, lang=lang)
        # The pipeline returns sentences; they must be verbatim ones of the shared list.
        return [pair.sentences.index(text) for text in chosen]

    return pick


def lead(n: int) -> Picker:
    return lambda pair: range(min(n, len(pair.sentences)))


@dataclass(frozen=True, slots=True)
class Result:
    """Scores of one system on every row."""

    name: str
    scores: tuple[Rouge, ...]
    chars: tuple[int, ...]
    seconds: float


def evaluate(name: str, pick: Picker, pairs: Sequence[Pair]) -> Result:
    """Run one system over all pairs and score its summaries against the teasers."""
    started = time.perf_counter()
    chosen = [pick(pair) for pair in pairs]
    seconds = time.perf_counter() - started
    summaries = [
        " ".join(pair.sentences[i] for i in idx) for pair, idx in zip(pairs, chosen, strict=True)
    ]
    scores = tuple(rouge(text, pair.teaser) for text, pair in zip(summaries, pairs, strict=True))
    return Result(name, scores, tuple(len(text) for text in summaries), seconds)
