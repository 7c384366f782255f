"""The word lists of the key-figure analysis, as one value (``bot/core/data/figures.toml``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class FigureWords:
    """Word lists that decide what a number is and what it counts.

    Each attribute is one list of ``figures.toml``; the comments there say what it holds.
    Lists are lower case except ``label_before``, ``not_nouns``, ``measure_nouns`` and
    ``count_nouns``, which are matched as written. ``qualifiers`` are longest first.
    """

    qualifiers: tuple[str, ...] = ()
    ueber_verbs: tuple[str, ...] = ()
    anchor_before: frozenset[str] = frozenset()
    anchor_after: frozenset[str] = frozenset()
    news_durations: frozenset[str] = frozenset()
    label_before: frozenset[str] = frozenset()
    partitive: frozenset[str] = frozenset()
    prepositions: frozenset[str] = frozenset()
    fillers: frozenset[str] = frozenset()
    year_titles: tuple[str, ...] = ()
    phrase_adjectives: frozenset[str] = frozenset()
    vague_before: frozenset[str] = frozenset()
    nominalisers: frozenset[str] = frozenset()
    measure_adjectives: tuple[str, ...] = ()
    age_before: frozenset[str] = frozenset()
    age_after: frozenset[str] = frozenset()
    dative_before: frozenset[str] = frozenset()
    dative_plurals: tuple[str, ...] = ()
    ern_plurals: tuple[str, ...] = ()
    not_nouns: frozenset[str] = frozenset()
    measure_nouns: frozenset[str] = frozenset()
    count_nouns: frozenset[str] = frozenset()
    time_nouns: frozenset[str] = frozenset()
    hedge_cues: frozenset[str] = frozenset()

    @classmethod
    def from_table(cls, table: Mapping[str, Sequence[str]]) -> FigureWords:
        """Return the lists of a parsed ``figures.toml`` (unknown keys are an error)."""
        unknown = set(table) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"figures.toml: unknown lists {sorted(unknown)}")
        values: dict[str, object] = {}
        for f in fields(cls):
            words = tuple(table.get(f.name, ()))
            if f.name == "qualifiers":
                words = tuple(sorted(words, key=len, reverse=True))
            values[f.name] = words if str(f.type).startswith("tuple") else frozenset(words)
        return cls(**values)  # type: ignore[arg-type]
