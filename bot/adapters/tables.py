"""Load the language tables shipped as package data in ``bot/core/data``."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from bot.core.figure_words import FigureWords
from bot.core.language import Language, Outlet


def _lines(name: str) -> list[str]:
    text = resources.files("bot.core.data").joinpath(name).read_text(encoding="utf-8")
    return [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


def _outlets() -> tuple[Outlet, ...]:
    data = resources.files("bot.core.data").joinpath("outlets.toml")
    if not data.is_file():
        return ()
    raw = tomllib.loads(data.read_text(encoding="utf-8"))
    return tuple(
        Outlet(
            name=entry["name"],
            kind=entry.get("kind", "outlet"),
            aliases=tuple(entry.get("aliases", ())),
        )
        for entry in raw.get("outlet", ())
    )


def _figure_words() -> FigureWords:
    data = resources.files("bot.core.data").joinpath("figures.toml")
    return FigureWords.from_table(tomllib.loads(data.read_text(encoding="utf-8")))


@cache
def load_language() -> Language:
    """Return the German tables (read once per process)."""
    return Language(
        stopwords=frozenset(_lines("stopwords.txt")),
        abbreviations=frozenset(_lines("abbreviations.txt")),
        outlets=_outlets(),
        figures=_figure_words(),
    )
