"""Noun phrases around a number: what a figure counts, read from the German sentence.

A small, rule-based analysis of the words next to a number (no tagger): German capitalises
nouns, so a noun phrase after a number is ``[partitive determiner] [adjectives] Noun``
(``18 der 40 Sitze``, ``neun der elf untersuchten Proben``, ``240 Grazer Schülern``); a unit
measures the noun after it (``300 Tonnen Weizen``, ``700 Quadratmeter große Halle``) or the
noun the clause is about (``Der Umsatz stieg um 6,9 Prozent``, ``ein Nettogewinn von 571
Millionen Euro``). Labels are given in the base form a count takes in the nominative plural
(``mit 20.300 Beschäftigten`` counts ``Beschäftigte``, ``in 13 Bezirken`` ``Bezirke``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.clean import MONTHS
from bot.core.figure_words import FigureWords


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a sentence with its offsets."""

    start: int
    end: int
    text: str

    @property
    def capitalised(self) -> bool:
        """True for a word that starts with an upper-case letter (a noun or a name)."""
        return self.text[:1].isupper()


# Words (with inner hyphens) and single marks; the dot of ``Nr.`` is a mark of its own.
_WORD_RE = re.compile(r"[^\W_](?:[\w-]*[^\W_])?|[^\w\s]")
# Characters looked at on each side of a number: more than any noun phrase or clause opening
# the rules read (20 words); keeps the cost per number flat in long sentences.
WINDOW_CHARS = 200
# Marks that end a clause: a noun phrase never reaches over them.
CLAUSE_MARKS = frozenset(',;:()[]–—"„“”»«?!')
# Adjective endings in German declension (``russischen``, ``weitere``, ``großer``).
_ADJECTIVE_RE = re.compile(r"[a-zäöüß][\w-]*(?:e|en|er|es|em)")
# Adjectival nouns, whose plural drops its ``n`` without an article (``die Verletzten`` ->
# ``Verletzte``): the endings of participles and ``-lich``/``-ig`` adjectives used as nouns.
_ADJECTIVAL_NOUN_RE = re.compile(
    r"(?:igten|ierten|zten|teten|deten|neten|enen|ssten|llten|hlten|lichen|igen|rkten|ndten"
    r"|toten|beamten|losen|ischen|nkten)$"
)
# Strong plurals with an umlaut in the last syllable, in the dative (``Zusammenstößen``,
# ``Anschlägen``, ``Fällen``, ``Plätzen``): the nominative drops the ``n``. Consonants after
# the umlaut keep out feminine plurals such as ``Türen``, ``Gebühren``, ``Behörden`` and
# ``Größen`` (``Zusammenstößen`` is listed in ``dative_plurals`` instead).
_UMLAUT_DATIVE_RE = re.compile(r"[äöü](?:g|ll|tz|rzt|dt|ff|ck|nd|ch|st|hl|hn|ss|mm|tt)en$")
_MONTHS = frozenset({*MONTHS, "Jänner"})


def split_words(text: str, offset: int = 0) -> list[Word]:
    """Return the words and marks of ``text``; offsets are shifted by ``offset``."""
    return [Word(m.start() + offset, m.end() + offset, m.group()) for m in _WORD_RE.finditer(text)]


def words_after(sentence: str, end: int, *, limit: int = 8) -> list[Word]:
    """Return up to ``limit`` words after ``end``, stopping at a clause mark."""
    found: list[Word] = []
    for word in split_words(sentence[end : end + WINDOW_CHARS], end):
        if word.text in CLAUSE_MARKS or word.text == "." or len(found) == limit:
            break
        found.append(word)
    return found


def words_before(sentence: str, start: int, *, limit: int = 20) -> list[Word]:
    """Return up to ``limit`` words before ``start`` in the same clause, nearest last."""
    found: list[Word] = []
    begin = max(0, start - WINDOW_CHARS)
    words = split_words(sentence[begin:start], begin)
    if begin and words:
        words = words[1:]  # the first may be cut
    for word in reversed(words):
        if word.text in CLAUSE_MARKS or len(found) == limit:
            break
        if word.text != ".":  # the dot of an abbreviation (``Nr. 5``, ``ca. 30``)
            found.append(word)
    return found[::-1]


def is_noun(word: Word, words: FigureWords) -> bool:
    """Tell whether a capitalised word can be the counted noun (no function word, month)."""
    return (
        word.capitalised
        and any(c.islower() for c in word.text)
        and word.text not in words.not_nouns
        and word.text not in _MONTHS
    )


def _is_adjective(word: Word, stopwords: frozenset[str], words: FigureWords) -> bool:
    lower = word.text.lower()
    return _ADJECTIVE_RE.fullmatch(word.text) is not None and (
        lower not in stopwords or lower in words.phrase_adjectives
    )


@dataclass(frozen=True, slots=True)
class Phrase:
    """A noun phrase: its adjectives and head noun as written, and where it ends."""

    adjectives: tuple[str, ...]
    noun: str
    end: int
    determiner: str = ""


def noun_phrase(
    following: list[Word], words: FigureWords, stopwords: frozenset[str]
) -> Phrase | None:
    """Return the noun phrase that opens ``following``, else None.

    ``[partitive determiner] [adverb] [adjectives] Noun``: up to two determiners (``von
    den``), up to three adjectives, and a capitalised adjective of place before the noun
    (``Grazer Schüler``) is an adjective, never the head.
    """
    index = 0
    determiner = []
    while index < min(2, len(following)) and following[index].text.lower() in words.partitive:
        determiner.append(following[index].text)
        index += 1
    adjectives: list[str] = []
    while index < len(following) and len(adjectives) < 4:
        word = following[index]
        if _extended_attribute(following, index, words, stopwords):
            adjectives.extend(w.text for w in following[index : index + 2])
            index += 2  # ``drei in Nordkorea festgehaltene Nordamerikaner``
            continue
        if _is_adjective(word, stopwords, words) or (
            word.text.islower()
            and word.text not in stopwords
            and index + 1 < len(following)
            and _is_adjective(following[index + 1], stopwords, words)
        ):
            adjectives.append(word.text)
            index += 1
            continue
        break
    if index >= len(following) or not is_noun(following[index], words):
        return None
    head = following[index]
    nxt = following[index + 1] if index + 1 < len(following) else None
    after_next = following[index + 2] if index + 2 < len(following) else None
    if (
        nxt is not None
        and head.text.endswith("er")
        and is_noun(nxt, words)
        and not (after_next is not None and after_next.capitalised)  # ``Deutsche Bank``
    ):
        adjectives.append(head.text)  # ``Grazer Schülern``, ``Wiener Gemeindebedienstete``
        head = nxt
    at = following.index(head)
    if (
        at + 3 < len(following)
        and following[at + 1].text == "-"
        and following[at + 2].text in {"und", "oder", "bzw"}
        and is_noun(following[at + 3], words)
    ):
        last = following[at + 3]  # ``Kurz- und Mittelstreckenflüge``
        noun = f"{head.text}- {following[at + 2].text} {last.text}"
        return Phrase(tuple(adjectives), noun, last.end, " ".join(determiner))
    return Phrase(tuple(adjectives), head.text, head.end, " ".join(determiner))


def _extended_attribute(
    following: list[Word], index: int, words: FigureWords, stopwords: frozenset[str]
) -> bool:
    """Tell ``in Nordkorea festgehaltenen`` (preposition, noun, participle) from a clause."""
    if index + 2 >= len(following) or following[index].text not in words.prepositions:
        return False
    noun, participle = following[index + 1], following[index + 2]
    return is_noun(noun, words) and _is_adjective(participle, stopwords, words)


def base_form(phrase: Phrase, *, dative: bool, words: FigureWords) -> str:
    """Return a phrase as a count names it: nominative plural, strong adjectives."""
    adjectives = [
        word[:-1] if word.endswith("en") and word[:1].islower() else word
        for word in phrase.adjectives
    ]
    return " ".join([*adjectives, base_noun(phrase.noun, dative=dative, words=words)])


def base_noun(noun: str, *, dative: bool, words: FigureWords) -> str:
    """Return the nominative plural of a noun written after a number.

    ``-ern`` plurals (``Schülern``) and adjectival nouns (``Beschäftigten``) always lose the
    dative or weak ``n``; other ``-en`` words only after a dative preposition and when listed
    in ``dative_plurals`` (``Bezirken``), since ``Menschen`` or ``Paletten`` are nominatives.
    """
    lower = noun.lower()
    if lower.endswith("ern") and not lower.endswith(words.ern_plurals):
        return noun[:-1]
    if _ADJECTIVAL_NOUN_RE.search(lower):
        return noun[:-1]
    if dative and (lower.endswith(words.dative_plurals) or _UMLAUT_DATIVE_RE.search(lower)):
        return noun[:-1]
    return noun


def governed_by_dative(before: list[Word], words: FigureWords) -> bool:
    """Tell whether the nearest preposition before a number governs the dative."""
    for word in reversed(before[-3:]):
        lower = word.text.lower()
        if lower in words.dative_before:
            return True
        if lower not in words.qualifiers and lower not in {"als", "zu", "bis", "mehr"}:
            return False
    return False


def clause_subject(
    before: list[Word], words: FigureWords, stopwords: frozenset[str]
) -> str | None:
    """Return the first noun phrase of a clause opened by an article, not by a preposition.

    ``Die Quote lag bei 2,5 Prozent`` -> ``Quote``; ``Der Umsatz legte in dem Zeitraum um
    6,9 Prozent zu`` -> ``Umsatz``. A phrase followed by ``zufolge`` names a source.
    """
    articles = {"der", "die", "das", "ein", "eine", "einen", "einem", "einer", "den", "dem"}
    for index, word in enumerate(before):
        if word.text.lower() not in articles:
            continue
        previous = before[index - 1].text.lower() if index else ""
        if previous in words.prepositions:
            continue  # ``in dem Zeitraum``: no subject
        phrase = noun_phrase(before[index + 1 :], words, stopwords)
        if phrase is None or phrase.noun in words.measure_nouns | words.time_nouns:
            continue
        rest = [w for w in before if w.start >= phrase.end]
        if rest and rest[0].text.lower() in words.hedge_cues:
            continue
        return base_form(phrase, dative=False, words=words)
    if len(before) > 1 and before[0].text in {"Unter", "Von", "Bei"}:
        phrase = noun_phrase(before[1:], words, stopwords)  # ``Unter Jugendlichen sind 60 %``
        if phrase is not None and not phrase.determiner:
            return base_form(phrase, dative=True, words=words)
    return None


def noun_before_preposition(before: list[Word], words: FigureWords) -> str | None:
    """Return the noun a ``von``/``ab`` phrase with the number belongs to.

    ``ein Nettogewinn von 571 Millionen Euro`` -> ``Nettogewinn``; ``eine Strafe in Höhe von
    5.000 Euro`` -> ``Strafe``; ``ein Wert ab 30`` -> ``Wert``.
    """
    index = len(before) - 1
    while index >= 0 and (
        before[index].text.lower() in words.qualifiers or before[index].text in words.fillers
    ):
        index -= 1
    if index < 1 or before[index].text.lower() not in {"von", "ab"}:
        return None
    index -= 1
    if before[index].text in words.measure_nouns and index >= 2 and before[index - 1].text == "in":
        index -= 2  # ``in Höhe von``
    noun = before[index]
    if not is_noun(noun, words) or noun.text in words.count_nouns | words.time_nouns:
        return None  # ``im Laufe der Jahre von 25.000 Dollar``: ``von`` is temporal
    return noun.text


def counted_by(sentence: str, start: int, words: FigureWords, stopwords: frozenset[str]) -> str:
    """Return ``X`` of ``die Zahl der X`` before ``start`` (``Zahl der Toten stieg auf 45``)."""
    before = split_words(sentence[:start])
    for index, word in enumerate(before):
        if (
            word.text in words.count_nouns
            and index + 1 < len(before)
            and before[index + 1].text.lower() in {"der", "an", "von"}
        ):
            phrase = noun_phrase(before[index + 2 :], words, stopwords)
            if phrase is not None:
                return base_form(phrase, dative=False, words=words)
    return ""


def clause_label(following: list[Word]) -> str:
    """Return the rest of the clause after a number as its label (``verließen das Stadion``).

    Used when no noun follows: ``1.500 verließen am Abend das Stadion``. Adverbials of time
    and place are kept: the label is the clause as written, up to six words.
    """
    kept = [w.text for w in following[:6]]
    return " ".join(kept)
