"""The language tables the core works with, passed in as one value."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.figure_words import FigureWords


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news outlet or agency and the spellings that name it in a text.

    Attributes:
        name: How Kurzlage names it (``tagesschau``, ``dpa``).
        kind: ``outlet`` for a publisher, ``agency`` for a news agency.
        aliases: Spellings that name it (``TAG24``, ``Deutsche Presse-Agentur``).
    """

    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Language:
    """German language tables, loaded from package data by ``bot.adapters.tables``.

    Attributes:
        stopwords: Lower-case function words and reporting verbs.
        abbreviations: Abbreviations that do not end a sentence, without their final dot
            (``z. B`` is stored as ``z. B``; ``Nr`` as ``Nr``).
        outlets: Known outlets and agencies.
        figures: Word lists of the key-figure analysis.
    """

    stopwords: frozenset[str]
    abbreviations: frozenset[str]
    outlets: tuple[Outlet, ...] = ()
    figures: FigureWords = field(default_factory=FigureWords)
