"""The one selection routine: opener, source order, nothing dangling, no repeats."""

from __future__ import annotations

import pytest

from bot.adapters.tables import load_language
from bot.core.models import Article, Sentence
from bot.core.options import DigestOptions
from bot.core.pipeline import build_digest, summarize_article
from bot.core.selection import Candidate, choose_sentences, repeats
from bot.core.words import content_stems

LANG = load_language()
REFS = LANG.references


def cand(text: str, score: float, index: int, *, source: str = "a", rank: int = 0) -> Candidate:
    """One candidate sentence of item ``source`` in one line."""
    return Candidate(
        sentence=Sentence(text=text, source=source, item=source, index=index),
        stems=frozenset(content_stems(text, LANG.stopwords)),
        score=score,
        rank=rank,
        eligible=True,
        complete=True,
    )


def texts(chosen: tuple[Candidate, ...]) -> list[str]:
    return [c.sentence.text for c in chosen]


LEAD = "Die Regierung hat am Montag ein neues Gesetz für Mieter beschlossen."
NEWS = "Die Polizei hat in Köln einen Bankräuber nach kurzer Flucht festgenommen."
ZUDEM = "Zudem sollen die Mieten in den Großstädten nicht mehr so stark steigen."
MANN = "Der Mann wurde noch am Abend einem Haftrichter vorgeführt."
INTRO = "Ein Mann hat am Montag in Köln eine Bank überfallen und Geld erbeutet."
QUESTION = "Wie geht es nach dem Beschluss der Regierung für die Mieter weiter?"


@pytest.mark.parametrize(
    ("candidates", "n", "expected"),
    [
        ((), 3, []),
        ((cand(LEAD, 0.5, 0),), 0, []),
        ((cand(LEAD, 0.5, 0),), 3, [LEAD]),
        ((cand(QUESTION, 0.9, 0), cand(LEAD, 0.4, 1)), 1, [LEAD]),
        ((cand(LEAD, 0.3, 0), cand(ZUDEM, 0.9, 1), cand(NEWS, 0.2, 2)), 1, [LEAD]),
        ((cand(NEWS, 0.5, 0), cand(LEAD, 0.3, 1), cand(ZUDEM, 0.9, 2)), 3, [NEWS, LEAD, ZUDEM]),
        ((cand(NEWS, 0.5, 0), cand(LEAD, 0.1, 1), cand(ZUDEM, 0.9, 2)), 2, [NEWS, LEAD]),
        ((cand(MANN, 0.9, 0), cand(LEAD, 0.3, 1)), 2, [LEAD]),
        ((cand(INTRO, 0.5, 0), cand(LEAD, 0.1, 1), cand(MANN, 0.4, 2)), 2, [INTRO, MANN]),
        ((cand(LEAD, 0.5, 0), cand(LEAD.replace("Montag", "Dienstag"), 0.5, 1)), 2, [LEAD]),
    ],
    ids=[
        "empty",
        "n-zero",
        "one-sentence",
        "question-cannot-open",
        "connective-without-its-sentence-left-out",
        "connective-after-its-sentence",
        "no-room-for-the-sentence-it-needs",
        "description-never-introduced",
        "description-introduced",
        "repeat-left-out",
    ],
)
def test_choose_sentences(candidates: tuple[Candidate, ...], n: int, expected: list[str]) -> None:
    assert texts(choose_sentences(candidates, n=n, refs=REFS)) == expected


def test_sources_in_their_own_order_lead_source_first() -> None:
    candidates = (
        cand(NEWS, 0.3, 0, source="a", rank=0),
        cand(LEAD, 0.9, 0, source="b", rank=1),
        cand(INTRO, 0.2, 3, source="b", rank=1),
    )
    assert texts(choose_sentences(candidates, n=3, refs=REFS)) == [LEAD, INTRO, NEWS]


def test_nothing_before_the_opener_in_its_source() -> None:
    # The lead of n = 1 stays the first sentence of n = 3.
    candidates = (cand(NEWS, 0.3, 0), cand(LEAD, 0.9, 1), cand(INTRO, 0.5, 2))
    one = choose_sentences(candidates, n=1, refs=REFS)
    three = choose_sentences(candidates, n=3, refs=REFS)
    assert texts(one) == [LEAD]
    assert texts(three)[0] == LEAD


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (LEAD, LEAD, True),
        (LEAD, NEWS, False),
        (
            "Bei dem Unglück starben 12 Menschen in der Stadt.",
            "In der Stadt kamen 12 Menschen ums Leben, teilte die Polizei mit.",
            True,
        ),
        (
            "Bei dem Unglück starben 12 Menschen in der Stadt.",
            "Die Feuerwehr war mit 12 Fahrzeugen im Einsatz.",
            False,
        ),
    ],
    ids=["same", "different", "same-figure-same-words", "same-figure-other-words"],
)
def test_repeats(a: str, b: str, expected: bool) -> None:
    assert repeats(cand(a, 0.5, 0), cand(b, 0.5, 1)) is expected


def test_short_lead_can_be_chosen() -> None:
    # Shorter than min_sentence_chars, and the only sentence that can open the story.
    text = (
        "Max Muster ist tot. Wie wird Wien den großen Schauspieler in Erinnerung behalten? "
        "Zudem trauern in ganz Wien viele Menschen um den Schauspieler und Regisseur."
    )
    article = Article(id="a", text=text)
    settings = DigestOptions(min_sentence_chars=30)
    assert summarize_article(article, n=1, settings=settings, lang=LANG) == (
        "Max Muster ist tot.",
    )


def test_digest_lead_is_the_summary() -> None:
    text = " ".join([QUESTION, LEAD, ZUDEM, NEWS])
    article = Article(id="a", text=text)
    settings = DigestOptions()
    digest = build_digest([article], settings=settings, lang=LANG)
    summary = summarize_article(article, n=1, settings=settings, lang=LANG)
    assert summary == (digest.stories[0].sentences[0].text,)
    assert digest.stories[0].sentences[0].text != QUESTION
