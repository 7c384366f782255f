from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.files import read_inputs
from bot.adapters.tables import load_language
from bot.core.figures import extract_figures, reconcile_figures
from bot.core.models import Figure
from bot.core.options import DigestOptions
from bot.core.pipeline import build_digest
from bot.core.reconcile import MAX_DISPUTES
from bot.core.sentences import split_sentences

LANG = load_language()
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def summary(sentence: str) -> list[tuple[str, float, str | None, str | None, str]]:
    """(text, value, unit, qualifier, label) of each figure of a sentence."""
    return [
        (f.text, f.value, f.unit, f.qualifier, f.label)
        for f in extract_figures(sentence, source="a", lang=LANG)
    ]


def figure(value: float, label: str, source: str, *, sentence: str = "", unit=None) -> Figure:
    return Figure(
        value=value,
        text=str(value),
        label=label,
        sentence=sentence or f"{source}: {value}",
        source=source,
        unit=unit,
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("", []),
        ("Keine Zahl steht hier.", []),
        ("Es seien 390 Menschen freigelassen worden.", [("390", 390, None, None, "Menschen")]),
        (
            "Es seien jeweils 270 Kriegsgefangene und 120 Zivilisten übergeben worden.",
            [
                ("jeweils 270", 270, None, "jeweils", "Kriegsgefangene"),
                ("120", 120, None, None, "Zivilisten"),
            ],
        ),
        ("Der Austausch von je 1.000 Gefangenen.", [("je 1.000", 1000, None, "je", "Gefangene")]),
        (
            "Pokrowsk war mit mehr als 40 russischen Angriffen Schwerpunkt.",
            [("mehr als 40", 40, None, "mehr als", "russische Angriffe")],
        ),
        (
            "Die Brandfläche umfasse mehr als 1.000 Quadratmeter, schrieb er.",
            [
                (
                    "mehr als 1.000 Quadratmeter",
                    1000,
                    "Quadratmeter",
                    "mehr als",
                    "Quadratmeter Brandfläche",
                )
            ],
        ),
        (
            "Die Zahl der ukrainischen Kriegsgefangenen liege bei mehr als 6.000, sagte er.",
            [("mehr als 6.000", 6000, None, "mehr als", "ukrainische Kriegsgefangene")],
        ),
        (
            "Sie ließen jeweils 90 Soldaten frei.",
            [("jeweils 90", 90, None, "jeweils", "Soldaten")],
        ),
        ("Es kamen drei Frauen frei.", [("drei", 3, None, None, "Frauen")]),
        ("Zudem seien zwei Männer verletzt worden.", [("zwei", 2, None, None, "Männer")]),
        ("Es waren dreiundzwanzig Boote.", [("dreiundzwanzig", 23, None, None, "Boote")]),
        ("Es kamen zweitausend Gäste.", [("zweitausend", 2000, None, None, "Gäste")]),
        (
            "Es kostet 2,5 Millionen Euro.",
            [("2,5 Millionen Euro", 2_500_000, "Euro", None, "Euro")],
        ),
        (
            "Sie zahlten 1,5 Mio. Dollar.",
            [("1,5 Mio. Dollar", 1_500_000, "Dollar", None, "Dollar")],
        ),
        ("Sie zahlten 3 Mrd. US-Dollar.", [("3 Mrd. US-Dollar", 3e9, "Dollar", None, "Dollar")]),
        ("Es kamen 20 Tausend Fans.", [("20 Tausend", 20_000, None, None, "Fans")]),
        (
            "Die Quote lag bei 2,5 Prozent.",
            [("2,5 Prozent", 2.5, "Prozent", None, "Prozent Quote")],
        ),
        ("Die Quote stieg um 10%.", [("10%", 10, "Prozent", None, "Prozent Quote")]),
        (
            "Sie verlor 1,5 Prozentpunkte.",
            [("1,5 Prozentpunkte", 1.5, "Prozentpunkte", None, "Prozentpunkte")],
        ),
        ("Das Ticket kostet 30 €.", [("30 €", 30, "Euro", None, "Euro Ticket")]),
        (
            "Die Strecke ist 12 Kilometer lang.",
            [("12 Kilometer", 12, "Kilometer", None, "Kilometer Strecke")],
        ),
        (
            "Sie ernteten 300 Tonnen Weizen.",
            [("300 Tonnen", 300, "Tonnen", None, "Tonnen Weizen")],
        ),
        ("Eine 30-tägige Waffenruhe.", [("30-tägige", 30, "Tage", None, "Waffenruhe")]),
        ("Es sind 20 bis 30 Prozent.", [("20 bis 30 Prozent", 20, "Prozent", None, "Prozent")]),
        ("Es kamen rund 500 Menschen.", [("rund 500", 500, None, "rund", "Menschen")]),
        ("Es kamen etwa 130 Gäste.", [("etwa 130", 130, None, "etwa", "Gäste")]),
        ("Es kamen knapp 50 Gäste.", [("knapp 50", 50, None, "knapp", "Gäste")]),
        ("Es kamen bis zu 50 Gäste.", [("bis zu 50", 50, None, "bis zu", "Gäste")]),
        ("Es kamen über 50 Gäste.", [("über 50", 50, None, "über", "Gäste")]),
        ("Es kamen fast 50 Gäste.", [("fast 50", 50, None, "fast", "Gäste")]),
        ("Es kamen weniger als 50 Gäste.", [("weniger als 50", 50, None, "weniger als", "Gäste")]),
        (
            "Mindestens sieben Menschen.",
            [("Mindestens sieben", 7, None, "mindestens", "Menschen")],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_extract_figures(sentence, expected):
    assert summary(sentence) == expected


def test_extract_figures_range_between():
    (only,) = extract_figures("Es kamen zwischen 20 und 30 Gäste.", source="a", lang=LANG)
    assert (only.text, only.value, only.value_high, only.label) == (
        "zwischen 20 und 30",
        20,
        30,
        "Gäste",
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "14. März, 18.24 Uhr: Nach Trump-Bitte reagiert der Kreml",
        "Stand: 26.06.2024 07:27 Uhr",
        "Er blieb das einzige Ergebnis seit 2022.",
        "Im Jahr 2022 begann der Krieg.",
        "Erstmals seit März 2023 telefonierten sie.",
        "Anfang des Monats sagte er es.",
        "Der ukrainische Präsident Wolodymyr Selenskyj (47) sagte es.",
        "Er wurde 3. im Rennen.",
        "Der erste und der zweiten Runde.",
        "Daten des Ortungsdienstes Flightradar24.",
        "Alles im TAG24-Ticker.",
        "Die G7 trafen sich wegen COVID-19.",
        "© Andriy ANDRIYENKO / 65th Mechanized Brigade / AFP",
        "Der Airbus A380 landete.",
        "Nach § 87g UrhG ist das erlaubt.",
        "Artikel 5 gilt.",
        "Rufen Sie 0711 123456 an.",
        "Ein Mensch kam ums Leben.",
        "Die Einigung im Dreieck ist ohne Zweifel gut.",
        "Er kam am 1. Juni.",
    ],
)
def test_extract_figures_ignores_non_figures(sentence):
    assert summary(sentence) == []


def seed_sentences(path: Path) -> list[str]:
    """The seed's sentences as the splitter gives them, whitespace normalised."""
    text = path.read_text(encoding="utf-8")
    spans = split_sentences(text, abbreviations=load_language().abbreviations)
    return [" ".join(text[span.start : span.end].split()) for span in spans]


def seed_figures() -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for sentence in seed_sentences(path):
            for f in extract_figures(sentence, source=path.stem[:3], lang=LANG):
                found.setdefault(path.stem[:3], set()).add((f.text, f.label))
    return found


def test_seed_figures_are_found():
    found = seed_figures()
    expected = {
        "000": {
            ("jeweils 390", "Menschen"),
            ("jeweils 270", "Kriegsgefangene"),
            ("120", "Zivilisten"),
            ("jeweils 1.000", "Gefangene"),
        },
        "001": {
            ("je 1.000", "Gefangene"),
            ("jeweils 390", "Rückkehrer"),
            ("drei", "Frauen"),
            ("387", "Männer"),
            ("270", "Kriegsgefangene"),
            ("120", "Zivilisten"),
            ("mindestens acht", "Menschen"),
            ("zwei", "Männer"),
        },
        "002": {
            ("jeweils 90", "Soldaten"),
            ("1.348", "russische Soldaten"),
            ("mehr als 6.000", "ukrainische Kriegsgefangene"),
        },
        "003": {
            ("etwa 130", "Zusammenstöße"),
            ("mehr als 40", "russische Angriffe"),
            ("mehr als 1.000 Quadratmeter", "Quadratmeter Brandfläche"),
            ("mindestens sieben", "Menschen"),
            ("vier", "Kinder"),
            ("30-tägigen", "Waffenruhe"),
        },
    }
    assert {seed: expected[seed] - found.get(seed, set()) for seed in expected} == {
        seed: set() for seed in expected
    }


def test_seed_non_figures_are_not_reported():
    reported = " | ".join(text for pairs in seed_figures().values() for text, _ in pairs)
    for non_figure in ("47", "72", "78", "14", "18.24", "24", "65", "26.06.2024", "2022", "2024"):
        assert non_figure not in reported.split(" | ")
    assert "2022" not in reported
    assert "07:27" not in reported


def test_reconcile_confirms_and_disputes():
    a = [
        *extract_figures(
            "Es seien jeweils 270 Kriegsgefangene und 120 Zivilisten frei.", source="a", lang=LANG
        ),
        *extract_figures("Sie haben jeweils 390 Menschen freigelassen.", source="a", lang=LANG),
        *extract_figures(
            "Die Zahl der russischen Soldaten liege bei 1.348.", source="a", lang=LANG
        ),
    ]
    b = [
        *extract_figures(
            "Es wurden 270 Kriegsgefangene und 120 Zivilisten übergeben.", source="b", lang=LANG
        ),
        *extract_figures("Es wurden jeweils 390 Rückkehrer übergeben.", source="b", lang=LANG),
        *extract_figures("Es waren 1.350 russische Soldaten.", source="b", lang=LANG),
    ]
    result = reconcile_figures([*a, *b])
    assert [(f.value, f.label, f.source, f.confirmed_by) for f in result] == [
        (270, "Kriegsgefangene", "a", ("b",)),
        (120, "Zivilisten", "a", ("b",)),
        (390, "Menschen", "a", ("b",)),
        (1348, "russische Soldaten", "a", ()),
        (1350, "russische Soldaten", "b", ()),
    ]
    assert [[d.value for d in f.disputed_by] for f in result] == [[], [], [], [1350], [1348]]


def test_reconcile_ranks_key_sentences_first_and_limits():
    figures = [
        figure(5, "Boote", "a"),
        figure(7, "Autos", "a", sentence="Key."),
        figure(9, "Busse", "b"),
    ]
    result = reconcile_figures(figures, key_sentences={"Key."}, limit=2)
    assert [f.value for f in result] == [7, 5]


def test_reconcile_keeps_distant_values_undisputed():
    result = reconcile_figures([figure(390, "Menschen", "a"), figure(8, "Menschen", "b")])
    assert [(f.value, f.disputed_by) for f in result] == [(390, ()), (8, ())]


def test_reconcile_merges_same_source_duplicates_without_confirming():
    result = reconcile_figures([figure(90, "Soldaten", "a"), figure(90, "Soldaten", "a")])
    assert [(f.value, f.confirmed_by) for f in result] == [(90, ())]


def test_reconcile_empty():
    assert reconcile_figures([]) == ()


@given(st.text())
def test_extract_figures_text_stands_at_start(sentence):
    for f in extract_figures(sentence, source="a", lang=LANG):
        assert sentence[f.start : f.start + len(f.text)] == f.text


@given(
    st.lists(
        st.sampled_from(
            [
                "Es",
                "kamen",
                "mehr als",
                "1.000",
                "drei",
                "2,5",
                "Millionen",
                "Euro",
                "%",
                "bis",
                "zwischen",
                "und",
                "Menschen",
                "(47)",
                "14.",
                "März",
                "2022",
                "-",
                "tägige",
                " ",
            ]
        )
    ).map(" ".join)
)
def test_extract_figures_is_deterministic_and_exact(sentence):
    first = extract_figures(sentence, source="a", lang=LANG)
    assert first == extract_figures(sentence, source="a", lang=LANG)
    for f in first:
        assert sentence[f.start : f.start + len(f.text)] == f.text


def test_reconcile_seeds_000_and_001_confirm_each_other():
    figures = [
        f
        for seed in ("000", "001")
        for path in SEEDS.glob(f"{seed}_*.txt")
        for sentence in seed_sentences(path)
        for f in extract_figures(sentence, source=seed, lang=LANG)
    ]
    confirmed = {
        (f.value, f.source, f.confirmed_by) for f in reconcile_figures(figures) if f.confirmed_by
    }
    assert confirmed == {
        (390, "000", ("001",)),
        (270, "000", ("001",)),
        (120, "000", ("001",)),
        (1000, "000", ("001",)),
    }


def shown(sentence: str) -> list[tuple[str, str]]:
    """(text, label) of each figure of a sentence."""
    return [(f.text, f.label) for f in extract_figures(sentence, source="a", lang=LANG)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Time anchors are no figures; a duration that is the news is one.
        ("Vor drei Wochen brannte die Halle.", []),
        ("Seit zwei Monaten streiken die Fahrer.", []),
        ("Fünf Tage später kam die Antwort.", []),
        ("In den ersten acht Monaten des Jahres stieg der Absatz.", []),
        ("Erstmals seit mehr als vier Jahren schreibt der Konzern Gewinn.", []),
        ("Er wurde zu vier Jahren Haft verurteilt.", [("vier Jahren", "Jahre Haft")]),
        ("Sie erhielt vier Jahre Haft.", [("vier Jahre", "Jahre Haft")]),
        ("Die Studie lief zehn Jahre.", [("zehn Jahre", "Jahre")]),
        # Ages, also as lists, in brackets and as nouns.
        ("Die Opfer im Alter von 58 und 61 Jahren starben.", []),
        ("Der Lenker (53) blieb unverletzt.", []),
        ("Die 81-Jährige wurde gerettet.", []),
        ("Eine 15 Jahre alte Schülerin wurde verletzt.", []),
        ("Gesucht werden Burschen zwischen 16 und 21 Jahren.", []),
        # Ranks, places, match minutes, model names and list labels.
        ("Sie landete auf Platz vier.", []),
        ("Zweiter wurde der Titelverteidiger.", []),
        ("Das Tor fiel spät (73.).", []),
        ("Tore: Rep (48.) bzw. Jamnig (45.+2).", []),
        ("2. Watabe (JPN) (1./26.)", []),
        ("4) Genie an den Tasten", []),
        ("Es beginnt um 20 Uhr 15.", []),
        ("Er soll 23 oder 24 Jahre alt sein.", []),
        ("Nach dem Update auf iOS 9 geht es.", []),
        ("Mir fehlt noch einiges, um die erste Elf zu trainieren.", []),
        ("Es feierte Queen Elizabeth II. (89).", []),
        ("Mit Spanien wurde er 2010 Weltmeister.", []),
        ("Plus acht lautet die Tordifferenz.", []),
        ("Er jubelte nach fast exakt zwei Jahren.", []),
        ("Das Verhältnis ist etwa Eins zu Zehn.", []),
        ("Sein Blutdruck beträgt 110 zu 65.", []),
        ("Bei den 14- bis 29-Jährigen ist es anders.", []),
        ("Die Station soll bis mindestens 2024 in Betrieb bleiben.", []),
        ("Ein Airbus A320-200 musste landen.", []),
        ("Eine Boeing 737-800 musste landen.", []),
        ("Es gilt die Stufe zwei.", []),
        ("Die Linie 7 fährt nicht.", []),
        ("Er war die Nummer eins der Welt.", []),
        # A year followed by a name; number words inside names.
        ("Meister 2019 Borussia Dortmund verlor.", []),
        ("Am Dreiländereck und in Siebenbürgen regnet es.", []),
        # Figures of speech and vague words.
        ("Ich bin mir zu hundert Prozent sicher.", []),
        ("Er ist noch nicht bei 100 Prozent angelangt.", []),
        ("Tausende demonstrierten, Dutzende wurden festgenommen.", []),
        ("Es sind mehrere Tausend Tonnen Müll.", []),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_only_quantities_are_figures(sentence, expected):
    assert shown(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Partitives: the noun phrase after the second number.
        ("Die Partei gewann 18 der 40 Sitze.", [("18", "Sitze"), ("40", "Sitze")]),
        (
            "Neun der elf untersuchten Proben waren belastet.",
            [("Neun", "untersuchte Proben"), ("elf", "untersuchte Proben")],
        ),
        (
            "Es stimmten 212 von 600 Delegierten zu.",
            [("212", "Delegierte"), ("600", "Delegierte")],
        ),
        ("Sie ließen 90 seiner Soldaten frei.", [("90", "Soldaten")]),
        # Changes keep both ends with the unit after the second.
        (
            "Der Preis sinkt von 12 auf 11 Euro.",
            [("12", "Euro Preis"), ("11 Euro", "Euro Preis")],
        ),
        # Coordinated numbers share the unit.
        (
            "Das Wachstum liegt bei acht oder neun Prozent.",
            [("acht", "Prozent Wachstum"), ("neun Prozent", "Prozent Wachstum")],
        ),
        ("Es kamen drei oder vier Menschen.", [("drei", "Menschen"), ("vier", "Menschen")]),
        # Labels before the number.
        ("Die Zahl der Verletzten stieg auf 45.", [("45", "Verletzte")]),
        ("Kritisch ist ein Wert ab 30.", [("30", "Wert")]),
        (
            "Es gab einen Nettogewinn von 571 Millionen Euro.",
            [("571 Millionen Euro", "Euro Nettogewinn")],
        ),
        ("Es droht eine Strafe in Höhe von 5.000 Euro.", [("5.000 Euro", "Euro Strafe")]),
        ("Der Umsatz stieg um 6,9 Prozent.", [("6,9 Prozent", "Prozent Umsatz")]),
        # No noun after the number: the label comes from the sentence.
        (
            "1.500 verließen am Abend das Stadion.",
            [("1.500", "verließen am Abend das Stadion")],
        ),
        (
            "Es kamen 45.000 Teilnehmer, davon 16.000 in Duisburg.",
            [("45.000", "Teilnehmer"), ("16.000", "Teilnehmer")],
        ),
        (
            "Die Liste holte 304 Stimmen (mehr als 52 Prozent).",
            [("304", "Stimmen"), ("mehr als 52 Prozent", "Prozent Stimmen")],
        ),
        # Never a capitalised adjective or a name as the label.
        ("Sie sprach mit 240 Grazer Schülern.", [("240", "Grazer Schüler")]),
        ("Es demonstrierten 240 Grazer Schüler.", [("240", "Grazer Schüler")]),
        ("Laut Anna Berger kamen 300 Gäste.", [("300", "Gäste")]),
        # Base forms, not the dative.
        ("Das gilt in 13 Bezirken.", [("13", "Bezirke")]),
        ("Sie sprach mit 20 Beschäftigten.", [("20", "Beschäftigte")]),
        ("Es geht um den Transfer von 3300 Mitarbeitern.", [("3300", "Mitarbeiter")]),
        ("Es kam zu etwa 130 Zusammenstößen.", [("etwa 130", "Zusammenstöße")]),
        ("Es wurden 120 Paletten zerstört.", [("120", "Paletten")]),
        ("Die Liste kommt auf sieben Mandaten.", [("sieben", "Mandate")]),
        ("Mit 55 Menschen war es voll.", [("55", "Menschen")]),
        ("Es gibt 56 Nummern von Beamten.", [("56", "Nummern")]),
        (
            "Sie sahen Gegner in vier unterschiedlichen Größen.",
            [("vier", "unterschiedliche Größen")],
        ),
        ("Es starben zwei weitere Opfer.", [("zwei", "weitere Opfer")]),
        (
            "Die Polizei zählte nach Erkenntnissen 921 einschlägige Delikte.",
            [("921", "einschlägige Delikte")],
        ),
        ("Sie hat eine Auflage von 10.000 Exemplaren.", [("10.000", "Exemplare")]),
        (
            "Es sind 100 Prozent des Biomülls, das sind jährlich rund 18.000 Tonnen.",
            [
                ("100 Prozent", "Prozent des Biomülls"),
                ("rund 18.000 Tonnen", "Tonnen des Biomülls"),
            ],
        ),
        (
            "Tausende Beschäftigte sind betroffen: Rund 700 arbeiten für die Sparte.",
            [("Rund 700", "Beschäftigte")],
        ),
        (
            "Er ist einer von drei in Nordkorea festgehaltenen Nordamerikanern.",
            [("drei", "in Nordkorea festgehaltene Nordamerikaner")],
        ),
        (
            "Es fallen 1.000 von 3.000 Kurz- und Mittelstreckenflügen aus.",
            [
                ("1.000", "Kurz- und Mittelstreckenflüge"),
                ("3.000", "Kurz- und Mittelstreckenflüge"),
            ],
        ),
        (
            "Sie vergaben Kredite im Wert von umgerechnet 34 Mrd. Euro.",
            [("34 Mrd. Euro", "Euro Wert")],
        ),
        (
            "Dort sollen die Gehälter um rund 40 Prozent darunter liegen.",
            [("rund 40 Prozent", "Prozent Gehälter")],
        ),
        ("Es zahlten die fünf Geldhäuser Deutsche Bank und Citigroup.", [("fünf", "Geldhäuser")]),
        # Units measure the noun after them.
        ("Sie ernteten 300 Tonnen Weizen.", [("300 Tonnen", "Tonnen Weizen")]),
        (
            "Eine 700 Quadratmeter große Halle brannte.",
            [("700 Quadratmeter", "Quadratmeter Halle")],
        ),
        ("Das sind 73 Prozent der Österreicher.", [("73 Prozent", "Prozent der Österreicher")]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_labels_come_from_the_noun_phrase(sentence, expected):
    assert shown(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Ranges keep both ends.
        ("Er hatte drei bis vier Gramm Kokain.", ("drei bis vier Gramm", 3, 4, "Gramm")),
        ("Es kamen 8.000 bis 9.000 Menschen.", ("8.000 bis 9.000", 8000, 9000, None)),
        # Scale words.
        ("Das kostet 1,5 Mill. Euro.", ("1,5 Mill. Euro", 1.5e6, None, "Euro")),
        ("Das kostet 1,5 Mio. Euro.", ("1,5 Mio. Euro", 1.5e6, None, "Euro")),
        ("Das kostet 2 Mrd. Euro.", ("2 Mrd. Euro", 2e9, None, "Euro")),
        # Currencies before the number.
        ("Das kostet US-$ 1.234,50 im Monat.", ("US-$ 1.234,50", 1234.5, None, "Dollar")),
        ("Das kostet € 5 pro Stück.", ("€ 5", 5, None, "Euro")),
        # "ein" as one; number words fused with a suffix.
        ("Er trank etwa ein Liter Wasser.", ("etwa ein Liter", 1, None, "Liter")),
        ("Es folgt eine dreiwöchige Pause.", ("dreiwöchige", 3, None, "Wochen")),
        # Units, compound units not cut by a prefix, speeds.
        ("Es waren 5 Milligramm.", ("5 Milligramm", 5, None, "Milligramm")),
        ("Es waren 5 Gramm.", ("5 Gramm", 5, None, "Gramm")),
        ("Der Zins steigt um 25 Basispunkte.", ("25 Basispunkte", 25, None, "Basispunkte")),
        ("Es kostet 300 Yen.", ("300 Yen", 300, None, "Yen")),
        (
            "Sie verbrauchten 300 Kilowattstunden.",
            ("300 Kilowattstunden", 300, None, "Kilowattstunden"),
        ),
        ("Er fuhr 120 Kilometer pro Stunde.", ("120 Kilometer pro Stunde", 120, None, "km/h")),
        ("Er fuhr 120 Kilometer weit.", ("120 Kilometer", 120, None, "Kilometer")),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_numbers_are_read_whole(sentence, expected):
    (f,) = extract_figures(sentence, source="a", lang=LANG)
    assert (f.text, f.value, f.value_high, f.unit) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Der Saal verfügt über 120 Sitze.", ("120", None)),
        ("Sie sprachen über 30 Fälle.", ("30", None)),
        ("Es kamen über 120 Gäste.", ("über 120", "über")),
        ("Es kamen mehr als 120 Gäste.", ("mehr als 120", "mehr als")),
        ("Es kamen knapp 120 Gäste.", ("knapp 120", "knapp")),
        ("Es kamen rund 120 Gäste.", ("rund 120", "rund")),
        ("Es kamen mindestens 120 Gäste.", ("mindestens 120", "mindestens")),
        ("Es kommen bis zu 120 Gäste.", ("bis zu 120", "bis zu")),
        ("Es leben an die 1.000 Personen in Zelten.", ("an die 1.000", "an die")),
        (
            "Etwa 180 Millionen unter 1,25 Milliarden Indern sind Muslime.",
            ("Etwa 180 Millionen", "etwa"),
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_qualifiers(sentence, expected):
    first = extract_figures(sentence, source="a", lang=LANG)[0]
    assert (first.text, first.qualifier) == expected


@pytest.mark.parametrize(
    ("sentence", "hedge"),
    [
        ("Es streikten laut Gewerkschaften 45.000 Beschäftigte.", "laut Gewerkschaften"),
        ("Nach Angaben der Polizei kamen 300 Menschen.", "nach Angaben der Polizei"),
        ("Nach Gewerkschaftsangaben kamen 20.300 Menschen.", "nach Gewerkschaftsangaben"),
        ("Der Weltbank zufolge sind 44 Prozent arbeitslos.", "der Weltbank zufolge"),
        ("Es kamen 300 Menschen.", None),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_the_source_hedge_goes_with_the_figure(sentence, hedge):
    assert [f.hedge for f in extract_figures(sentence, source="a", lang=LANG)] == [hedge]


def test_reconcile_confirms_only_across_outlets():
    one = extract_figures("Es kamen 390 Gäste.", source="a1", lang=LANG, source_label="dpa")
    two = extract_figures("Es kamen 390 Gäste.", source="a2", lang=LANG, source_label="dpa")
    three = extract_figures("Es kamen 390 Gäste.", source="b", lang=LANG, source_label="ORF")
    (merged,) = reconcile_figures([*one, *two, *three])
    assert (merged.source, merged.confirmed_by, merged.confirmed_labels) == (
        "a1",
        ("b",),
        ("ORF",),
    )


def test_reconcile_names_at_most_a_few_disputes():
    figures = [figure(1000 + n, "Menschen", f"s{n}") for n in range(50)]
    result = reconcile_figures(figures)
    assert len(result) == 50
    assert max(len(f.disputed_by) for f in result) == MAX_DISPUTES


def test_seed_digest_shows_the_key_figures_with_confirmation():
    articles = read_inputs([SEEDS]).articles
    digest = build_digest(articles, settings=DigestOptions(), lang=LANG)
    shown = {(f.text, f.label, f.confirmed_by) for story in digest.stories for f in story.figures}
    assert {
        ("jeweils 390", "Menschen", ("001_fdf571903e5f5aab",)),
        ("jeweils 270", "Kriegsgefangene", ("001_fdf571903e5f5aab",)),
        ("120", "Zivilisten", ("001_fdf571903e5f5aab",)),
        # 000's sentence: the story now shows 000's sentences (it opens with 000's teaser).
        ("jeweils 1.000", "Gefangene", ("001_fdf571903e5f5aab",)),
        ("387", "Männer", ()),
        ("1.348", "russische Soldaten", ()),
        ("mehr als 6.000", "ukrainische Kriegsgefangene", ()),
    } <= shown
