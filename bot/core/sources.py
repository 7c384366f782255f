"""Sources: which outlet an item comes from, and which items are versions of one article.

Two items are versions of one article when they have the same URL, or the same outlet and
title, or when nearly all the content words of the shorter one stand in the longer one (an
update, a shortened copy, a ticker entry made from the full report). Versions count as one
source: a story keeps the fullest of them, and a sentence is never "confirmed" by its own
article in another version, nor by another article of the same outlet.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.models import Item, Source, url_domain
from bot.core.words import content_stems

#: Share of the shorter item's content stems found in the longer one at or above which they
#: are versions of one text. On the seeds, the TAG24 ticker entries reporting Trump's appeal
#: stand complete (1.0) in 004; different outlets' reports of the prisoner exchange that
#: share agency sentences reach 0.62. Re-run tests/core/test_sources.py after changing it.
VERSION_CONTAINMENT = 0.9
#: ... but only for items of at least this many distinct content stems: two one-line notes
#: may share their few words without being one article.
VERSION_MIN_STEMS = 15


def outlet_key(source: Source) -> str:
    """Return what identifies the outlet of ``source`` (the article id if it is unknown)."""
    return (source.outlet or url_domain(source.url) or source.agency or source.id).lower()


def _stems(item: Item, stopwords: frozenset[str]) -> frozenset[str]:
    return frozenset(stem for s in item.sentences for stem in content_stems(s.text, stopwords))


def are_versions(a: Item, b: Item, *, stems_a: frozenset[str], stems_b: frozenset[str]) -> bool:
    """Return True if two items of different articles are versions of one article."""
    if a.source.id == b.source.id:
        return False  # entries of one ticker are different items of one article
    if a.source.url and a.source.url == b.source.url:
        return True
    if (
        a.source.outlet
        and a.source.outlet == b.source.outlet
        and a.source.title
        and a.source.title == b.source.title
    ):
        return True
    smaller = min(len(stems_a), len(stems_b))
    if smaller < VERSION_MIN_STEMS:
        return False
    return len(stems_a & stems_b) / smaller >= VERSION_CONTAINMENT


def drop_versions(
    items: Sequence[Item], *, stopwords: frozenset[str]
) -> tuple[list[Item], dict[str, tuple[Item, ...]]]:
    """Return ``items`` with one item per group of versions: the fullest one.

    The fullest has the most content stems (ties: the earlier item); every other item is
    compared with the kept ones only, fullest first, so the cost grows with the items times
    the distinct texts, not with all pairs. The order of ``items`` is kept. Also returns,
    per kept item id, the versions dropped for it.
    """
    stems = [_stems(item, stopwords) for item in items]
    order = sorted(range(len(items)), key=lambda i: (-len(stems[i]), i))
    kept: list[int] = []
    owner: dict[int, int] = {}
    for i in order:
        home = next(
            (
                k
                for k in kept
                if are_versions(items[k], items[i], stems_a=stems[k], stems_b=stems[i])
            ),
            None,
        )
        if home is None:
            kept.append(i)
        else:
            owner[i] = home
    dropped: dict[str, tuple[Item, ...]] = {}
    for i in sorted(owner):
        fullest = items[owner[i]]
        dropped[fullest.id] = (*dropped.get(fullest.id, ()), items[i])
    chosen = set(kept)
    return [item for i, item in enumerate(items) if i in chosen], dropped
