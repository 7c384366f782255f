from __future__ import annotations

import pytest

from bot.adapters.tables import load_language
from bot.core.scoring import score_sentences, word_probabilities

STOPWORDS = load_language().stopwords

ARTICLE = (
    "Die Gewerkschaft GPA-djp sieht Handlungsbedarf bei sogenannten All-in-Verträgen.",
    "Für mehr Transparenz hat die Gewerkschaft nun ein Online-Werkzeug für All-in-Verträge "
    "lanciert.",
    "Er sagte das am Montag.",
    "Im Bauwesen liege der Anteil der All-in-Verträge bei 27 Prozent.",
)


def score(sentences: tuple[str, ...], title: str = "") -> tuple[float, ...]:
    return score_sentences(sentences, title=title, stopwords=STOPWORDS)


@pytest.mark.parametrize(
    ("sentences", "expected_len"),
    [((), 0), (("Ein Satz.",), 1), (ARTICLE, 4)],
    ids=["empty", "one-sentence", "article"],
)
def test_one_score_per_sentence_in_0_to_1(sentences: tuple[str, ...], expected_len: int) -> None:
    scores = score(sentences)
    assert len(scores) == expected_len
    assert all(0.0 <= value <= 1.0 for value in scores)


def test_scoring_is_deterministic() -> None:
    assert score(ARTICLE) == score(ARTICLE)


def test_pronoun_opener_scores_below_the_news() -> None:
    scores = score(ARTICLE)
    assert scores[2] < scores[0]


def test_title_words_lift_their_sentence() -> None:
    sentences = (
        "Die Regierung plant ein neues Budget für Schulen.",
        "Der Fußballklub gewann das Derby gegen Rapid klar.",
    )
    untitled = score(sentences)
    titled = score(sentences, title="Derby: Klub schlägt Rapid")
    assert titled[1] > untitled[1]
    assert titled[0] == untitled[0]


def test_title_that_repeats_the_first_sentence_is_ignored() -> None:
    # The cleaner names an untitled item after its first sentence, shortened with "…".
    assert score(ARTICLE, title="Die Gewerkschaft GPA-djp sieht Handlungsbedarf …") == score(
        ARTICLE
    )


def test_repeated_early_noun_is_a_likelier_teaser_word_than_a_late_one_off() -> None:
    probabilities = word_probabilities(ARTICLE, stopwords=STOPWORDS)
    assert all(0.0 < value < 1.0 for value in probabilities.values())
    assert probabilities["vertrag"] > probabilities["bauwes"]
