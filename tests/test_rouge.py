from __future__ import annotations

import pytest

from tests.testkit.rouge import Rouge, lcs_length, ngram_f1, rouge, rouge_tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        ("Präsident", ("prasident",)),
        ("Die Größe der Häuser", ("die", "gross", "der", "haus")),
        ("US-Präsident Biden", ("us", "prasident", "bid")),
        ("2:1 in Wien", ("2", "1", "in", "wien")),
    ],
    ids=["empty", "umlaut-kept-and-stemmed", "sharp-s-and-plural", "hyphen-split", "digits"],
)
def test_rouge_tokens(text: str, expected: tuple[str, ...]) -> None:
    assert rouge_tokens(text) == expected


@pytest.mark.parametrize(
    ("candidate", "reference", "n", "expected"),
    [
        ((), ("a",), 1, 0.0),
        (("a", "b"), ("a", "b"), 1, 1.0),
        # overlap 1 of 2 candidate and 4 reference unigrams: P 1/2, R 1/4, F1 1/3
        (("a", "x"), ("a", "b", "c", "d"), 1, 1 / 3),
        # clipping: "a a a" against "a b" matches once: P 1/3, R 1/2, F1 2/5
        (("a", "a", "a"), ("a", "b"), 1, 0.4),
        # bigrams ab, bc against ab, bd: overlap 1, P 1/2, R 1/2
        (("a", "b", "c"), ("a", "b", "d"), 2, 0.5),
        (("a",), ("a",), 2, 0.0),
    ],
    ids=["empty", "identical", "partial", "clipped", "bigram", "too-short-for-bigram"],
)
def test_ngram_f1(
    candidate: tuple[str, ...], reference: tuple[str, ...], n: int, expected: float
) -> None:
    assert ngram_f1(candidate, reference, n) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((), ("a",), 0),
        (("a", "b", "c", "d"), ("a", "c", "d"), 3),
        (("a", "b", "c"), ("c", "b", "a"), 1),
        (("x", "a", "y", "b"), ("a", "b"), 2),
    ],
    ids=["empty", "gap", "reversed", "interleaved"],
)
def test_lcs_length(a: tuple[str, ...], b: tuple[str, ...], expected: int) -> None:
    assert lcs_length(a, b) == expected


def test_rouge_on_german_sentences() -> None:
    # Stems: die regier beschliesst das budg / das budg wurd beschloss.
    # unigram overlap das, budget = 2: P 2/5, R 2/4 -> F1 4/9; bigram "das budget": P 1/4,
    # R 1/3 -> F1 2/7; LCS "das budget" = 2 -> 4/9.
    actual = rouge("Die Regierung beschließt das Budget.", "Das Budget wurde beschlossen.")
    expected = Rouge(rouge1=4 / 9, rouge2=2 / 7, rouge_l=4 / 9)
    assert (actual.rouge1, actual.rouge2, actual.rouge_l) == pytest.approx(
        (expected.rouge1, expected.rouge2, expected.rouge_l)
    )
