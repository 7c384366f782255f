"""Story grouping and story assembly on small German examples."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.adapters.tables import load_language
from bot.core.clean import clean_article
from bot.core.digest import build_stories
from bot.core.models import Article, Item
from bot.core.options import DigestOptions
from bot.core.stories import group_items

LANG = load_language()
BERLIN = ZoneInfo("Europe/Berlin")

FLOOD_A = (
    "Hochwasser in Passau: Pegel steigt\n\nDas Hochwasser der Donau hat in Passau einen "
    "Pegelstand von zwölf Metern erreicht. Die Altstadt wurde evakuiert, rund 2.000 Menschen "
    "mussten ihre Häuser verlassen. Die Feuerwehr baute Sandsäcke an der Uferpromenade auf."
)
FLOOD_B = (
    "Passau evakuiert Altstadt\n\nIn Passau hat die Donau einen Pegelstand von zwölf Metern "
    "erreicht, die Altstadt ist evakuiert. Etwa 2.000 Menschen verließen ihre Häuser, die "
    "Feuerwehr schichtete Sandsäcke an der Uferpromenade auf."
)
BUDGET = (
    "Bundestag beschließt Haushalt\n\nDer Bundestag hat den Haushalt für das kommende Jahr "
    "beschlossen. Die Ausgaben steigen auf 480 Milliarden Euro, die Opposition kritisierte "
    "die neuen Schulden scharf."
)
FOOTBALL = (
    "Bayern gewinnt in Dortmund\n\nDer FC Bayern hat das Spitzenspiel in Dortmund mit 3:1 "
    "gewonnen. Kane traf zweimal, die Gastgeber blieben im Sturm harmlos."
)


def items_of(*texts: str) -> list[Item]:
    return [
        item
        for n, text in enumerate(texts)
        for item in clean_article(Article(id=f"a{n}", text=text), lang=LANG, zone=BERLIN)
    ]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ((), ()),
        ((BUDGET,), ((0,),)),
        ((FLOOD_A, FLOOD_B), ((0, 1),)),
        ((FLOOD_A, BUDGET, FLOOD_B, FOOTBALL), ((0, 2), (1,), (3,))),
        ((BUDGET, FOOTBALL), ((0,), (1,))),
    ],
    ids=["empty", "one", "same-event-two-outlets", "mixed", "unrelated"],
)
def test_group_items(texts: tuple[str, ...], expected: tuple[tuple[int, ...], ...]) -> None:
    assert group_items(items_of(*texts), stopwords=LANG.stopwords) == expected


def test_shared_agency_sentence_joins_otherwise_different_articles() -> None:
    shared = (
        "Die Regierung hat am Montag ein Hilfspaket für Landwirte in Höhe von 300 Millionen "
        "Euro beschlossen."
    )
    a = f"Hilfen für Bauern\n\n{shared} {FOOTBALL.split(chr(10))[-1]}"
    b = f"Agrarpolitik\n\n{BUDGET.split(chr(10))[-1]} {shared}"
    assert group_items(items_of(a, b), stopwords=LANG.stopwords) == ((0, 1),)


def test_story_sentences_and_sources() -> None:
    (story,) = build_stories(items_of(FLOOD_A, FLOOD_B), settings=DigestOptions(), lang=LANG)
    assert [s.id for s in story.sources] == ["a0", "a1"]
    assert 1 <= len(story.sentences) <= 3
    texts = FLOOD_A + FLOOD_B
    for sentence in story.sentences:
        assert sentence.text in texts
    assert story.title in {"Hochwasser in Passau: Pegel steigt", "Passau evakuiert Altstadt"}


def test_settings_bound_the_story() -> None:
    settings = DigestOptions(sentences_per_story=1, max_sentence_chars=90, min_sentence_chars=10)
    stories = build_stories(items_of(FLOOD_A, BUDGET), settings=settings, lang=LANG)
    for story in stories:
        assert len(story.sentences) == 1
        assert len(story.sentences[0].text) <= 90


def test_overlong_sentences_are_skipped_not_cut() -> None:
    settings = DigestOptions(max_sentence_chars=70, min_sentence_chars=10)
    (story,) = build_stories(items_of(BUDGET), settings=settings, lang=LANG)
    assert [s.text for s in story.sentences] == [
        "Der Bundestag hat den Haushalt für das kommende Jahr beschlossen."
    ]


def test_story_without_a_sentence_in_bounds_is_left_out() -> None:
    settings = DigestOptions(max_sentence_chars=40, min_sentence_chars=10)
    assert build_stories(items_of(BUDGET), settings=settings, lang=LANG) == ()


def test_stories_with_more_sources_come_first() -> None:
    stories = build_stories(
        items_of(BUDGET, FLOOD_A, FOOTBALL, FLOOD_B), settings=DigestOptions(), lang=LANG
    )
    assert [len(s.sources) for s in stories] == [2, 1, 1]
    assert {s.id for s in stories[0].sources} == {"a1", "a3"}


def _dated(*pairs: tuple[str, str]) -> list[Item]:
    from datetime import datetime

    return [
        item
        for n, (text, when) in enumerate(pairs)
        for item in clean_article(
            Article(id=f"a{n}", text=text, published=datetime.fromisoformat(when)),
            lang=LANG,
            zone=BERLIN,
        )
    ]


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ("2024-06-26T18:00:00+02:00", ((0, 1),)),
        ("2024-06-29T08:00:00+02:00", ((0,), (1,))),
        ("2024-07-24T08:00:00+02:00", ((0,), (1,))),
    ],
    ids=["same-day", "three-days-apart", "four-weeks-apart"],
)
def test_items_far_apart_need_more_in_common(
    second: str, expected: tuple[tuple[int, ...], ...]
) -> None:
    # Same topic, partly other words: enough for one news cycle, not across days.
    later = (
        "Passau räumt auf\n\nNach dem Hochwasser der Donau räumt Passau die Altstadt auf. "
        "Die Feuerwehr entfernt die Sandsäcke an der Uferpromenade, die Menschen kehren in "
        "ihre Häuser zurück."
    )
    items = _dated((FLOOD_A, "2024-06-26T08:00:00+02:00"), (later, second))
    assert group_items(items, stopwords=LANG.stopwords) == expected


def test_required_similarity_grows_with_time() -> None:
    from bot.core.stories import (
        APART_SIMILARITY,
        DISTANT_SIMILARITY,
        MERGE_SIMILARITY,
        required_similarity,
    )

    assert [required_similarity(h) for h in (None, 0.0, 36.0, 37.0, 168.0, 169.0)] == [
        MERGE_SIMILARITY,
        MERGE_SIMILARITY,
        MERGE_SIMILARITY,
        APART_SIMILARITY,
        APART_SIMILARITY,
        DISTANT_SIMILARITY,
    ]


def test_next_stage_of_a_race_is_its_own_story() -> None:
    stage = (
        "Tour de France: {n}. Etappe an Pogačar\n\nTadej Pogačar hat die {n}. Etappe der Tour "
        "de France gewonnen. Der Slowene siegte im Sprint vor Jonas Vingegaard und baute "
        "seinen Vorsprung in der Gesamtwertung aus."
    )
    items = items_of(stage.format(n=2), stage.format(n=3))
    assert group_items(items, stopwords=LANG.stopwords) == ((0,), (1,))
    same = items_of(stage.format(n=2), stage.format(n=2))
    assert group_items(same, stopwords=LANG.stopwords) == ((0, 1),)


def test_word_for_word_copies_join_the_first_ones_story() -> None:
    # More copies than the grouping's posting caps allow: they would never be grouped.
    copies = [Article(id=f"c{n}", text=FLOOD_A) for n in range(120)]
    items = [
        item
        for article in [*copies, Article(id="b", text=BUDGET)]
        for item in clean_article(article, lang=LANG, zone=BERLIN)
    ]
    stories = build_stories(items, settings=DigestOptions(), lang=LANG)
    assert [len(s.items) for s in stories] == [120, 1]
    assert [[x.id for x in s.sources] for s in stories] == [["c0"], ["b"]]
