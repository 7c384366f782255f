import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.tables import load_language
from bot.core.models import Span
from bot.core.sentences import split_sentences

ABBREVIATIONS = load_language().abbreviations


def split(text: str) -> list[str]:
    return [
        text[span.start : span.end] for span in split_sentences(text, abbreviations=ABBREVIATIONS)
    ]


EDGE_CASES = [
    ("", []),
    ("   \n\t ", []),
    ("Ein Satz ohne Punkt", ["Ein Satz ohne Punkt"]),
    ("Ein Satz.", ["Ein Satz."]),
    ("  Leerzeichen davor und danach.  ", ["Leerzeichen davor und danach."]),
    ("...", ["..."]),
]

ABBREVIATION_CASES = [
    ("Es gibt z. B. Äpfel. Dann Birnen.", ["Es gibt z. B. Äpfel.", "Dann Birnen."]),
    ("Es gibt z.B. Äpfel. Dann Birnen.", ["Es gibt z.B. Äpfel.", "Dann Birnen."]),
    ("Er kam u. a. mit Müller. Sie nicht.", ["Er kam u. a. mit Müller.", "Sie nicht."]),
    ("Haus Nr. 5 brennt. Die Feuerwehr kam.", ["Haus Nr. 5 brennt.", "Die Feuerwehr kam."]),
    ("Das sagte Dr. Müller. Er lachte.", ["Das sagte Dr. Müller.", "Er lachte."]),
    ("Prof. Dr. Anna Schmidt sprach.", ["Prof. Dr. Anna Schmidt sprach."]),
    ("Er kommt bzw. sie kommt. Gut.", ["Er kommt bzw. sie kommt.", "Gut."]),
    ("Es waren ca. 300 Menschen. Viele.", ["Es waren ca. 300 Menschen.", "Viele."]),
    ("Ca. 300 Menschen kamen.", ["Ca. 300 Menschen kamen."]),
    ("Das kostet 1,5 Mio. Euro. Zu viel.", ["Das kostet 1,5 Mio. Euro.", "Zu viel."]),
    ("Der Schaden: 2 Mrd. Dollar.", ["Der Schaden: 2 Mrd. Dollar."]),
    ("Der Schaden beträgt 1,5 Mio. Die Polizei ermittelt.",
     ["Der Schaden beträgt 1,5 Mio.", "Die Polizei ermittelt."]),
    ("Er wohnt in St. Pölten. Sie nicht.", ["Er wohnt in St. Pölten.", "Sie nicht."]),
    ("Rom wurde 753 v. Chr. gegründet.", ["Rom wurde 753 v. Chr. gegründet."]),
    ("Das war 44 v. Chr. Danach kam Augustus.", ["Das war 44 v. Chr.", "Danach kam Augustus."]),
    ("Äpfel, Birnen etc. Das ist Obst.", ["Äpfel, Birnen etc.", "Das ist Obst."]),
    ("Äpfel, Birnen etc. sind Obst.", ["Äpfel, Birnen etc. sind Obst."]),
    ("Äpfel, Birnen usw. Alles frisch.", ["Äpfel, Birnen usw. Alles frisch."]),
    ("Er sagte (vgl. S. 5) nichts.", ["Er sagte (vgl. S. 5) nichts."]),
    ("Sie trafen sich im Hl. Geist. Gut.", ["Sie trafen sich im Hl. Geist.", "Gut."]),
    ("Er lebt in der Schweiz. Dort ist es schön.",
     ["Er lebt in der Schweiz.", "Dort ist es schön."]),
    ("Er bevorzugte dies. Es war gut.", ["Er bevorzugte dies.", "Es war gut."]),
]  # fmt: skip

NUMBER_CASES = [
    ("Am 3. Oktober ist Feiertag.", ["Am 3. Oktober ist Feiertag."]),
    ("Das war am 14. März. Dann kam der April.", ["Das war am 14. März.", "Dann kam der April."]),
    ("Stand: 26.06.2024 07:27 Uhr", ["Stand: 26.06.2024 07:27 Uhr"]),
    ("Am 1. Juni beginnt es. Gut.", ["Am 1. Juni beginnt es.", "Gut."]),
    ("Er kam um 18.24 Uhr an. Sie nicht.", ["Er kam um 18.24 Uhr an.", "Sie nicht."]),
    ("Sie belegte den 2. Platz.", ["Sie belegte den 2. Platz."]),
    ("Sie feierte ihren 65. Geburtstag.", ["Sie feierte ihren 65. Geburtstag."]),
    ("Er wurde 65. Dann starb er.", ["Er wurde 65.", "Dann starb er."]),
    ("Das war im Jahr 2023. Damals regnete es.", ["Das war im Jahr 2023.", "Damals regnete es."]),
    ("Am 26.06. geht es los.", ["Am 26.06. geht es los."]),
    ("Im II. Weltkrieg starben Millionen.", ["Im II. Weltkrieg starben Millionen."]),
    ("Version 2.5 ist da. Sie ist schnell.", ["Version 2.5 ist da.", "Sie ist schnell."]),
    ("Der Wert stieg um 0.5 Punkte.", ["Der Wert stieg um 0.5 Punkte."]),
]

QUOTE_CASES = [
    ("„Wir prüfen jeden Namen“, sagte er.", ["„Wir prüfen jeden Namen“, sagte er."]),
    ("„Wir prüfen jeden Namen.“ Dann ging er.", ["„Wir prüfen jeden Namen.“", "Dann ging er."]),
    ("Er sagte: „Das ist gut.“ Dann ging er.", ["Er sagte: „Das ist gut.“", "Dann ging er."]),
    ('"Unsere Leute sind zu Hause", teilte er mit.',
     ['"Unsere Leute sind zu Hause", teilte er mit.']),
    ('Er sagte: "Das ist gut." Dann ging er.', ['Er sagte: "Das ist gut."', "Dann ging er."]),
    ("Er rief: »Halt!« Sie blieb stehen.", ["Er rief: »Halt!«", "Sie blieb stehen."]),
    ("Er rief: «Halt!» Sie blieb stehen.", ["Er rief: «Halt!»", "Sie blieb stehen."]),
    ("Sie fragte: \u201aWarum?\u2018 Er schwieg.",
     ["Sie fragte: \u201aWarum?\u2018", "Er schwieg."]),
    ("„Warum?“ fragte sie.", ["„Warum?“ fragte sie."]),
    ("Er ging. „Nie wieder“, sagte er.", ["Er ging.", "„Nie wieder“, sagte er."]),
    ("So viel vergeudete Zeit.“ Er ging.", ["So viel vergeudete Zeit.“", "Er ging."]),
]  # fmt: skip

NAME_CASES = [
    ("Selenskyj (47) sprach. Putin (72) nicht.", ["Selenskyj (47) sprach.", "Putin (72) nicht."]),
    ("Donald J. Trump gratulierte.", ["Donald J. Trump gratulierte."]),
    ("Es gilt Plan B. Die Lage ist ernst.", ["Es gilt Plan B.", "Die Lage ist ernst."]),
    ("Mehr auf www.tagesschau.de. Dort steht es.",
     ["Mehr auf www.tagesschau.de.", "Dort steht es."]),
    ("Siehe https://example.org/a.b?c=1 jetzt.", ["Siehe https://example.org/a.b?c=1 jetzt."]),
    ("Wirklich? Ja! Gut.", ["Wirklich?", "Ja!", "Gut."]),
    ("Was?! Nein.", ["Was?!", "Nein."]),
    ("Er zögerte … Dann ging er.", ["Er zögerte …", "Dann ging er."]),
    ("Er zögerte... und ging.", ["Er zögerte... und ging."]),
    ("Er sagte, es werde (...) bald kommen.", ["Er sagte, es werde (...) bald kommen."]),
]  # fmt: skip

LINE_CASES = [
    ("Titel ohne Punkt\n\nDer erste Satz.", ["Titel ohne Punkt", "Der erste Satz."]),
    ("Weitere Gefangene sollen freikommen\nAn diesem Samstag kamen sie.",
     ["Weitere Gefangene sollen freikommen", "An diesem Samstag kamen sie."]),
    ("Alles zum Thema Trump\n- Erster Punkt\n- Zweiter Punkt",
     ["Alles zum Thema Trump", "- Erster Punkt", "- Zweiter Punkt"]),
    ("Copyright: Efrem Lukatsky/AP/dpa\nRussland und die Ukraine tauschen.",
     ["Copyright: Efrem Lukatsky/AP/dpa", "Russland und die Ukraine tauschen."]),
    ("Erster Absatz endet hier.\nZweiter Absatz.",
     ["Erster Absatz endet hier.", "Zweiter Absatz."]),
    ("Ein Satz, der umbrochen\nwurde, endet hier.",
     ["Ein Satz, der umbrochen\nwurde, endet hier."]),
    ("Ein Satz, der umbrochen wurde,\nDas Ende folgt.",
     ["Ein Satz, der umbrochen wurde,\nDas Ende folgt."]),
    ("Ein Satz über die\nUkraine endet hier.", ["Ein Satz über die\nUkraine endet hier."]),
    ("Ein Bindestrich-\nWort endet hier.", ["Ein Bindestrich-\nWort endet hier."]),
    ("Es sprach Dr.\nMüller lange.", ["Es sprach Dr.\nMüller lange."]),
    ("Am 3.\n\nOktober", ["Am 3.", "Oktober"]),
    ("14. März, 18.24 Uhr: Nach Trump-Bitte reagiert der Kreml\n\nBei einer Sitzung sprach er.",
     ["14. März, 18.24 Uhr: Nach Trump-Bitte reagiert der Kreml", "Bei einer Sitzung sprach er."]),
    ("Zeile eins\r\nZeile zwei", ["Zeile eins", "Zeile zwei"]),
    ('Star sorgt sich: "Dann macht Putin weiter"\nUkraine Star sorgt sich',
     ['Star sorgt sich: "Dann macht Putin weiter"', "Ukraine Star sorgt sich"]),
    ("Er kam zum Thema „\nKrieg“ und ging.", ["Er kam zum Thema „\nKrieg“ und ging."]),
]  # fmt: skip


def case_id(case: tuple[str, list[str]]) -> str:
    return case[0][:40] or "empty"


@pytest.mark.parametrize(
    ("text", "expected"),
    EDGE_CASES + ABBREVIATION_CASES + NUMBER_CASES + QUOTE_CASES + NAME_CASES + LINE_CASES,
    ids=[
        case_id(case)
        for case in EDGE_CASES
        + ABBREVIATION_CASES
        + NUMBER_CASES
        + QUOTE_CASES
        + NAME_CASES
        + LINE_CASES
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split(text) == expected


SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Sentences of the raw seed pages (scraped clutter included) that must come out whole.
SEED_SENTENCES = [
    ("000_4705e40d4dd64efe.txt",
     "Trump gratuliert als ErsterRussland und Ukraine tauschen erste 390 Gefangene aus"),
    ("000_4705e40d4dd64efe.txt", "Copyright: Efrem Lukatsky/AP/dpa"),
    ("000_4705e40d4dd64efe.txt",
     "„Wir prüfen jeden Namen, Information zu jeder Person“, sagte er."),
    ("000_4705e40d4dd64efe.txt", "Weitere Gefangene sollen am Wochenende freikommen"),
    ("000_4705e40d4dd64efe.txt",
     "- Unzufrieden mit Verhandlungen Trump droht EU mit Zöllen in Höhe von 50 Prozent "
     "ab 1. Juni"),
    ("001_fdf571903e5f5aab.txt", "Lawrow stellt nächsten Schritt in Aussicht"),
    ("002_c56ab70738da21e2.txt", "Stand: 26.06.2024 07:27 Uhr"),
    ("002_c56ab70738da21e2.txt",
     "Es war das erste Gespräche der Verteidigungsminister beider Länder seit dem 15. März 2023."),
    ("003_e4f064942255289f.txt",
     "14. März, 18.24 Uhr: Nach Trump-Bitte um Gnade für eingekesselte ukrainische Soldaten, "
     "reagiert der Kreml"),
    ("003_e4f064942255289f.txt", "Der ukrainische Präsident Wolodymyr Selenskyj (47)."),
    ("003_e4f064942255289f.txt",
     "Kremlchef Wladimir Putin (72) hat US-Präsident Donald Trump (78) für die Initiative zur "
     "Beendigung des Krieges in der Ukraine gedankt."),
    ("004_3ebae379aa40d199.txt", "Selenskyj hatte dies stets als großen Erfolg bezeichnet."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "sentence"), SEED_SENTENCES, ids=[s[:30] for _, s in SEED_SENTENCES]
)
def test_seed_sentences_come_out_whole(name: str, sentence: str) -> None:
    assert sentence in split((SEEDS / name).read_text(encoding="utf-8"))


def test_spans_are_offsets_into_the_text() -> None:
    text = "  Erster Satz.  Zweiter Satz!\n\nDritter"
    assert split_sentences(text, abbreviations=ABBREVIATIONS) == (
        Span(2, 14),
        Span(16, 29),
        Span(31, 38),
    )


def test_empty_table_splits_after_every_abbreviation() -> None:
    text = "Haus Nr. 5 brennt. Dr. Müller kam."
    spans = split_sentences(text, abbreviations=frozenset())
    assert [text[s.start : s.end] for s in spans] == [
        "Haus Nr.",
        "5 brennt.",
        "Dr.",
        "Müller kam.",
    ]


# Inputs that made a naive pattern backtrack quadratically (a megabyte of dots took hours).
# Linear work splits each in well under a second; quadratic work would take minutes.
HOSTILE = [
    ("dots", "." * 200_000),
    ("spaces", " " * 200_000 + "x"),
    ("short-lines", "abc\n" * 100_000),
    ("closers", "a.)" * 100_000),
    ("ellipses", "…" * 200_000),
]


@pytest.mark.parametrize("text", [text for _, text in HOSTILE], ids=[n for n, _ in HOSTILE])
def test_work_is_linear_on_hostile_input(text: str) -> None:
    started = time.perf_counter()
    spans = split_sentences(text, abbreviations=ABBREVIATIONS)
    assert time.perf_counter() - started < 2.0
    assert spans == (Span(len(text) - len(text.lstrip()), len(text.rstrip())),)


# Text built from the pieces the splitter reacts to, so that the properties meet its branches.
PIECES = st.sampled_from(
    [
        "Satz", "z. B.", "Nr.", "3.", "2023.", "Dr.", "Mio.", "etc.", "J.", "„", "“", '"', "»",
        "«", "(47)", "...", "…", "?", "!", ".", ",", " ", " ", " ", "\n", "\n\n", "\t", "die",
        "Die", "und", "-", "www.a.de", "18.24", "a", "Ä", "ß", "\u00a0", "\r\n",
    ]
)  # fmt: skip
TEXTS = st.one_of(st.lists(PIECES, max_size=40).map("".join), st.text(max_size=200))


@given(TEXTS)
def test_no_text_is_dropped_and_spans_are_exact(text: str) -> None:
    spans = split_sentences(text, abbreviations=ABBREVIATIONS)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        sentence = text[span.start : span.end]
        assert sentence == sentence.strip()
        assert text[previous_end : span.start].strip() == ""
        previous_end = span.end
    assert text[previous_end:].strip() == ""


@given(TEXTS)
def test_splitting_is_deterministic(text: str) -> None:
    first = split_sentences(text, abbreviations=ABBREVIATIONS)
    assert split_sentences(text, abbreviations=ABBREVIATIONS) == first
