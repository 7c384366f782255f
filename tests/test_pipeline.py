"""The pipeline's entry points on edge cases of one article."""

from __future__ import annotations

import pytest

from bot.adapters.tables import load_language
from bot.core.models import Article
from bot.core.options import DigestOptions
from bot.core.pipeline import summarize_article

LANG = load_language()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("Kurz. Knapp.", ["Kurz.", "Knapp."]),
        ("Wort " * 200 + "Ende.", []),
        (
            "Der Bundestag hat am Donnerstag ein Gesetz beschlossen. Gut so.",
            ["Der Bundestag hat am Donnerstag ein Gesetz beschlossen."],
        ),
    ],
    ids=["empty", "short-note-kept", "overlong-never", "short-sentence-left-out"],
)
def test_summarize_bounds(text: str, expected: list[str]) -> None:
    article = Article(id="a", text=text)
    settings = DigestOptions(max_sentence_chars=320, min_sentence_chars=30)
    assert list(summarize_article(article, n=3, settings=settings, lang=LANG)) == expected
