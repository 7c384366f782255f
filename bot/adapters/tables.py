"""Load the language tables shipped as package data in ``bot/core/data``."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from bot.core.figure_words import FigureWords
from bot.core.language import Language, Outlet, References


def _lines(name: str) -> list[str]:
    text = resources.files("bot.core.data").joinpath(name).read_text(encoding="utf-8")
    return [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("bot.core.data").joinpath(name).read_text("utf-8"))


def _outlets() -> tuple[Outlet, ...]:
    raw = _toml("outlets.toml")
    return tuple(
        Outlet(
            name=entry["name"],
            kind=entry.get("kind", "outlet"),
            aliases=tuple(entry.get("aliases", ())),
        )
        for entry in raw.get("outlet", ())
    )


def _references() -> References:
    raw = _toml("references.toml")

    def words(section: str, key: str) -> frozenset[str]:
        return frozenset(word.lower() for word in raw[section][key])

    openers = raw["openers"]
    return References(
        openers=frozenset(
            word
            for key in (
                "pronouns",
                "possessives",
                "demonstratives",
                "connectives",
                "more_connectives",
            )
            for word in openers[key]
        ),
        focus_particles=words("openers", "focus_particles"),
        demonstrative_articles=words("openers", "demonstrative_articles"),
        verbs_after_demonstrative=words("openers", "verbs_after_demonstrative"),
        clause_pronouns=words("clause", "pronouns") | words("clause", "connectives"),
        speech_verbs=words("speech", "verbs"),
        speech_pronouns=words("speech", "pronouns"),
        speech_articles=words("speech", "articles"),
        definite_articles=words("definite", "articles"),
        definite_nouns=tuple(sorted(words("definite", "nouns"))),
        age_suffixes=tuple(sorted(words("definite", "age_suffixes"))),
        specifiers=words("definite", "specifiers"),
        scene_words=words("openings", "scene_words"),
        scene_pairs=words("openings", "scene_pairs"),
    )


def _figure_words() -> FigureWords:
    return FigureWords.from_table(_toml("figures.toml"))


@cache
def load_language() -> Language:
    """Return the German tables (read once per process)."""
    return Language(
        stopwords=frozenset(_lines("stopwords.txt")),
        abbreviations=frozenset(_lines("abbreviations.txt")),
        outlets=_outlets(),
        references=_references(),
        figures=_figure_words(),
    )
