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
class References:
    """Words that make a sentence lean on an earlier one (``data/references.toml``).

    Attributes:
        openers: First words that point back (pronouns, possessives, demonstratives,
            connective adverbs).
        focus_particles: Particles that may stand before such a first word (``Genau``).
        demonstrative_articles: ``der``/``die``/``das``/``dies``: demonstrative pronouns when
            one of ``verbs_after_demonstrative`` follows at once.
        verbs_after_demonstrative: Finite verbs that mark such a demonstrative.
        clause_pronouns: Personal pronouns (and connective adverbs) that point back when
            they stand in the first clause.
        speech_verbs: Reporting verbs (and ``so``) that introduce a speaker.
        speech_pronouns: Pronouns that, as the speaker, name nobody.
        speech_articles: Definite articles of a speaker described but not named.
        definite_articles: Articles of a definite description (``Der Mann``).
        definite_nouns: Endings of nouns of people and bodies that are introduced first.
        age_suffixes: Endings of ages used as nouns (``-Jährige``).
        specifiers: Words after such a noun that specify it in place (``Der Angriff auf``).
        scene_words: First words of scene-setters, which cannot open a story.
        scene_pairs: First two words of scene-setters (``es war``).
    """

    openers: frozenset[str] = frozenset()
    focus_particles: frozenset[str] = frozenset()
    demonstrative_articles: frozenset[str] = frozenset()
    verbs_after_demonstrative: frozenset[str] = frozenset()
    clause_pronouns: frozenset[str] = frozenset()
    speech_verbs: frozenset[str] = frozenset()
    speech_pronouns: frozenset[str] = frozenset()
    speech_articles: frozenset[str] = frozenset()
    definite_articles: frozenset[str] = frozenset()
    definite_nouns: tuple[str, ...] = ()
    age_suffixes: tuple[str, ...] = ()
    specifiers: frozenset[str] = frozenset()
    scene_words: frozenset[str] = frozenset()
    scene_pairs: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Language:
    """German language tables, loaded from package data by ``bot.adapters.tables``.

    Attributes:
        stopwords: Lower-case function words and reporting verbs.
        abbreviations: Abbreviations that do not end a sentence, without their final dot
            (``z. B`` is stored as ``z. B``; ``Nr`` as ``Nr``).
        outlets: Known outlets and agencies.
        references: When a sentence needs an earlier one (``bot.core.references``).
        figures: Word lists of the key-figure analysis.
    """

    stopwords: frozenset[str]
    abbreviations: frozenset[str]
    outlets: tuple[Outlet, ...] = ()
    references: References = References()
    figures: FigureWords = field(default_factory=FigureWords)
