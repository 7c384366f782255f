"""Scoring: how well each sentence of one article tells its news, and picking the best.

The score of a sentence is a weighted sum of features that each lie in 0..1, with weights
that sum to 1, so a score is in 0..1 and means the same in every article (the digest
compares sentences of different sources with it). No feature is rescaled per article.

Features (weights below, tuned on the even rows of the 10kGNAD teaser set):

* ``position``: news puts the news first; decays with the sentence's index.
* ``centrality``: cosine between the sentence's content stems and those of the rest of the
  article (and the title, if any): a teaser names the key nouns of the whole article.
* ``length``: closeness to a teaser's length; ROUGE F1 and readers both punish long ones.
* ``opening``: 0 for sentences that cannot stand alone because they start with a
  pronoun or a connective (``Er``, ``Dabei``, ``Doch``), quote someone or ask a question.

Re-run ``python -m benchmarks.bench_summary`` after changing any constant here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from bot.core.words import content_stems, jaccard, stem, tokenize

# Weights of the features; they sum to 1 so that scores stay in 0..1.
# Tuned on the even rows of 10kgnad_teaser/pairs_test.jsonl (benchmarks/bench_summary.py).
POSITION_WEIGHT = 0.45
CENTRALITY_WEIGHT = 0.30
LENGTH_WEIGHT = 0.15
OPENING_WEIGHT = 0.10

# Index at which the position feature has fallen to one half (1 / (1 + index / HALF)).
# From the teaser set: the best sentence is the first in about a third of the articles and
# among the first four in most others.
POSITION_HALF = 2.0

# Preferred sentence length in characters and the spread of the log-normal bell around it.
# The teasers of 10kGNAD average 99 characters; sigma tuned on its even rows.
LENGTH_TARGET = 110.0
LENGTH_SIGMA = 0.6

# First words that make a sentence depend on the one before it (lower case).
_DEPENDENT_OPENERS_TEXT = """
er sie es ihr ihre ihren ihrem sein seine seinen seinem dies diese dieser dieses diesen
das dabei damit dafür dagegen daher darum deshalb deswegen doch aber auch außerdem zudem
trotzdem dennoch allerdings jedoch so dann danach somit also hier dort denn und oder
sondern ebenfalls ebenso zuvor stattdessen demnach dazu
"""
DEPENDENT_OPENERS = frozenset(_DEPENDENT_OPENERS_TEXT.split())
# Quotation marks: a quote is someone's view, not the news.
QUOTE_MARKS = frozenset('"\u201e\u201c\u201d\u00bb\u00ab\u201a\u2018\u2019')

# Stem-set Jaccard at or above which two sentences count as saying the same thing.
# Chosen by hand: above 0.6 only reworded copies of one sentence remain.
NEAR_DUPLICATE_JACCARD = 0.6


def score_sentences(
    sentences: Sequence[str], *, title: str = "", stopwords: frozenset[str]
) -> tuple[float, ...]:
    """Score the sentences of one cleaned article; higher tells the news better.

    Args:
        sentences: The article's sentences in text order, verbatim.
        title: The article's title, if known (its words count towards centrality).
        stopwords: Lower-case words that carry no content.

    Returns:
        One score in 0..1 per sentence, comparable across articles.
    """
    stems = [content_stems(sentence, stopwords) for sentence in sentences]
    total: Counter[str] = Counter()
    for sentence_stems in stems:
        total.update(set(sentence_stems))
    total.update(set(content_stems(title, stopwords)))
    square_sum = sum(count * count for count in total.values())
    return tuple(
        POSITION_WEIGHT * _position(index)
        + CENTRALITY_WEIGHT * _centrality(set(sentence_stems), total, square_sum)
        + LENGTH_WEIGHT * _length(len(sentence))
        + OPENING_WEIGHT * _opening(sentence)
        for index, (sentence, sentence_stems) in enumerate(zip(sentences, stems, strict=True))
    )


def select_sentences(
    sentences: Sequence[str],
    scores: Sequence[float],
    *,
    n: int,
    min_chars: int = 0,
    max_chars: int | None = None,
) -> tuple[int, ...]:
    """Return the indices of the best ``n`` sentences, in text order.

    Only sentences of ``min_chars`` to ``max_chars`` characters are candidates: an overlong
    sentence is skipped, never cut. A sentence that nearly repeats one already chosen is
    skipped too. Ties go to the earlier sentence.
    """
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    chosen_words: list[set[str]] = []
    for index in ranked:
        if len(chosen) >= n:
            break
        length = len(sentences[index])
        if length < min_chars or (max_chars is not None and length > max_chars):
            continue
        words = {stem(word) for word in tokenize(sentences[index])}
        if any(jaccard(words, other) >= NEAR_DUPLICATE_JACCARD for other in chosen_words):
            continue
        chosen.append(index)
        chosen_words.append(words)
    return tuple(sorted(chosen))


def _position(index: int) -> float:
    return 1.0 / (1.0 + index / POSITION_HALF)


def _centrality(sentence_stems: set[str], total: Counter[str], square_sum: int) -> float:
    # Cosine between the sentence's stem set and the article's stem counts without the
    # sentence itself (a sentence is always similar to itself). Removing the sentence lowers
    # each of its stems' counts by one, so the norm follows from the article's sum of squares.
    if not sentence_stems:
        return 0.0
    dot = sum(total[word] - 1 for word in sentence_stems)
    rest_square_sum = square_sum - sum(2 * total[word] - 1 for word in sentence_stems)
    if rest_square_sum <= 0:
        return 0.0
    return dot / math.sqrt(len(sentence_stems) * rest_square_sum)


def _length(chars: int) -> float:
    if chars <= 0:
        return 0.0
    return math.exp(-(math.log(chars / LENGTH_TARGET) ** 2) / (2 * LENGTH_SIGMA**2))


def _opening(sentence: str) -> float:
    text = sentence.strip()
    if not text or text.endswith("?") or any(mark in text for mark in QUOTE_MARKS):
        return 0.0
    words = tokenize(text)
    return 0.0 if words and words[0] in DEPENDENT_OPENERS else 1.0
