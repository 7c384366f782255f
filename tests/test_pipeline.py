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
        (
            "Streik bei der Bahn. Viele Züge fallen aus.",
            ["Streik bei der Bahn."],
        ),
        ("Wort " * 200 + "Ende.", []),
        (
            "Der Bundestag hat am Donnerstag ein Gesetz beschlossen. Gut so.",
            ["Der Bundestag hat am Donnerstag ein Gesetz beschlossen."],
        ),
    ],
    ids=["empty", "short-lead-kept", "overlong-never", "short-sentence-left-out"],
)
def test_summarize_bounds(text: str, expected: list[str]) -> None:
    article = Article(id="a", text=text)
    settings = DigestOptions(max_sentence_chars=320, min_sentence_chars=30)
    assert list(summarize_article(article, n=3, settings=settings, lang=LANG)) == expected


def test_article_figures_are_the_figures_of_its_one_article_digest() -> None:
    from bot.adapters.files import read_inputs
    from bot.core.pipeline import article_figures, build_digest
    from tests.conftest import SEEDS

    settings = DigestOptions()
    for article in read_inputs([SEEDS]).articles:
        digest = build_digest([article], settings=settings, lang=LANG)
        shown = tuple(f for story in digest.stories[:1] for f in story.figures)
        assert article_figures(article, settings=settings, lang=LANG) == shown


def test_summary_is_the_lead_of_the_one_article_digest_on_the_seeds() -> None:
    from bot.adapters.files import read_inputs
    from bot.core.pipeline import build_digest
    from tests.conftest import SEEDS

    settings = DigestOptions()
    for article in read_inputs([SEEDS]).articles:
        digest = build_digest([article], settings=settings, lang=LANG)
        summary = summarize_article(article, n=1, settings=settings, lang=LANG)
        assert summary == (digest.stories[0].sentences[0].text,)
