"""The German rules for sentences that lean on an earlier one (data/references.toml)."""

from __future__ import annotations

import pytest

from bot.adapters.tables import load_language
from bot.core.references import can_open, needs_predecessor, referents

REFS = load_language().references


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", False),
        ("Er kündigte weitere Schritte an.", True),
        ("Seine Partei stimmte dagegen.", True),
        ("Diese Entscheidung sorgte für Kritik.", True),
        ("Beide Seiten bestätigten den Austausch.", True),
        ("Zudem stiegen die Mieten.", True),
        ("Gleichzeitig warnte die Polizei.", True),
        ("Auch Russland bestätigte die Freilassung.", True),
        ("Unterdessen tauschten beide Länder Gefangene aus.", True),
        ("Ähnlich äußerte sich das Ministerium.", True),
        ("Damit ist der Weg frei.", True),
        ("„Dabei bleibt es“, sagte Müller.", True),
        ("Das ist ein Erfolg.", True),
        ("Das kündigte der Präsident am Montag an.", True),
        ("Zu dem US-Vorschlag einer Waffenruhe sagte er, die Frage müsse geklärt werden.", True),
        ("Nach Angaben Selenskyjs ist dies ein häufiger Trick.", True),
        ('"Wir sind zu Hause", sagte er.', True),
        ("Die Polizei nahm sie fest.", True),
        ("Genau diese Frage soll das Gericht klären.", True),
        ("Hachleitner und seine Kollegen versuchen es dennoch: Sie forschen.", True),
        ("Im Pensionsalter legte Leopold Rosenmayr dann noch einmal los.", True),
        ("Vor diesem Hintergrund bleibt die Lage unklar.", True),
        ("Es gibt neue Regeln für Mieter.", False),
        ("Immerhin blieb der Schaden gering.", True),
        ("Das erste Gespräch seit 2023 fand am Dienstag statt.", False),
        ("Die betroffenen Menschen wurden evakuiert.", False),
        ("Der Kanzler sagte, er wolle das Gesetz ändern.", False),
        ("„Wir prüfen jeden Namen“, sagte Dr. Müller am Abend.", False),
        ("Russland und die Ukraine tauschten Gefangene aus.", False),
    ],
    ids=[
        "empty",
        "pronoun",
        "possessive",
        "demonstrative",
        "beide",
        "zudem",
        "gleichzeitig",
        "auch",
        "unterdessen",
        "aehnlich",
        "damit",
        "connective-inside-opening-quote",
        "das-ist",
        "das-verb",
        "pronoun-in-first-clause",
        "dies-in-first-clause",
        "pronoun-speaker",
        "object-pronoun",
        "focus-particle-then-demonstrative",
        "connective-in-first-clause",
        "dann-in-first-clause",
        "preposition-then-demonstrative",
        "expletive-es",
        "immerhin",
        "das-article",
        "die-article-participle",
        "pronoun-bound-in-sentence",
        "named-speaker",
        "news",
    ],
)
def test_needs_predecessor(text: str, expected: bool) -> None:
    assert needs_predecessor(text, REFS) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Der Mann wurde festgenommen.", ("Mann",)),
        ("Der Stürmer traf zweimal.", ("Stürmer",)),
        ("Der frühere Nationalspieler ist tot.", ("Nationalspieler",)),
        ("Die 34-Jährige wurde verletzt.", ("34-Jährige",)),
        ("Der Stürmer Harry Kane traf zweimal.", ()),
        ("Der Snowboarder blieb unverletzt.", ("Snowboarder",)),
        ("Die Entscheidung fiel am Montag.", ("Entscheidung",)),
        ("Der Angriff auf Kiew forderte zehn Tote.", ()),
        ("Die Entscheidung des Gerichts fiel am Montag.", ()),
        ("Der Olympia-Dritte gewann vor dem Japaner.", ("Olympia-Dritte",)),
        ("Die Lage sei ernst, so die Expertin.", ("Expertin",)),
        ("Die Lage sei ernst, so die Expertin Eva Berg.", ()),
        ("Die Lage sei ernst, so ein Sprecher.", ()),
        ("Die Bundesregierung beschloss das Gesetz.", ()),
    ],
    ids=[
        "der-mann",
        "der-stuermer",
        "adjective-and-compound",
        "age-noun",
        "named-at-once",
        "snowboarder",
        "abstract-noun",
        "specified-by-preposition",
        "specified-by-genitive",
        "nominalised-rank",
        "speaker-described",
        "speaker-named",
        "speaker-indefinite",
        "institution",
    ],
)
def test_referents(text: str, expected: tuple[str, ...]) -> None:
    assert referents(text, REFS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Max Muster ist tot.", True),
        ("Russland und die Ukraine tauschten Gefangene aus.", True),
        ("Berlin, 3. März 2025.", False),
        ("Wie geht es weiter?", False),
        ("„Unsere Leute sind zu Hause.“", False),
        ("Es war ein kalter Morgen in Kiew.", False),
        ("Wer in Wien eine Wohnung sucht, braucht Geduld.", False),
        ("Zudem stiegen die Mieten.", False),
        ("Der Mann wurde festgenommen.", False),
    ],
    ids=[
        "short-news",
        "news",
        "dateline",
        "question",
        "quote-without-speaker",
        "scene-setter",
        "scene-setter-wer",
        "leans",
        "undefined-description",
    ],
)
def test_can_open(text: str, expected: bool) -> None:
    assert can_open(text, REFS) is expected
