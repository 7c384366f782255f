from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.tables import load_language
from bot.core.figures import extract_figures, reconcile_figures
from bot.core.models import Figure
from bot.core.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def summary(sentence: str) -> list[tuple[str, float, str | None, str | None, str]]:
    """(text, value, unit, qualifier, label) of each figure of a sentence."""
    return [
        (f.text, f.value, f.unit, f.qualifier, f.label)
        for f in extract_figures(sentence, source="a")
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
    (only,) = extract_figures("Es kamen zwischen 20 und 30 Gäste.", source="a")
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
            for f in extract_figures(sentence, source=path.stem[:3]):
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
            "Es seien jeweils 270 Kriegsgefangene und 120 Zivilisten frei.", source="a"
        ),
        *extract_figures("Sie haben jeweils 390 Menschen freigelassen.", source="a"),
        *extract_figures("Die Zahl der russischen Soldaten liege bei 1.348.", source="a"),
    ]
    b = [
        *extract_figures(
            "Es wurden 270 Kriegsgefangene und 120 Zivilisten übergeben.", source="b"
        ),
        *extract_figures("Es wurden jeweils 390 Rückkehrer übergeben.", source="b"),
        *extract_figures("Es waren 1.350 russische Soldaten.", source="b"),
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
    for f in extract_figures(sentence, source="a"):
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
    first = extract_figures(sentence, source="a")
    assert first == extract_figures(sentence, source="a")
    for f in first:
        assert sentence[f.start : f.start + len(f.text)] == f.text


def test_reconcile_seeds_000_and_001_confirm_each_other():
    figures = [
        f
        for seed in ("000", "001")
        for path in SEEDS.glob(f"{seed}_*.txt")
        for sentence in seed_sentences(path)
        for f in extract_figures(sentence, source=seed)
    ]
    confirmed = {
        (f.value, f.source, f.confirmed_by) for f in reconcile_figures(figures) if f.confirmed_by
    }
    assert confirmed == {
        (3, "000", ("001",)),  # mehr als drei Jahre (Krieg)
        (390, "000", ("001",)),
        (270, "000", ("001",)),
        (120, "000", ("001",)),
        (1000, "000", ("001",)),
    }
