from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.tables import load_language
from bot.core.scoring import score_sentences, select_sentences, word_probabilities

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


@pytest.mark.parametrize(
    ("sentence", "expected_lower"),
    [
        ("Er verhandelt mit der Regierung über neue All-in-Verträge.", True),
        ("Dabei verhandelt die Gewerkschaft über neue All-in-Verträge.", True),
        ("Verhandelt die Gewerkschaft über neue All-in-Verträge?", True),
        ("Die Gewerkschaft verhandelt über neue All-in-Verträge.", False),
    ],
    ids=["pronoun", "connective", "question", "stands-alone"],
)
def test_dependent_sentences_are_marked_down(sentence: str, expected_lower: bool) -> None:
    plain = "Die Gewerkschaft verhandelt über neue All-in-Verträge."
    scores = score((*ARTICLE, sentence))
    reference = score((*ARTICLE, plain))
    assert (scores[-1] < reference[-1]) is expected_lower


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


@pytest.mark.parametrize(
    ("sentences", "scores", "n", "min_chars", "max_chars", "expected"),
    [
        ((), (), 3, 0, None, ()),
        (("A eins.",), (0.5,), 0, 0, None, ()),
        (("A eins.", "B zwei.", "C drei."), (0.1, 0.9, 0.5), 2, 0, None, (1, 2)),
        (("A eins.", "B zwei.", "C drei."), (0.1, 0.9, 0.5), 5, 0, None, (0, 1, 2)),
        (("A eins.", "B zwei ist lang.", "C drei."), (0.1, 0.9, 0.5), 1, 0, 10, (2,)),
        (("A.", "B zwei ist lang.", "C drei."), (0.9, 0.1, 0.5), 1, 5, None, (2,)),
        (("A eins.", "B zwei.", "C drei."), (0.5, 0.5, 0.5), 1, 0, None, (0,)),
        (
            ("Der Bund zahlt mehr.", "Der Bund zahlt mehr!", "Die Länder sparen."),
            (0.9, 0.8, 0.1),
            2,
            0,
            None,
            (0, 2),
        ),
    ],
    ids=[
        "empty",
        "n-zero",
        "best-two-in-text-order",
        "n-larger-than-input",
        "overlong-skipped",
        "too-short-skipped",
        "tie-goes-to-earlier",
        "near-duplicate-skipped",
    ],
)
def test_select_sentences(
    sentences: tuple[str, ...],
    scores: tuple[float, ...],
    n: int,
    min_chars: int,
    max_chars: int | None,
    expected: tuple[int, ...],
) -> None:
    actual = select_sentences(sentences, scores, n=n, min_chars=min_chars, max_chars=max_chars)
    assert actual == expected


WORDS = st.sampled_from(
    [
        "Regierung",
        "Wien",
        "Bund",
        "Länder",
        "er",
        "sagte",
        "Prozent",
        "Millionen",
        "neue",
        "Gesetz",
        "Dabei",
        "Polizei",
        "27",
        "„Nein“",
        "und",
    ]
)
SENTENCES = st.lists(
    st.lists(WORDS, min_size=1, max_size=25).map(lambda words: " ".join(words) + "."),
    max_size=12,
)


@given(
    sentences=SENTENCES,
    n=st.integers(min_value=0, max_value=5),
    max_chars=st.one_of(st.none(), st.integers(min_value=1, max_value=200)),
)
def test_selection_properties(sentences: list[str], n: int, max_chars: int | None) -> None:
    scores = score(tuple(sentences))
    assert scores == score(tuple(sentences))
    chosen = select_sentences(sentences, scores, n=n, max_chars=max_chars)
    assert len(chosen) <= n
    assert list(chosen) == sorted(set(chosen))
    assert all(max_chars is None or len(sentences[i]) <= max_chars for i in chosen)
    texts = [sentences[i] for i in chosen]
    assert len(texts) == len(set(texts))
