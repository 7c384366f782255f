"""Scoring: how well each sentence of one article tells its news.

A good summary sentence says what a newspaper's own teaser would say, in about as few words.
So the score of a sentence is its *expected teaser overlap*: the F1 of the words it shares
with a teaser of about ``TEASER_TOKENS`` words, where each word of the article is in that
teaser with a probability estimated from how the article uses it (a logistic model of six
features, below). Words that the article repeats, uses early, and writes capitalised (nouns
and names) or as numbers are likely; a word used once near the end is not. Dividing by the
sentence's length in words makes a long sentence pay for its extra words, as a reader does.

The score is an F1 and lies in 0..1 in every article, with no per-article rescaling, so the
digest can compare the sentences of different sources with it. Whether a sentence can stand
alone is not scored here: ``bot.core.selection`` never shows one that leans on a sentence
not shown (``bot.core.references``).

The word model's coefficients were fitted (logistic regression: is the word in the teaser?)
on the even rows of ``10kgnad_teaser/pairs_test.jsonl`` only; the odd rows are the held-out
check. Re-run ``python -m benchmarks.bench_summary`` after changing any constant here.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from bot.core.words import stem

# --- the word model: log-odds that a word of the article appears in its teaser -------------
# Fitted on the even rows of 10kgnad_teaser/pairs_test.jsonl (15,000 words of 329 articles,
# sentences from the pipeline's cleaning and splitting). Each feature of a word (a stem):
WORD_BIAS = -1.73
# log of the number of sentences that use it: what the article keeps coming back to.
WORD_SPREAD = 0.50
# log of how often it occurs in all: repeated within sentences too.
WORD_COUNT = 0.52
# index of the first sentence that uses it, capped at 10 and divided by 10: news comes first.
WORD_LATENESS = -1.62
# 1 / (1 + that index): the extra weight of the very first sentences.
WORD_FIRST = -0.29
# it is a stop word or a single character: function words are less likely in a teaser.
WORD_FUNCTION = -0.09
# written capitalised somewhere inside a sentence: a noun or a name (German capitalises both).
WORD_NOUN = 0.44
# it is a number: results, sums and counts make it into teasers.
WORD_NUMBER = 0.33
# log of the number of sentences of the article: in a long article each word is less likely.
WORD_ARTICLE_LENGTH = -0.33
# it is in the title (the corpus has no titles: set by hand to about the weight of a word
# that the whole article repeats, log-odds +1).
WORD_IN_TITLE = 1.0

# Expected length of a teaser in words: the 10kGNAD teasers average 13.3 ROUGE tokens.
# Measured, not tuned (10, 16 and 20 did no better on the even rows).
TEASER_TOKENS = 13.3

# Stem-set Jaccard at or above which two sentences count as saying the same thing.
# Chosen by hand: above 0.6 only reworded copies of one sentence remain.
NEAR_DUPLICATE_JACCARD = 0.6

# Cap of the lateness feature (sentence index), see WORD_LATENESS.
_LATENESS_CAP = 10


def score_sentences(
    sentences: Sequence[str], *, title: str = "", stopwords: frozenset[str]
) -> tuple[float, ...]:
    """Score the sentences of one cleaned article; higher tells the news better.

    Args:
        sentences: The article's sentences in text order, verbatim.
        title: The article's title, if known (its words become more likely teaser words).
            A title that merely repeats the start of a body sentence is ignored.
        stopwords: Lower-case words that carry no content.

    Returns:
        One score in 0..1 per sentence: its expected ROUGE-1 F1 against a teaser.
    """
    tokens = [_words(sentence) for sentence in sentences]
    probability = _probabilities(_features(tokens, sentences, title, stopwords))
    scores = []
    for words in tokens:
        if not words:
            scores.append(0.0)
            continue
        # dict.fromkeys: distinct words in text order, so the sum does not depend on hashing
        expected = sum(probability[word] for word in dict.fromkeys(w for w, _ in words))
        overlap = min(expected, TEASER_TOKENS)
        score = 2 * overlap / (len(words) + TEASER_TOKENS)
        scores.append(score)
    return tuple(scores)


def word_probabilities(
    sentences: Sequence[str], *, title: str = "", stopwords: frozenset[str]
) -> dict[str, float]:
    """Return, per stem of the article, the estimated probability that its teaser uses it."""
    return _probabilities(word_features(sentences, title=title, stopwords=stopwords))


def word_features(
    sentences: Sequence[str], *, title: str = "", stopwords: frozenset[str]
) -> dict[str, tuple[float, ...]]:
    """Return the word model's features of each stem, in the order of the ``WORD_*`` weights.

    The first feature is the constant 1 (for ``WORD_BIAS``). Exposed so that the benchmark
    can refit the weights on exactly what the scorer sees.
    """
    return _features([_words(sentence) for sentence in sentences], sentences, title, stopwords)


def _probabilities(features: dict[str, tuple[float, ...]]) -> dict[str, float]:
    # The logistic function of the weighted features, spelt out (this is the hot loop).
    probabilities = {}
    for word, values in features.items():
        _, spread, count, lateness, first, function, noun, number, length, title = values
        log_odds = (
            WORD_BIAS
            + WORD_SPREAD * spread
            + WORD_COUNT * count
            + WORD_LATENESS * lateness
            + WORD_FIRST * first
            + WORD_FUNCTION * function
            + WORD_NOUN * noun
            + WORD_NUMBER * number
            + WORD_ARTICLE_LENGTH * length
            + WORD_IN_TITLE * title
        )
        probabilities[word] = 1.0 / (1.0 + math.exp(-log_odds))
    return probabilities


def _features(
    tokens: list[list[tuple[str, str]]],
    sentences: Sequence[str],
    title: str,
    stopwords: frozenset[str],
) -> dict[str, tuple[float, ...]]:
    # Counted with C-level Counter and dict updates: this runs for every word of every
    # article, and a plain Python loop here was a third of the digest's time.
    count = Counter(word for words in tokens for word, _ in words)
    spread = Counter(word for words in tokens for word in {w for w, _ in words})
    first: dict[str, int] = {}
    surface: dict[str, str] = {}
    for index in range(len(tokens) - 1, -1, -1):  # backwards: the earliest sentence wins
        first.update(dict.fromkeys((word for word, _ in tokens[index]), index))
        surface.update(reversed(tokens[index]))
    nouns = {word for words in tokens for word, text in words[1:] if text[:1].isupper()}
    in_title = set() if _repeats_body(title, sentences) else {w for w, _ in _words(title)}
    article_length = math.log(max(len(sentences), 1))
    features: dict[str, tuple[float, ...]] = {}
    log = math.log
    for word, sentence_count in spread.items():
        text = surface[word]
        lateness = first[word]
        if lateness > _LATENESS_CAP:
            lateness = _LATENESS_CAP
        lower = text.lower()
        features[word] = (
            1.0,
            log(sentence_count),
            log(count[word]),
            lateness / _LATENESS_CAP,
            1.0 / (1.0 + lateness),
            1.0 if lower in stopwords or len(text) < 2 else 0.0,
            1.0 if word in nouns else 0.0,
            1.0 if text.isdigit() else 0.0,
            article_length,
            1.0 if word in in_title else 0.0,
        )
    return features


# The parts of words, hyphenated compounds split: the same words as tokenize() gives.
_PART_RE = re.compile(r"\w+")


@lru_cache(maxsize=200_000)
def _surface_stem(word: str) -> str:
    return stem(word.lower())


def _words(text: str) -> list[tuple[str, str]]:
    # (stem, word as written) for each word; this runs for every word of every article.
    return [(_surface_stem(part), part) for part in _PART_RE.findall(text)]


def _repeats_body(title: str, sentences: Sequence[str]) -> bool:
    # Without a real title the cleaner names an item after its first sentence, shortened
    # with "…": such a title would only count the first sentence twice.
    head = title.rstrip("….").strip()
    return not head or any(sentence.startswith(head) for sentence in sentences)
