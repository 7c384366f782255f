"""Editions over time: continuation of posted stories and what an update adds."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.tables import load_language
from bot.core.clean import clean_article
from bot.core.digest import document_frequencies
from bot.core.editions import (
    PostedStory,
    adds_information,
    continued_stories,
    make_edition,
    posted_stories,
)
from bot.core.models import Article, Continuation, Digest, Item, Source
from bot.core.options import DigestOptions

LANG = load_language()
BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2024, 6, 26, 7, 0, tzinfo=UTC)
NOON = datetime(2024, 6, 26, 12, 0, tzinfo=UTC)
OPTIONS = DigestOptions()

FLOOD = (
    "Hochwasser in Passau: Pegel steigt\n\nDas Hochwasser der Donau hat in Passau einen "
    "Pegelstand von zwölf Metern erreicht. Die Altstadt wurde evakuiert, rund 2.000 Menschen "
    "mussten ihre Häuser verlassen. Die Feuerwehr baute Sandsäcke an der Uferpromenade auf."
)
FLOOD_AGAIN = (
    "Passau evakuiert Altstadt\n\nIn Passau hat die Donau einen Pegelstand von zwölf Metern "
    "erreicht, die Altstadt wurde evakuiert. Die Feuerwehr baute Sandsäcke an der "
    "Uferpromenade auf."
)
FLOOD_LATER = (
    "Hochwasser in Passau: Pegel sinkt\n\nDas Hochwasser der Donau in Passau geht zurück, der "
    "Pegel sank am Morgen auf neun Meter. Die Altstadt wurde evakuiert, rund 2.000 Menschen "
    "mussten ihre Häuser verlassen. Die Stadt rechnet mit Schäden von 50 Millionen Euro an "
    "Häusern und Straßen."
)
BUDGET = (
    "Bundestag beschließt Haushalt\n\nDer Bundestag hat den Haushalt für das kommende Jahr "
    "beschlossen. Die Ausgaben steigen auf 480 Milliarden Euro, die Opposition kritisierte "
    "die neuen Schulden scharf."
)
PASSAU_FOOTBALL = (
    "Passau feiert Aufstieg\n\nDer 1. FC Passau ist nach einem 2:0 gegen Bayreuth in die "
    "Regionalliga aufgestiegen. Tausende Fans feierten die Mannschaft in der Innenstadt."
)
DERBY = (
    "Bayern gewinnt in Dortmund\n\nDer FC Bayern hat das Spitzenspiel in Dortmund mit 3:1 "
    "gewonnen. Kane traf zweimal, die Gastgeber blieben im Sturm harmlos."
)
WEATHER = (
    "Hitzewelle erreicht Spanien\n\nIn Sevilla wurden am Dienstag 44 Grad gemessen. Die "
    "Behörden riefen die höchste Warnstufe aus und schlossen Schulen am Nachmittag."
)


def items_of(article_id: str, text: str) -> list[Item]:
    return list(clean_article(Article(id=article_id, text=text), lang=LANG, zone=BERLIN))


def posted_edition(digest_id: int, *articles: tuple[str, str]) -> tuple[PostedStory, ...]:
    """Post an edition of these (id, text) articles; return its stories as later ones see them."""
    given = [Article(id=article_id, text=text) for article_id, text in articles]
    items = [item for article_id, text in articles for item in items_of(article_id, text)]
    digest = make_edition(items, (), settings=OPTIONS, lang=LANG, created=MORNING)
    return posted_stories([(digest_id, digest)], given, settings=OPTIONS, lang=LANG)


def edition(posted: tuple[PostedStory, ...], *articles: tuple[str, str]) -> Digest:
    items = [item for article_id, text in articles for item in items_of(article_id, text)]
    return make_edition(items, posted, settings=OPTIONS, lang=LANG, created=NOON)


@pytest.mark.parametrize(
    ("sentence", "shown", "expected"),
    [
        ("Die Altstadt wurde evakuiert.", [], True),
        ("Die Feuerwehr baute Sandsäcke auf.", ["Die Feuerwehr baute Sandsäcke auf."], False),
        (
            "In Passau hat die Donau einen Pegelstand von zwölf Metern erreicht.",
            ["Das Hochwasser der Donau hat in Passau einen Pegelstand von zwölf Metern erreicht."],
            False,
        ),
        (
            "Die Feuerwehr in Passau baute Sandsäcke auf.",
            ["Die Feuerwehr baute Sandsäcke an der Uferpromenade auf.", "Passau ist evakuiert."],
            False,
        ),
        (
            "In Passau sind nun 3.000 Menschen evakuiert.",
            ["In Passau sind 2.000 Menschen evakuiert."],
            True,
        ),
        (
            "Die Stadt rechnet mit Schäden an Häusern und Straßen.",
            ["Die Altstadt von Passau wurde evakuiert."],
            True,
        ),
        ("Und dann?", ["Die Altstadt von Passau wurde evakuiert."], False),
    ],
    ids=[
        "nothing-shown",
        "verbatim-repeat",
        "reworded-repeat",
        "covered-by-two-sentences",
        "new-figure-in-familiar-words",
        "new-facts",
        "no-content-words",
    ],
)
def test_adds_information(sentence, shown, expected):
    assert adds_information(sentence, shown, stopwords=LANG.stopwords) is expected


@pytest.mark.parametrize(
    ("text", "continues"),
    [
        (FLOOD_LATER, True),
        (FLOOD_AGAIN, True),
        (BUDGET, False),
        (PASSAU_FOOTBALL, False),
    ],
    ids=["follow-up", "same-report-again", "other-event", "same-town-other-event"],
)
def test_continued_stories_needs_the_same_event(text, continues):
    posted = posted_edition(1, ("flut", FLOOD))
    new = items_of("neu", text)
    both = document_frequencies([*new, *(i for p in posted for i in p.items)], LANG.stopwords)

    found = continued_stories(new, posted, idf=both, stopwords=LANG.stopwords)

    assert found == (posted if continues else ())


def test_a_follow_up_is_an_update_with_only_what_it_adds():
    posted = posted_edition(7, ("flut", FLOOD))

    digest = edition(posted, ("flut-2", FLOOD_LATER), ("haushalt", BUDGET))

    update = next(story for story in digest.stories if story.continues)
    assert update.continues == Continuation(
        title="Hochwasser in Passau: Pegel steigt",
        digest=7,
        number=1,
        posted=MORNING,
        sources=(Source(id="flut", title="Hochwasser in Passau: Pegel steigt"),),
    )
    assert [s.text for s in update.sentences] == [
        "Das Hochwasser der Donau in Passau geht zurück, der Pegel sank am Morgen auf neun Meter.",
        "Die Stadt rechnet mit Schäden von 50 Millionen Euro an Häusern und Straßen.",
    ]
    assert [s.id for s in update.sources] == ["flut-2"]
    assert [story.title for story in digest.stories if not story.continues] == [
        "Bundestag beschließt Haushalt"
    ]


def test_a_story_that_adds_nothing_is_left_out_and_the_next_one_moves_up():
    posted = posted_edition(1, ("flut", FLOOD))

    digest = edition(posted, ("flut-kopie", FLOOD_AGAIN), ("haushalt", BUDGET))

    assert [story.title for story in digest.stories] == ["Bundestag beschließt Haushalt"]
    assert digest.items == ("haushalt",)


def test_without_posted_stories_an_edition_is_the_digest():
    digest = edition((), ("flut", FLOOD), ("haushalt", BUDGET))

    assert [story.continues for story in digest.stories] == [None, None]
    assert len(digest.stories) == 2


def test_an_update_of_an_update_lists_every_earlier_source():
    first = posted_edition(1, ("flut", FLOOD))
    second = edition(first, ("flut-2", FLOOD_LATER))
    (update,) = second.stories
    later = posted_stories(
        [(1, Digest(stories=tuple(p.story for p in first))), (2, second)],
        [Article(id="flut", text=FLOOD), Article(id="flut-2", text=FLOOD_LATER)],
        settings=OPTIONS,
        lang=LANG,
    )
    third_text = FLOOD_LATER.replace("neun", "acht").replace(
        "Die Stadt rechnet", "Die Bahn sperrte die Strecke nach Wien, die Stadt rechnet"
    )

    third = edition(later, ("flut-3", third_text))

    (story,) = third.stories
    assert story.continues is not None
    assert (story.continues.digest, story.continues.title) == (2, update.title)
    assert [s.id for s in story.continues.sources] == ["flut", "flut-2"]


SENTENCES = [
    "Das Hochwasser der Donau hat in Passau einen Pegelstand von zwölf Metern erreicht.",
    "Die Altstadt wurde evakuiert, rund 2.000 Menschen mussten ihre Häuser verlassen.",
    "Die Feuerwehr baute Sandsäcke an der Uferpromenade in Passau auf.",
    "Der Pegel der Donau in Passau sank am Morgen auf neun Meter.",
    "Die Stadt Passau rechnet nach dem Hochwasser mit Schäden von 50 Millionen Euro.",
    "Der Bundestag hat den Haushalt für das kommende Jahr beschlossen.",
    "Die Ausgaben des Bundes steigen auf 480 Milliarden Euro.",
    "Die Opposition im Bundestag kritisierte die neuen Schulden scharf.",
]
batch = st.lists(
    st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4, unique=True).map(" ".join),
    min_size=1,
    max_size=3,
)


def _flat(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=40, deadline=None)
@given(first=batch, second=batch)
def test_an_update_never_repeats_a_sentence_of_the_story_it_continues(first, second):
    posted = posted_edition(1, *((f"a{n}", text) for n, text in enumerate(first)))
    digest = edition(posted, *((f"b{n}", text) for n, text in enumerate(second)))

    assert len(digest.stories) <= OPTIONS.stories
    for story in digest.stories:
        assert {s.id for s in story.sources}.isdisjoint({f"a{n}" for n in range(len(first))})
        if story.continues is None:
            continue
        (earlier,) = [p for p in posted if p.number == story.continues.number]
        shown = {_flat(s.text) for s in earlier.story.sentences}
        assert shown.isdisjoint(_flat(s.text) for s in story.sentences)


FOOTER = (
    "Die Redaktion behält sich vor, Postings zu entfernen, die gegen die Forenregeln "
    "verstoßen oder beleidigende Inhalte enthalten."
)


def test_a_footer_many_articles_print_is_no_evidence_of_the_same_event():
    posted = posted_edition(1, ("flut", f"{FLOOD} {FOOTER}"))
    texts = [BUDGET, PASSAU_FOOTBALL, DERBY, WEATHER]

    digest = edition(posted, *((f"x{n}", f"{text} {FOOTER}") for n, text in enumerate(texts)))

    assert digest.stories
    assert [story.continues for story in digest.stories] == [None] * len(digest.stories)
