"""Reconcile: one story's figures merged across sources, confirmed or disputed.

The same value for the same thing is one figure confirmed by the other sources; another,
close value for the same thing from another source is shown beside it. The cost is near
linear in the number of figures: figures are indexed by value (to merge) and by unit and
head noun, sorted by value (to find disputes), and each figure names at most
``MAX_DISPUTES`` disputing figures.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from bot.core.models import Figure
from bot.core.quantities import TIME_UNITS
from bot.core.words import stem

# Different values for the same thing are a dispute only when this close (relative to the
# larger): 1.348 vs 1.350 are; 390 vs 8 ``Menschen`` in one story are two different facts.
# Chosen by hand on the seeds and typical casualty-count revisions, not measured.
DISPUTE_MAX_RELATIVE_GAP = 0.25
# Two sources giving the same uncommon value (not round, at least this big) mean the same
# fact even when they label it differently (``390 Menschen`` / ``390 Rückkehrer``).
DISTINCT_VALUE_MIN = 20
# Counts below this rank after larger figures of the same standing (German news style spells
# them out; they are seldom the number a story turns on). Chosen by hand, not measured.
MINOR_COUNT = 10
# Disputing figures named per figure, the closest values first: /zahlen shows one or two; a
# cap keeps a story with hundreds of casualty counts linear (benchmarks/bench_figures.py).
MAX_DISPUTES = 3


def head(figure: Figure) -> str:
    """Return the stem of the head noun of a figure's label (its last word)."""
    words = figure.label.split()
    return stem(words[-1].lower().split("-")[-1]) if words else ""


def origin(figure: Figure) -> str:
    """Return who a figure comes from: its outlet's label, else its article id."""
    return figure.source_label or figure.source


@dataclass
class _Group:
    members: list[Figure] = field(default_factory=list)
    heads: set[str] = field(default_factory=set)
    origins: set[str] = field(default_factory=set)

    def add(self, figure: Figure) -> None:
        self.members.append(figure)
        self.heads.add(head(figure))
        self.origins.add(origin(figure))


def _value_key(figure: Figure) -> tuple[float, float | None, str | None]:
    return figure.value, figure.value_high, figure.unit


def _distinct(value: float) -> bool:
    return value >= DISTINCT_VALUE_MIN and value % 100 != 0


def _group(figures: Sequence[Figure]) -> list[_Group]:
    """Return the figures grouped by fact, groups in order of their first figure."""
    groups: list[_Group] = []
    by_head: dict[tuple[tuple[float, float | None, str | None], str], _Group] = {}
    by_value: dict[tuple[float, float | None, str | None], list[_Group]] = {}
    for figure in figures:
        key, mine, who = _value_key(figure), head(figure), origin(figure)
        target = by_head.get((key, mine))
        if target is None and _distinct(figure.value):
            # An uncommon value from another source: the same fact under another label.
            target = next(
                (g for g in by_value.get(key, ()) if len(g.origins) > 1 or who not in g.origins),
                None,
            )
        if target is None:
            target = _Group()
            by_value.setdefault(key, []).append(target)
            groups.append(target)
        target.add(figure)
        by_head.setdefault((key, mine), target)
    return groups


def reconcile_figures(
    figures: Sequence[Figure], *, key_sentences: Collection[str] = (), limit: int | None = None
) -> tuple[Figure, ...]:
    """Merge the figures of one story across sources and rank them.

    The same value for the same thing (unit, head noun of the label after stemming) becomes
    one figure whose ``confirmed_by`` lists the other sources (other outlets: versions from
    one outlet confirm nothing); a different but close value from another source is kept
    apart and named in ``disputed_by`` of each side.

    Args:
        figures: The figures of all sentences of one story, in story order.
        key_sentences: The sentences the digest chose; their figures rank first.
        limit: The number of figures to return at most.

    Returns:
        Counts and amounts before durations; within each, figures in key sentences first,
        then counts of ten or more, then by number of confirming sources, then by position.
    """
    groups = _group(figures)
    merged = [_merge(group.members, key_sentences) for group in groups]
    disputed = _disputes(merged, groups)
    merged = [
        replace(figure, disputed_by=tuple(merged[j] for j in others))
        for figure, others in zip(merged, disputed, strict=True)
    ]
    in_key = [any(f.sentence in key_sentences for f in g.members) for g in groups]
    # A duration ("drei Tage") is seldom what a story turns on: counts and amounts first.
    duration = [f.unit in TIME_UNITS for f in merged]
    # Counts below ten (spelled out in news style: ``drei Frauen``) rank after larger ones.
    minor = [f.unit is None and f.value < MINOR_COUNT for f in merged]
    ranked = sorted(
        range(len(merged)),
        key=lambda i: (duration[i], not in_key[i], minor[i], -len(merged[i].confirmed_by), i),
    )
    chosen = [merged[i] for i in ranked]
    return tuple(chosen if limit is None else chosen[:limit])


def _merge(group: list[Figure], key_sentences: Collection[str]) -> Figure:
    """Return the group's representative (first in a key sentence, else first) with sources."""
    lead = next((f for f in group if f.sentence in key_sentences), group[0])
    seen = {origin(lead)}
    ids, labels = [], []
    for figure in group:
        if origin(figure) not in seen:
            seen.add(origin(figure))
            ids.append(figure.source)
            labels.append(figure.source_label or figure.source)
    return replace(lead, confirmed_by=tuple(ids), confirmed_labels=tuple(labels), disputed_by=())


def _disputes(merged: list[Figure], groups: list[_Group]) -> list[list[int]]:
    """Return per merged figure the indexes of close, different values for the same thing.

    Figures of one unit and head noun are sorted by value once; each looks only at its
    ``2 * MAX_DISPUTES + 1`` neighbours on either side, the closest values.
    """
    index: dict[tuple[str | None, str], list[tuple[float, int]]] = {}
    for position, figure in enumerate(merged):
        if figure.label:
            index.setdefault((figure.unit, head(figure)), []).append((figure.value, position))
    result: list[list[int]] = [[] for _ in merged]
    span = 2 * MAX_DISPUTES + 1
    for entries in index.values():
        entries.sort()
        for rank, (value, position) in enumerate(entries):
            figure = merged[position]
            window = sorted(
                entries[max(0, rank - span) : rank + span + 1], key=lambda e: abs(e[0] - value)
            )
            found = [
                other
                for other_value, other in window
                if other != position
                and _close(other_value, value)
                and (other_value, merged[other].value_high) != (value, figure.value_high)
                and not groups[position].origins & groups[other].origins
            ]
            result[position] = sorted(found[:MAX_DISPUTES])
    return result


def _close(a: float, b: float) -> bool:
    larger = max(abs(a), abs(b))
    return larger > 0 and abs(a - b) / larger <= DISPUTE_MAX_RELATIVE_GAP
