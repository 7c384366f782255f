"""Cleaning scraped pages: every kind of clutter, as a small German example."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.adapters.tables import load_language
from bot.core.clean import clean_article, split_kicker
from bot.core.models import Article, Item

BERLIN = ZoneInfo("Europe/Berlin")
LANG = load_language()
BODY = "Der Bundestag hat am Donnerstag ein neues Gesetz zur Wärmewende beschlossen."


def clean(text: str, **meta: object) -> tuple[Item, ...]:
    return clean_article(Article(id="a1", text=text, **meta), lang=LANG, zone=BERLIN)  # type: ignore[arg-type]


def sentences(text: str) -> list[str]:
    return [s.text for item in clean(text) for s in item.sentences]


CLUTTER = [
    ("empty", "", []),
    ("one-sentence", BODY, [BODY]),
    (
        "copyright-line-and-caption",
        f"Ein Foto vom Bundestag in Berlin. (Archivbild)\nCopyright: Max Muster/dpa\n{BODY}",
        [BODY],
    ),
    (
        "caption-before-copyright-line",
        f"Abgeordnete stimmen im Plenum ab\nCopyright: Max Muster/dpa\n{BODY}",
        [BODY],
    ),
    (
        "repeated-caption-with-credit",
        f"{BODY}\n\nAbgeordnete im Plenum.\nAbgeordnete im Plenum.  © Max Muster / AFP\n\n"
        "Die Opposition stimmte dagegen.",
        [BODY, "Die Opposition stimmte dagegen."],
    ),
    (
        "titelfoto",
        f"{BODY}\n\nTitelfoto: Max Muster / AFP",
        [BODY],
    ),
    (
        "related-link-list",
        f"{BODY}\nAlles zum Thema Bundestag\n- „Streit“ Koalition uneins über Haushalt\n"
        "- Neue Umfrage Union vorn\nDie Opposition stimmte dagegen.",
        [BODY, "Die Opposition stimmte dagegen."],
    ),
    (
        "mehr-zum-thema-at-end",
        f"{BODY}\n\nMehr zum Thema Wärmewende:",
        [BODY],
    ),
    (
        "teaser-link-inside-text",
        f"{BODY}\n\nHeizungsgesetz: Was jetzt gilt\nEnergie Heizungsgesetz: Was jetzt gilt\n\n"
        "Die Opposition stimmte dagegen.",
        [BODY, "Die Opposition stimmte dagegen."],
    ),
    (
        "stand-line",
        f"Stand: 26.06.2024 07:27 Uhr\n\n{BODY}",
        [BODY],
    ),
    (
        "program-note",
        f"{BODY}\n\nDieses Thema im Programm: Über dieses Thema berichtete Deutschlandfunk am "
        "26. Juni 2024 um 08:00 Uhr.",
        [BODY],
    ),
    (
        "agency-tag-at-end",
        f"{BODY} Die Opposition stimmte dagegen. (dpa)",
        [BODY, "Die Opposition stimmte dagegen."],
    ),
    (
        "dateline-with-agency",
        f"Berlin (dpa) - {BODY}",
        [BODY],
    ),
    (
        "dateline-two-places",
        f"Moskau/Kiew - {BODY}",
        [BODY],
    ),
    ("dateline-with-particles", f"Santiago de Chile – {BODY}", [BODY]),
    ("dateline-dash-without-space", f"Wien –{BODY}", [BODY]),
    (
        "dateline-after-teaser-sentence",
        f"Ein Gesetz für die Wärmewende. Berlin – {BODY}",
        ["Ein Gesetz für die Wärmewende.", BODY],
    ),
    (
        "sentence-with-dash-is-no-dateline",
        "Der Kanzler - er war sichtlich müde - eröffnete die Sitzung.",
        ["Der Kanzler - er war sichtlich müde - eröffnete die Sitzung."],
    ),
    (
        "subheading-not-a-sentence",
        f"{BODY}\n\nStreit in der Koalition\n\nDie Opposition stimmte dagegen.",
        [BODY, "Die Opposition stimmte dagegen."],
    ),
    (
        "hard-wrapped-lines-joined",
        "Der Bundestag hat am Donnerstag ein neues Gesetz zur\nWärmewende beschlossen. Die "
        "Opposition stimmte dagegen, die\nKoalition dafür. Nun muss noch der Bundesrat über\n"
        "das Gesetz beraten und abstimmen, bevor es gilt.\n",
        [
            BODY,
            "Die Opposition stimmte dagegen, die Koalition dafür.",
            "Nun muss noch der Bundesrat über das Gesetz beraten und abstimmen, bevor es gilt.",
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in CLUTTER], ids=[c[0] for c in CLUTTER]
)
def test_clutter_is_removed(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_metadata_from_clutter() -> None:
    text = (
        "Ein Bild vom Plenum.\n\nPolitik Das Gesetz ist beschlossen\n\n"
        "Stand: 26.06.2024 07:27 Uhr\n\n"
        f"{BODY}\nAbgeordnete.\nAbgeordnete.  © Max Muster / AFP\n(dpa)\n"
        "Dieses Thema im Programm: Über dieses Thema berichtete Deutschlandfunk am 26. Juni."
    )
    (item,) = clean(text)
    source = item.source
    assert source.title == "Das Gesetz ist beschlossen"
    # The program note names a broadcaster that covered the topic, not the publisher.
    assert source.outlet is None
    assert source.agency == "dpa"
    assert source.credits == ("Max Muster / AFP",)
    assert source.published is not None
    assert source.published.isoformat() == "2024-06-26T07:27:00+02:00"
    assert item.headline


def test_metadata_wins_over_text() -> None:
    (item,) = clean(
        f"Eine Überschrift hier\n\n{BODY}",
        title="Vom Feed",
        outlet="SPIEGEL",
        url="https://example.org/x",
    )
    assert (item.source.title, item.source.outlet, item.source.url) == (
        "Vom Feed",
        "SPIEGEL",
        "https://example.org/x",
    )


def test_unknown_outlet_stays_unknown() -> None:
    (item,) = clean(f"{BODY} Das berichtete die Agentur Interfax.")
    assert item.source.outlet is None
    assert item.source.agency is None
    assert item.source.name == "Der Bundestag hat am Donnerstag ein neues …"


TICKER = """Nahost-Ticker: Die Lage am Abend

Alle relevanten Informationen gibt es hier im TAG24-Ticker.

14. März, 18.24 Uhr: Regierung beschließt Hilfspaket

Die Regierung hat ein Hilfspaket von 2 Milliarden Euro beschlossen. Es soll schnell wirken.

13. März, 9.05 Uhr: Parlament tagt

Das Parlament ist am Morgen zusammengetreten.
"""


def test_live_ticker_is_split_into_entries_with_their_time() -> None:
    items = clean(TICKER)
    assert [(i.id, i.source.title, i.source.time_label) for i in items] == [
        ("a1#1", "Regierung beschließt Hilfspaket", "14. März, 18.24 Uhr"),
        ("a1#2", "Parlament tagt", "13. März, 9.05 Uhr"),
    ]
    assert all(i.source.outlet == "TAG24" for i in items)
    assert all(s.source == "a1" for i in items for s in i.sentences)
    assert [s.text for s in items[1].sentences] == [
        "Das Parlament ist am Morgen zusammengetreten."
    ]


def test_ticker_entry_gets_the_year_of_the_page() -> None:
    items = clean("Stand: 15.03.2025 10:00 Uhr\n\n" + TICKER)
    assert items[0].source.published is not None
    assert items[0].source.published.isoformat() == "2025-03-14T18:24:00+01:00"


KICKERS = [
    (
        "glued",
        "Trump gratuliert als ErsterRussland und Ukraine tauschen erste 390 Gefangene aus",
        ("Trump gratuliert als Erster", "Russland und Ukraine tauschen erste 390 Gefangene aus"),
    ),
    (
        "spaced",
        "USA und Russland Die Verteidigungsminister reden miteinander",
        ("USA und Russland", "Die Verteidigungsminister reden miteinander"),
    ),
    ("camel-case-word-kept", "Neue BahnCard kommt", ("", "Neue BahnCard kommt")),
    ("plain", "Regierung beschließt Hilfspaket", ("", "Regierung beschließt Hilfspaket")),
    ("mc-name-kept", "Kritik an McDonald wächst weiter", ("", "Kritik an McDonald wächst weiter")),
]


@pytest.mark.parametrize(
    ("headline", "expected"), [k[1:] for k in KICKERS], ids=[k[0] for k in KICKERS]
)
def test_split_kicker(headline: str, expected: tuple[str, str]) -> None:
    assert split_kicker(headline) == expected


def test_sentences_are_verbatim_substrings_of_the_input() -> None:
    text = TICKER + "\n\nKurz   notiert:  Der   Preis steigt.\n"
    flat = " ".join(text.split())
    for item in clean(text):
        for sentence in item.sentences:
            assert sentence.text in flat
