"""Story grouping: items about the same event, from any outlet, become one story.

Each item is a TF-IDF vector of its content-word stems (title counted twice). Candidate pairs
come from an inverted index over each item's top terms, so the cost grows with the number of
items times the few items that share a distinctive term with it, not with all pairs. Pairs are
merged most similar first (centroid linkage): two groups join only if their centroids are
similar enough, which keeps a chain of loosely related items from collapsing into one story.

Time counts: items published days apart need more in common to be one story than items of
the same morning (``required_similarity``), and a numbered stage of a series (``3. Etappe``
after ``2. Etappe``, ``5. Spieltag``) is its own event whatever else the reports share.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime

from bot.core.clean import MONTHS
from bot.core.models import Item
from bot.core.words import content_stems

#: Cosine similarity of two groups' centroids above which they are one story. Chosen on the
#: seeds (same event: 0.35-0.9; same war, other event: 0.05-0.25) and checked on 10kGNAD, where
#: it joins articles only when they report the same event; re-run tests/core/test_stories.py
#: and the speed benchmark after changing it.
MERGE_SIMILARITY = 0.3
#: Terms per item used to find candidate pairs (the item's highest TF-IDF weights).
CANDIDATE_TERMS = 12
#: Two items are compared only if they share at least this many of their top terms: one
#: shared name (``Putin``, ``Bayern``) is topic, not event. On 10kGNAD it drops about 80 %
#: of the pairs; every pair the seeds merge shares 4 or more.
MIN_SHARED_TERMS = 2
#: Terms found in more than this share of the items say nothing about an event.
MAX_DF_SHARE = 0.2
#: ... unless the batch is tiny: a term may always be shared by this many items.
MIN_DF_CAP = 4
#: ... and never by more than this many: no event is reported by more items of one batch,
#: and a longer posting list would cost pairs that grow with the square of the batch.
MAX_DF_CAP = 40
#: Weight of the title's words relative to the body's.
TITLE_WEIGHT = 2
#: Two articles sharing a sentence of at least this many content words (agency copy) report
#: the same event whatever else they say: 001 of the seeds adds drone strikes and arms exports
#: to the prisoner exchange of 000, which dilutes their overall similarity to about 0.36.
SHARED_SENTENCE_MIN_STEMS = 8
#: ... unless the sentence stands in more items than this (then it is boilerplate).
SHARED_SENTENCE_MAX_ITEMS = 3

#: Items published at most this many hours apart are "the same news cycle": the plain
#: MERGE_SIMILARITY applies. 36 hours covers an evening report and the next day's follow-up
#: of one event.
SAME_CYCLE_HOURS = 36.0
#: Items further apart need this much similarity (up to a week): a later report of the same
#: event repeats its main terms, a new event of the same topic (an announcement and the
#: launch weeks later, the next stage of a race) shares fewer. Between the same-event range
#: of the seeds (0.35-0.9) and the MERGE_SIMILARITY floor; re-run tests/core/test_stories.py.
APART_SIMILARITY = 0.5
#: ... and items more than this many days apart are one story only if near-identical.
APART_DAYS = 7.0
#: Similarity for items more than APART_DAYS apart: only a reprint of one text.
DISTANT_SIMILARITY = 0.8
#: A numbered stage of a series: ``3. Etappe``, ``2. Runde``, ``5. Spieltag`` (ordinal and
#: a capitalised noun). Dates (``3. Oktober``) are left out: a follow-up has another date.
_STAGE_RE = re.compile(r"\b(\d{1,3})\.\s+([A-ZÄÖÜ][a-zäöüß]{2,})\b")
_MONTHS = frozenset((*MONTHS, "Jänner"))

Vector = dict[str, float]


def required_similarity(hours_apart: float | None) -> float:
    """Return the centroid similarity two groups published ``hours_apart`` need to join.

    Unknown times (None) are treated as the same news cycle.
    """
    if hours_apart is None or hours_apart <= SAME_CYCLE_HOURS:
        return MERGE_SIMILARITY
    if hours_apart <= APART_DAYS * 24:
        return APART_SIMILARITY
    return DISTANT_SIMILARITY


def stages(item: Item) -> dict[str, frozenset[int]]:
    """Return the numbered stages an item's title and first sentence name, per noun."""
    text = " ".join([item.source.title, *(s.text for s in item.sentences[:1])])
    found: dict[str, set[int]] = {}
    for number, noun in _STAGE_RE.findall(text):
        if noun not in _MONTHS:
            found.setdefault(noun, set()).add(int(number))
    return {noun: frozenset(numbers) for noun, numbers in found.items()}


def _other_stage(a: dict[str, frozenset[int]], b: dict[str, frozenset[int]]) -> bool:
    return any(noun in b and not numbers & b[noun] for noun, numbers in a.items())


def _hours_apart(
    a: tuple[datetime, datetime] | None, b: tuple[datetime, datetime] | None
) -> float | None:
    """The widest gap between two groups' publication times (None if either is unknown)."""
    if a is None or b is None:
        return None
    widest = max(abs((a[1] - b[0]).total_seconds()), abs((b[1] - a[0]).total_seconds()))
    return widest / 3600


def _vectors(items: Sequence[Item], stopwords: frozenset[str]) -> list[Vector]:
    counts: list[Counter[str]] = []
    for item in items:
        # Per sentence, not the joined text: the stems of each sentence are cached, and
        # scoring and selection ask for the same sentences again.
        counter = Counter(
            stem for s in item.sentences for stem in content_stems(s.text, stopwords)
        )
        for stem in content_stems(item.source.title, stopwords):
            counter[stem] += TITLE_WEIGHT
        counts.append(counter)
    df: Counter[str] = Counter()
    for counter in counts:
        df.update(counter.keys())
    n = len(items)
    vectors: list[Vector] = []
    for counter in counts:
        vector = {
            term: (1.0 + math.log(count)) * math.log(1.0 + n / df[term])
            for term, count in counter.items()
        }
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        vectors.append({term: w / norm for term, w in vector.items()})
    return vectors


def _dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(w * get(term, 0.0) for term, w in a.items())


def _norm(a: Vector) -> float:
    return math.sqrt(sum(w * w for w in a.values()))


def cosine(a: Vector, b: Vector) -> float:
    """Return the cosine similarity of two sparse vectors."""
    na, nb = _norm(a), _norm(b)
    return _dot(a, b) / (na * nb) if na and nb else 0.0


def _candidate_pairs(vectors: list[Vector]) -> set[tuple[int, int]]:
    n = len(vectors)
    df: Counter[str] = Counter()
    for vector in vectors:
        df.update(vector.keys())
    cap = max(MIN_DF_CAP, min(MAX_DF_CAP, int(MAX_DF_SHARE * n)))
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        top = heapq.nsmallest(
            CANDIDATE_TERMS,
            (term for term in vector if 1 < df[term] <= cap),
            key=lambda term: (-vector[term], term),
        )
        for term in top:
            postings[term].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                shared[(a, b) if a < b else (b, a)] += 1
    return {pair for pair, count in shared.items() if count >= MIN_SHARED_TERMS}


def _shared_sentence_pairs(
    items: Sequence[Item], stopwords: frozenset[str]
) -> set[tuple[int, int]]:
    """Pairs of items from different articles that print the same long sentence."""
    holders: defaultdict[tuple[str, ...], set[int]] = defaultdict(set)
    for index, item in enumerate(items):
        for sentence in item.sentences:
            stems = content_stems(sentence.text, stopwords)
            if len(stems) >= SHARED_SENTENCE_MIN_STEMS:
                holders[tuple(stems)].add(index)
    pairs: set[tuple[int, int]] = set()
    for members in holders.values():
        if 1 < len(members) <= SHARED_SENTENCE_MAX_ITEMS:
            ordered = sorted(members)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    if items[a].source.id != items[b].source.id:
                        pairs.add((a, b))
    return pairs


def _join_spans(
    a: tuple[datetime, datetime] | None, b: tuple[datetime, datetime] | None
) -> tuple[datetime, datetime] | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), max(a[1], b[1]))


def group_items(
    items: Sequence[Item], *, stopwords: frozenset[str]
) -> tuple[tuple[int, ...], ...]:
    """Group items about the same event (published close enough, not another stage).

    Returns:
        Groups of item indices, each in input order, the groups ordered by their first item.
    """
    vectors = _vectors(items, stopwords)
    shared = _shared_sentence_pairs(items, stopwords)
    edges = sorted(
        (
            (1.0 if (a, b) in shared else _dot(vectors[a], vectors[b]), a, b)
            for a, b in _candidate_pairs(vectors) | shared
        ),
        key=lambda edge: (-edge[0], edge[1], edge[2]),
    )
    parent = list(range(len(items)))
    centroid: dict[int, Vector] = dict(enumerate(vectors))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    span: dict[int, tuple[datetime, datetime] | None] = {
        i: (item.source.published, item.source.published) if item.source.published else None
        for i, item in enumerate(items)
    }
    stage: dict[int, dict[str, frozenset[int]]] = {i: stages(item) for i, item in enumerate(items)}
    for similarity, a, b in edges:
        if similarity < MERGE_SIMILARITY:
            break
        ra, rb = find(a), find(b)
        if ra == rb or _other_stage(stage[ra], stage[rb]):
            continue
        needed = required_similarity(_hours_apart(span[ra], span[rb]))
        if (a, b) in shared and needed == MERGE_SIMILARITY:
            pass  # agency copy of the same news cycle: one event whatever else they say
        elif cosine(centroid[ra], centroid[rb]) < needed or similarity < needed:
            continue
        root, other = min(ra, rb), max(ra, rb)
        parent[other] = root
        merged = dict(centroid[root])
        for term, weight in centroid.pop(other).items():
            merged[term] = merged.get(term, 0.0) + weight
        centroid[root] = merged
        span[root] = _join_spans(span[root], span.pop(other))
        joined = dict(stage[root])
        for noun, numbers in stage.pop(other).items():
            joined[noun] = joined.get(noun, frozenset()) | numbers
        stage[root] = joined
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for index in range(len(items)):
        groups[find(index)].append(index)
    return tuple(tuple(members) for _, members in sorted(groups.items()))
