"""Key figures: the amounts a story turns on, what they count, and who reports them.

``extract_figures`` takes the ``figure`` numbers of one sentence (``bot.core.numbers``),
drops those that are no amounts (``bot.core.quantities``: time anchors, ages, labels, match
minutes, figures of speech) and gives each its qualifier (``mehr als``), its label from the
noun phrase (``bot.core.phrases``) and the source's hedge in the sentence (``laut
Gewerkschaften``). ``reconcile_figures`` (``bot.core.reconcile``) merges a story's figures
across sources.

Labels, in order of precedence:

1. the noun phrase after the number (``jeweils 270 Kriegsgefangene``), or, for a unit, the
   noun it measures (``300 Tonnen Weizen``, ``25 Prozent der Flüchtlinge``, ``700
   Quadratmeter große Halle``);
2. the noun phrase of a number it is tied to: a partitive (``18 der 40 Sitze``), a change
   (``von 12 auf 11 Euro``), a coordination (``acht oder neun Prozent``);
3. the noun before it: ``die Zahl der Verletzten stieg auf 45``, ``ein Wert ab 30``,
   ``Nettogewinn von 571 Millionen Euro``; for a unit, the subject of the clause
   (``Die Quote lag bei 2,5 Prozent``);
4. an earlier figure of the same sentence (``45.000 Teilnehmer, davon 16.000 in Duisburg``);
5. the rest of the clause (``1.500 verließen am Abend das Stadion``).

``ein``/``eine`` is read as the article, never as the figure 1, unless a qualifier and a unit
make it one (``etwa ein Liter``): in news it is the article far more often than a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.figure_words import FigureWords
from bot.core.language import Language
from bot.core.models import Figure
from bot.core.numbers import FIGURE, VAGUE, NumberMatch, find_numbers
from bot.core.phrases import (
    Word,
    base_form,
    clause_label,
    clause_subject,
    counted_by,
    governed_by_dative,
    is_noun,
    noun_before_preposition,
    noun_phrase,
    words_after,
    words_before,
)
from bot.core.quantities import TIME_UNITS, reject_reason
from bot.core.reconcile import reconcile_figures

__all__ = ["extract_figures", "reconcile_figures"]

# Between two numbers: a coordination sharing what follows the second (``acht oder neun``).
_COORDINATION_RE = re.compile(r"\s*(?:,|und|oder|bzw\.|beziehungsweise)\s*")
# Between two numbers: a partitive (``18 der 40``, ``212 von 600``, ``neun von den elf``).
_PARTITIVE_RE = re.compile(r"\s+(?:der|von|von den|unter|unter den)\s+")
# Between two numbers: a change (``von 12 auf 11 Euro``) when ``von`` stands before the first.
_CHANGE_RE = re.compile(r"\s+auf\s+")
# The source's hedge: ``laut Gewerkschaften``, ``nach Angaben der Polizei``,
# ``nach Gewerkschaftsangaben``, ``der Weltbank zufolge``.
_HEDGE_RES = (
    re.compile(
        r"(?<!\w)[Ll]aut\s+(?:(?:der|des|dem|den|einer|einem|eines)\s+)?"
        r"(?:[a-zäöüß][\w-]*\s+){0,2}[A-ZÄÖÜ][\w-]*(?:\s+[A-ZÄÖÜ][\w-]*)?"
    ),
    re.compile(
        r"(?<!\w)[Nn]ach\s+(?:(?:eigenen|offiziellen|ersten|vorläufigen|[a-zäöüß]+en)\s+)?"
        r"(?:[A-ZÄÖÜ][\w-]*-)?[Aa]ngaben(?:\s+(?:der|des|von)\s+(?:[a-zäöüß][\w-]*\s+){0,2}"
        r"[A-ZÄÖÜ][\w-]*(?:\s+[A-ZÄÖÜ][\w-]*){0,2})?"
    ),
    re.compile(r"(?<!\w)[Nn]ach\s+[A-ZÄÖÜ][\w-]*angaben"),
    re.compile(r"(?:(?:[Dd]er|[Dd]es|[Dd]em|[Dd]en)\s+)?[A-ZÄÖÜ][\w-]*\s+zufolge"),
)
# Between two figures: an apposition restating the first (``100 Prozent des Biomülls, das sind
# jährlich rund 18.000 Tonnen``).
_APPOSITION = re.compile(
    r"(?:\s+(?:der|des)\s+[\w-]+)?\s*,\s+das\s+(?:sind|ist|entspricht)\s+(?:[a-zäöü.]+\s+){0,3}"
)


@dataclass(frozen=True, slots=True)
class _Reading:
    match: NumberMatch
    unit: str | None
    label: str


def extract_figures(
    sentence: str, *, source: str, lang: Language, source_label: str = ""
) -> tuple[Figure, ...]:
    """Return the key figures of one cleaned sentence, in text order.

    Args:
        sentence: The sentence.
        source: The article id of the sentence.
        lang: Language tables (``lang.figures``: the word lists; stop words).
        source_label: The readable name of the source (``Source.name``).
    """
    words = lang.figures
    matches = [m for m in find_numbers(sentence) if m.kind == FIGURE]
    readings: list[_Reading | None] = [None] * len(matches)
    rejected = [False] * len(matches)
    # Right to left: a number tied to the next one takes its unit and label.
    for index in range(len(matches) - 1, -1, -1):
        match = matches[index]
        unit, label = match.unit, ""
        tied = _tied_to(sentence, matches, index, readings)
        if tied is not None and unit is None:
            unit, label = tied.unit, tied.label
        elif _coordinated(sentence, matches, index) and rejected[index + 1] and unit is None:
            rejected[index] = True  # ``23 oder 24 Jahre alt``: the list shares the age
            continue
        if reject_reason(sentence, match, unit, words):
            rejected[index] = True
            continue
        if not label:
            label = _label(sentence, match, unit, lang)
        readings[index] = _Reading(match, unit, label)
    figures: list[Figure] = []
    previous_label = _vague_antecedent(sentence, matches, lang) if any(readings) else ""
    hedge = _hedge(sentence) if any(readings) else None
    for reading in readings:
        if reading is None:
            continue
        label = reading.label
        if (not label or label == reading.unit) and previous_label:
            last = figures[-1] if figures else None
            label = _elliptic(sentence, reading, previous_label, last) or label
        elif not label:
            label = _clause_label(sentence, reading, lang.stopwords)
        noun = label.removeprefix(f"{reading.unit} ") if reading.unit else label
        if noun and noun != reading.unit:
            previous_label = noun
        figures.append(_figure(sentence, reading, label, hedge, source, source_label, words))
    return tuple(figures)


def _vague_antecedent(sentence: str, matches: list[NumberMatch], lang: Language) -> str:
    """Return what a vague number before the first figure counts (``Tausende Beschäftigte``).

    ``Tausende Beschäftigte sind betroffen: Rund 700 arbeiten …`` counts Beschäftigte.
    """
    first = matches[0].start if matches else len(sentence)
    for match in find_numbers(sentence[:first]):
        if match.kind == VAGUE:
            phrase = noun_phrase(words_after(sentence, match.end), lang.figures, lang.stopwords)
            if phrase is not None:
                return base_form(phrase, dative=False, words=lang.figures)
    return ""


def _coordinated(sentence: str, matches: list[NumberMatch], index: int) -> bool:
    if index + 1 >= len(matches):
        return False
    between = sentence[matches[index].end : matches[index + 1].start]
    return _COORDINATION_RE.fullmatch(between) is not None


def _tied_to(
    sentence: str, matches: list[NumberMatch], index: int, readings: list[_Reading | None]
) -> _Reading | None:
    """Return the reading of the next number when this one shares its noun phrase."""
    if index + 1 >= len(matches) or readings[index + 1] is None:
        return None
    match, nxt = matches[index], matches[index + 1]
    between = sentence[match.end : nxt.start]
    if _COORDINATION_RE.fullmatch(between) or _PARTITIVE_RE.fullmatch(between):
        return readings[index + 1]
    if _CHANGE_RE.fullmatch(between) and re.search(r"(?<!\w)von\s+$", sentence[: match.start]):
        return readings[index + 1]
    return None


def _label(sentence: str, match: NumberMatch, unit: str | None, lang: Language) -> str:
    """Return what a number counts or what its unit measures ('' when nothing says)."""
    words, stopwords = lang.figures, lang.stopwords
    before = words_before(sentence, match.start)
    after = words_after(sentence, match.end)
    dative = governed_by_dative(before, words)
    if unit is None or re.search(r"-[a-zäöü]+$|[a-zäöü]ig\w*$", match.text):
        # A count, or an adjective built on a number (``30-tägige Waffenruhe``).
        phrase = noun_phrase(after, words, stopwords)
        if phrase is not None:
            return base_form(phrase, dative=dative, words=words)
        if unit is None:
            return (
                counted_by(sentence, match.start, words, stopwords)
                or noun_before_preposition(before, words)
                or ""
            )
        return unit
    measured = _measured_after(after, words, stopwords)
    if measured:
        return f"{unit} {measured}"
    bracketed = _before_brackets(sentence, match.start, words)
    if bracketed:
        return f"{unit} {bracketed}"  # ``Spar (30 Prozent)``, ``jeder Zweite (68 Prozent)``
    if unit in TIME_UNITS:
        return unit
    if len(before) == 1 and is_noun(before[0], words) and before[0].text not in words.label_before:
        return f"{unit} {before[0].text}"  # ``(Jahresumsatz 75,7 Millionen Euro)``
    noun = noun_before_preposition(before, words) or clause_subject(before, words, stopwords)
    return f"{unit} {noun}" if noun else unit


def _before_brackets(sentence: str, start: int, words: FigureWords) -> str:
    """Return the noun (with ``jeder``) right before ``(`` when a figure opens the brackets."""
    found = re.search(
        r"((?:jede[rs]?\s+)?[A-ZÄÖÜ][\w-]*)\s*\(\s*(?:[a-zäöü.]+\s+){0,3}$", sentence[:start]
    )
    if found is None or found.group(1).split()[-1] in words.not_nouns:
        return ""
    return found.group(1)


def _measured_after(after: list[Word], words: FigureWords, stopwords: frozenset[str]) -> str:
    """Return what a unit measures when it follows the unit (``Prozent der Österreicher``)."""
    if not after:
        return ""
    first = after[0].text.lower()
    if first in {"der", "des", "aller", "ihrer", "seiner", "unserer"}:
        phrase = noun_phrase(after[1:], words, stopwords)
        if phrase is not None:
            return " ".join([after[0].text, *phrase.adjectives, phrase.noun])
        return ""
    if first.startswith(words.measure_adjectives) and len(after) > 1:
        phrase = noun_phrase(after[1:], words, stopwords)  # ``700 Quadratmeter große Halle``
        return base_form(phrase, dative=False, words=words) if phrase else ""
    if is_noun(after[0], words):
        phrase = noun_phrase(after, words, stopwords)
        return phrase.noun if phrase else ""
    phrase = noun_phrase(after, words, stopwords)  # ``153.000 Euro im Voraus erhaltene Hilfe``
    if phrase is not None and phrase.adjectives and phrase.adjectives[0] in words.prepositions:
        return base_form(phrase, dative=False, words=words)
    return ""


def _elliptic(sentence: str, reading: _Reading, previous: str, before: Figure | None) -> str:
    """Return the label of a number with no noun taken from the figure before it.

    ``45.000 Teilnehmer, davon 16.000 in Duisburg``; a share or a conversion in brackets
    measures the figure before it (``304 Stimmen (mehr als 52 Prozent)``, ``10.000 Dollar (gut
    9.000 Euro)``, ``… Dollar, umgerechnet etwa 2,1 Millionen Euro``); a unit repeated
    measures the same thing (``von den 750.000 Tonnen Abfällen sind 491.000 Tonnen``).
    """
    if reading.unit is None:
        return previous
    if before is None:
        return ""
    gap = sentence[before.start + len(before.text) : reading.match.start]
    if (
        re.fullmatch(r"\s*(?:[A-ZÄÖÜ][\w-]*\s*)?\(\s*(?:[a-zäöü.]+\s+){0,3}", gap)
        or re.search(r"umgerechnet\s+(?:[a-zäöü.]+\s+){0,2}$", gap)
        or re.fullmatch(_APPOSITION, gap)
        or (before.unit == reading.unit and not re.search(r"[–:;]| - ", gap))
    ):
        return f"{reading.unit} {previous}"
    return ""


def _clause_label(sentence: str, reading: _Reading, stopwords: frozenset[str]) -> str:
    """Return the clause after a number with no noun (``1.500 verließen das Stadion``)."""
    following = words_after(sentence, reading.match.end)
    if reading.unit is not None or not following:
        return ""
    first = following[0].text
    if not first.islower() or first in stopwords:
        return ""
    return clause_label(following)


def _figure(
    sentence: str,
    reading: _Reading,
    label: str,
    hedge: str | None,
    source: str,
    source_label: str,
    words: FigureWords,
) -> Figure:
    match = reading.match
    start, qualifier = match.start, None
    if not match.text.lower().startswith("zwischen"):
        found = _qualifier_before(sentence, match.start, words)
        if found is not None:
            qualifier, start = found
    return Figure(
        value=match.value,
        text=sentence[start : match.end],
        label=label,
        sentence=sentence,
        source=source,
        unit=reading.unit,
        qualifier=qualifier,
        value_high=match.value_high,
        start=start,
        source_label=source_label,
        hedge=hedge,
    )


@lru_cache(maxsize=8)
def _qualifier_re(qualifiers: tuple[str, ...]) -> re.Pattern[str]:
    """Return one pattern for every qualifier before a number (longest first wins)."""
    return re.compile(
        r"(?<![\w.])(" + "|".join(map(re.escape, qualifiers)) + r")\s+$", re.IGNORECASE
    )


def _qualifier_before(sentence: str, start: int, words: FigureWords) -> tuple[str, int] | None:
    """Return the qualifier before a number and where it starts (``mehr als``, ``rund``)."""
    if not words.qualifiers:
        return None
    offset = max(0, start - 30)
    found = _qualifier_re(words.qualifiers).search(sentence, offset, start)
    if found is None:
        return None
    qualifier = found.group(1).lower()
    if qualifier == "über":
        verb = re.search(r"(\w+)\s+$", sentence[offset : found.start()])
        if verb and verb.group(1).lower().startswith(words.ueber_verbs):
            return None  # ``verfügt über 120 Sitze``: the verb's own preposition
    return qualifier, found.start()


def _hedge(sentence: str) -> str | None:
    """Return the first phrase of the sentence naming who gives its figures, else None."""
    found = [m for pattern in _HEDGE_RES if (m := pattern.search(sentence))]
    if not found:
        return None
    hedge = min(found, key=lambda m: m.start()).group().strip()
    # Shown after the figure, so a sentence-initial ``Nach``/``Laut``/``Der`` is lower case.
    first = hedge.split()[0]
    return hedge[:1].lower() + hedge[1:] if first in {"Nach", "Laut", "Der", "Des"} else hedge
