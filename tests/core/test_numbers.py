import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.numbers import find_numbers, parse_digits, parse_number_word


def kinds(text: str) -> list[tuple[str, float, str]]:
    """(text, value, kind) of every number found."""
    return [(m.text, m.value, m.kind) for m in find_numbers(text)]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("", None),
        ("ein", None),
        ("eine", None),
        ("eins", 1),
        ("null", 0),
        ("drei", 3),
        ("Drei", 3),
        ("zwölf", 12),
        ("sechzehn", 16),
        ("siebzig", 70),
        ("dreiundzwanzig", 23),
        ("einundzwanzig", 21),
        ("hundert", 100),
        ("einhundert", 100),
        ("zweihundertfünfzig", 250),
        ("tausend", 1000),
        ("zweitausend", 2000),
        ("zweitausendundeins", None),
        ("dreitausendvierhundertzwölf", 3412),
        ("anderthalb", 1.5),
        ("dreieinhalb", 3.5),
        ("zweier", 2),
        ("Einigung", None),
        ("Dreieck", None),
        ("zweifel", None),
        ("Achtung", None),
        ("erste", None),
        ("zweiten", None),
        ("elfte", None),
    ],
    ids=lambda value: repr(value),
)
def test_parse_number_word(word, expected):
    assert parse_number_word(word) == expected


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("", None),
        ("7", 7),
        ("1.000", 1000),
        ("6.000", 6000),
        ("1.348", 1348),
        ("2,5", 2.5),
        ("1.234,5", 1234.5),
        ("2.20", None),
        ("9.3", None),
        ("26.06.2024", None),
    ],
    ids=lambda value: repr(value),
)
def test_parse_digits(form, expected):
    assert parse_digits(form) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("Keine Zahl.", []),
        ("Es kamen 390 Menschen.", [("390", 390, "figure")]),
        ("Es kamen 55 000 Menschen.", [("55 000", 55000, "figure")]),
        ("Es kamen 1.000 Menschen.", [("1.000", 1000, "figure")]),
        ("Es kamen drei Menschen.", [("drei", 3, "figure")]),
        ("Vor zwanzig Jahren war es.", [("zwanzig Jahren", 20, "figure")]),
        ("Es kostet 2,5 Millionen Euro.", [("2,5 Millionen Euro", 2.5e6, "figure")]),
        ("Es kostet 1,5 Mio. Euro.", [("1,5 Mio. Euro", 1.5e6, "figure")]),
        ("Es kostet 4 Mrd. Euro.", [("4 Mrd. Euro", 4e9, "figure")]),
        ("Es kostet knapp eine Milliarde Mark.", [("eine Milliarde Mark", 1e9, "figure")]),
        ("Es kostet 14.-- € pro Person.", [("14.-- €", 14, "figure")]),
        ("Es sind 20 bis 30 Prozent.", [("20 bis 30 Prozent", 20, "figure")]),
        ("Es sind 2 bis 3 Millionen.", [("2 bis 3 Millionen", 2e6, "figure")]),
        ("Es sind 20-30 Gäste.", [("20-30", 20, "figure")]),
        ("Eine 30-tägige Waffenruhe.", [("30-tägige", 30, "figure")]),
        ("Am 14. März war es.", [("14", 14, "date")]),
        ("Stand: 26.06.2024 07:27 Uhr", [("26.06.2024", 0, "date"), ("07:27", 0, "time")]),
        ("Um 18.24 Uhr war es.", [("18.24", 0, "time")]),
        ("Ab Version 9.3 geht es.", [("9.3", 0, "other")]),
        ("Ein 808-Prozessor.", [("808", 808, "compound")]),
        ("Es sind 0,25 Prozent.", [("0,25 Prozent", 0.25, "figure")]),
        ("Wurden 2012 noch 3 verkauft?", [("2012", 2012, "year"), ("3", 3, "figure")]),
        ("Um acht Uhr war es.", [("acht", 8, "time")]),
        ("Im Jahr 2022 war es.", [("2022", 2022, "year")]),
        ("Seit 2022 ist es so.", [("2022", 2022, "year")]),
        ("Seit März 2023 ist es so.", [("2023", 2023, "year")]),
        ("Von 1985 bis 1993 stieg es.", [("1985 bis 1993", 1985, "year")]),
        ("Im Geschäftsjahr 1995/96 stieg es.", [("1995/96", 0, "year")]),
        ("Es war um 1000 v. Chr.", [("1000", 1000, "year")]),
        ("Rund 2000 Stellen fallen weg.", [("2000", 2000, "figure")]),
        ("Dort gibt es 1200 Betten.", [("1200", 1200, "figure")]),
        ("Es kostet 2000 Euro.", [("2000 Euro", 2000, "figure")]),
        ("Selenskyj (47) sagte es.", [("47", 47, "age")]),
        ("Der 47-Jährige sagte es.", [("47-Jährige", 47, "age")]),
        ("Er wurde 3. im Rennen.", [("3", 3, "ordinal")]),
        ("Es waren 390.", [("390", 390, "figure")]),
        ("Daten von Flightradar24.", [("24", 24, "name")]),
        ("Der TAG24-Ticker.", [("24", 24, "name")]),
        ("Die G7 tagen.", [("7", 7, "name")]),
        ("Wegen COVID-19.", [("19", 19, "name")]),
        ("Die 65th Brigade.", [("65", 65, "name")]),
        ("Ein A380.", [("380", 380, "name")]),
        ("Friedrich III. kam.", [("III", 0, "name")]),
        ("Bei Dr. Sieben.", [("Sieben", 7, "name")]),
        ("Nach § 87g UrhG.", [("87", 87, "law")]),
        ("Nach Artikel 5.", [("5", 5, "law")]),
        ("Nach Nr. 31 im Ranking.", [("31", 31, "law")]),
        ("Ruf 0711 123456 an.", [("0711 123456", 0, "phone")]),
        ("Es stand 3:1.", [("3:1", 0, "score")]),
        ("Ein Drei-Sterne-Hotel.", [("Drei", 3, "compound")]),
        ("Tausende Soldaten.", [("Tausende", 1000, "vague")]),
        ("Ein Mensch starb.", []),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_find_numbers(text, expected):
    assert kinds(text) == expected


def test_find_numbers_range_high_end():
    (match,) = find_numbers("zwischen 20 und 30 Tonnen")
    assert (match.text, match.value, match.value_high, match.unit) == (
        "zwischen 20 und 30 Tonnen",
        20,
        30,
        "Tonnen",
    )


@given(st.text())
def test_find_numbers_text_stands_at_its_offsets(text):
    for match in find_numbers(text):
        assert text[match.start : match.end] == match.text


@given(st.text(alphabet="0123456789 .,:-/§()%€ abcdeinzwölfrsTagMärz"))
def test_find_numbers_is_ordered_and_disjoint(text):
    matches = find_numbers(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))
