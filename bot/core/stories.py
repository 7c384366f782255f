"""Story grouping: items about the same event, from any outlet, become one story.

Each item is a TF-IDF vector of its content-word stems (title counted twice). Candidate pairs
come from an inverted index over each item's top terms, so the cost grows with the number of
items times the few items that share a distinctive term with it, not with all pairs. Pairs are
merged most similar first (centroid linkage): two groups join only if their centroids are
similar enough, which keeps a chain of loosely related items from collapsing into one story.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Sequence

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

Vector = dict[str, float]


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


def group_items(
    items: Sequence[Item], *, stopwords: frozenset[str]
) -> tuple[tuple[int, ...], ...]:
    """Group items about the same event.

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

    for similarity, a, b in edges:
        if similarity < MERGE_SIMILARITY:
            break
        ra, rb = find(a), find(b)
        if ra == rb or (
            (a, b) not in shared and cosine(centroid[ra], centroid[rb]) < MERGE_SIMILARITY
        ):
            continue
        root, other = min(ra, rb), max(ra, rb)
        parent[other] = root
        merged = dict(centroid[root])
        for term, weight in centroid.pop(other).items():
            merged[term] = merged.get(term, 0.0) + weight
        centroid[root] = merged
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for index in range(len(items)):
        groups[find(index)].append(index)
    return tuple(tuple(members) for _, members in sorted(groups.items()))
