"""Quantities: which ``figure`` numbers of a sentence are amounts a reader looks for.

``bot.core.numbers`` already sets dates, years, clock times, most ages and names apart. What
is left still holds numbers that are no amounts, told apart here by the words around them:

- time anchors: a duration after ``vor``/``seit``/``nach``/``in den ersten`` or before
  ``später``/``nach`` (``vor drei Wochen``, ``fünf Tage später``); a duration that is itself
  the news keeps its place (``zu vier Jahren Haft``, ``eine Studie über zehn Jahre``);
- ages: ``im Alter von 58 und 61 Jahren``, ``15 Jahre alt``, ``Kinder unter 14 Jahren``;
- labels: a number after a word that names a series (``Stufe zwei``, ``Linie 7``, ``Platz
  vier``), a year after a noun or before a name (``Meister 2019 Borussia Dortmund``), a
  model (``Boeing 737-800``);
- match minutes ``(73.)``; ``mehrere Tausend``; the figure of speech ``zu hundert Prozent``.
"""

from __future__ import annotations

import re

from bot.core.figure_words import FigureWords
from bot.core.numbers import NumberMatch, parse_number_word
from bot.core.phrases import Word, is_noun, words_after, words_before

TIME_UNITS = frozenset(
    {"Sekunden", "Minuten", "Stunden", "Tage", "Wochen", "Monate", "Jahre", "Jahrzehnte"}
)
_YEAR_RE = re.compile(r"(?:19|20)\d{2}")
# Words between an anchor preposition and its duration (``seit mehr als drei Jahren``).
_ANCHOR_SKIP = frozenset({"den", "die", "der", "dem", "als", "mehr", "weniger"})
# Words before a qualified year that keep it a year (``bis mindestens 2024``).
_YEAR_CUES = frozenset({"bis", "seit", "ab", "anfang", "ende", "mitte", "jahr", "jahres"})
# A ratio: ``Eins zu Zehn``, ``110 zu 65``.
_RATIO_AFTER_RE = re.compile(r"\s+zu\s+(?:\d|[A-Za-zäöü]+\b)")
# A number with a dot before ``)``, ``/``, ``,`` or ``+``: a minute or a place in results
# (``(73.)``, ``(1./26.)``, ``(45.+2)``).
_MINUTE_RE = re.compile(r"\.\s*(?:\)|/|,|\+)")


def reject_reason(
    sentence: str, match: NumberMatch, unit: str | None, words: FigureWords
) -> str | None:
    """Return why a ``figure`` number is no amount (``anchor``, ``age``, ``label`` …), else None.

    Args:
        sentence: The sentence.
        match: The number as found.
        unit: Its unit, also when it shares the unit of a coordinated number (``58 und 61
            Jahren``).
        words: The word lists.
    """
    before = words_before(sentence, match.start)
    after = words_after(sentence, match.end)
    previous = before[-1].text if before else ""
    opening = sentence[match.start - 1 : match.start]
    if opening in {"(", "/"} and _MINUTE_RE.match(sentence, match.end):
        return "minute"  # ``(73.)``, ``(73./Elfmeter)``, ``(1./26.)``
    if sentence[max(0, match.start - 2) : match.start] == ".+":
        return "minute"  # ``(45.+2)``
    if sentence[match.end : match.end + 1] == ")" and "(" not in sentence[: match.start]:
        return "label"  # a list item: ``4) Genie an den Tasten``
    if previous == "Uhr":
        return "time"  # ``um 20 Uhr 15``
    if _is_ratio(sentence, match, before):
        return "ratio"  # ``etwa Eins zu Zehn``, ``110 zu 65``
    if previous.lower() in words.vague_before or (
        len(before) > 1 and before[-2].text.lower() == "ein" and previous.lower() == "paar"
    ):
        return "vague"
    if previous in words.label_before or previous + "." in words.label_before:
        return "label"
    if unit in TIME_UNITS:
        if _is_age(match, before, after, words):
            return "age"
        if _is_anchor(before, after, words):
            return "anchor"
    elif unit is None and _is_age(match, before, after, words) and _ages_follow(sentence, match):
        return "age"
    if re.match(r"-\s+(?:bis|und|oder)\s+\d+-[Jj]ährig", sentence[match.end :]):
        return "age"  # ``bei den 14- bis 29-Jährigen``
    if (
        unit == "Prozent"
        and match.value == 100
        and previous.lower() in {"zu", "bei", "auf"}
        and (not after or after[0].text.lower() not in {"der", "des", "aller"})
    ):
        return "speech"  # ``zu hundert Prozent sicher``, ``bei 100 Prozent angelangt``
    if unit is None and match.unit is None and _is_name(sentence, match, before, after, words):
        return "label"
    if (
        match.text[:1].isupper()
        and match.text.isalpha()
        and previous.lower() in words.nominalisers
        and not (after and is_noun(after[0], words))
    ):
        return "label"  # a number word used as a noun: ``die erste Elf``, ``eine Sieben``
    return None


def _is_ratio(sentence: str, match: NumberMatch, before: list[Word]) -> bool:
    after = _RATIO_AFTER_RE.match(sentence, match.end)
    if after is not None:
        word = re.sub(r"\W+$", "", sentence[after.start() :].split()[1])
        return word[:1].isdigit() or parse_number_word(word) is not None
    if len(before) > 1 and before[-1].text == "zu":
        ahead = before[-2].text
        return ahead.isdigit() or parse_number_word(ahead) is not None
    return False


def _is_anchor(before: list[Word], after: list[Word], words: FigureWords) -> bool:
    if after and after[0].text.lower() in words.news_durations:
        return False
    if after and after[0].text.lower() in words.anchor_after:
        return True
    lowered = [w.text.lower() for w in before[-4:]]
    if lowered[-1:] == ["zu"]:
        return False  # ``zu vier Jahren verurteilt``
    for word in reversed(lowered):
        if word in words.anchor_before:
            return True
        if word not in words.qualifiers and word not in words.fillers and word not in _ANCHOR_SKIP:
            return False
    return False


def _is_age(match: NumberMatch, before: list[Word], after: list[Word], words: FigureWords) -> bool:
    if after and after[0].text.lower() in words.age_after:
        return True  # ``15 Jahre alt``
    window = [w.text.lower() for w in before[-4:]]
    if any(w in words.age_before for w in window):
        return True  # ``im Alter von 58 Jahren``
    if not match.text.endswith("Jahren"):
        return False
    if window[-1:] == ["mit"]:
        return True  # ``starb mit 58 Jahren``
    if before and is_noun(before[-1], words):
        return True  # ``Jugendliche zwischen 16 und 21 Jahren``
    return (
        len(before) > 1
        and before[-1].text.lower() in {"ab", "unter", "über", "von"}
        and is_noun(before[-2], words)
    )  # ``Kinder unter 14 Jahren``


def _ages_follow(sentence: str, match: NumberMatch) -> bool:
    """Tell whether a bare number is the first of a list of ages (``58 und 61 Jahren``)."""
    return re.match(r"\s*(?:,|und|oder)\s*\d+\s+Jahren?\b", sentence[match.end :]) is not None


def _is_name(
    sentence: str,
    match: NumberMatch,
    before: list[Word],
    after: list[Word],
    words: FigureWords,
) -> bool:
    """Tell a number that names (a year, a model, a label) from a bare count."""
    previous = before[-1] if before else None
    # A noun within the next words (``921 einschlägige Delikte``) makes the number a count.
    follows_noun = any(is_noun(w, words) for w in after[:4])
    if _YEAR_RE.fullmatch(match.text):
        if previous is not None and previous.capitalised and is_noun(previous, words):
            return True  # ``Meister 2019``, ``der Wahl 2012``
        if after and after[0].text.lower().endswith(words.year_titles):
            return True  # ``2010 Weltmeister``
        cues = {w.text.lower() for w in before[-3:]}
        if cues & _YEAR_CUES and not (after and is_noun(after[0], words)):
            return True  # ``bis mindestens 2024``
        if len(after) > 1 and after[0].capitalised and after[1].capitalised:
            return True  # ``2019 Borussia Dortmund``
    if previous is not None and previous.text.lower() in words.qualifiers:
        return False  # ``Rund 700 arbeiten …``
    if previous is None or follows_noun or previous.start == 0 or not match.text[0].isdigit():
        return False
    if not previous.capitalised and any(c.isupper() for c in previous.text):
        return sentence[previous.end : match.start] == " "  # ``iOS 9``, ``iPhone 6``
    if not previous.capitalised or not is_noun(previous, words):
        return False
    # ``Boeing 737-800``, ``Jäger 90``: a number right after a noun, with no noun after it.
    return sentence[previous.end : match.start].strip() == ""
