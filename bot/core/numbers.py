"""Numbers: every cardinal number in a German text, and what kind of number it is.

``find_numbers`` reads digits (``1.000``, ``2,5``, ``55 000``), number words (``drei``,
``dreiundzwanzig``, ``zweitausend``), scale words (``2,5 Millionen``, ``1,5 Mio.``), ranges
(``20 bis 30``, ``zwischen 20 und 30``) and units (``Prozent``, ``€``, ``30-tägige``). Each match
gets a ``kind``: only ``figure`` matches are candidates for key figures; dates, years, clock
times, ages, ordinals, numbers in names and legal references are found but kept apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.units import CURRENCY_BEFORE_RE, CURRENCY_UNITS, unit_at

# Kinds of numbers. Only FIGURE is a key-figure candidate.
FIGURE, DATE, YEAR, TIME, AGE, ORDINAL = "figure", "date", "year", "time", "age", "ordinal"
NAME, LAW, PHONE, SCORE = "name", "law", "phone", "score"
COMPOUND, VAGUE, OTHER = "compound", "vague", "other"


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A cardinal number as written in a text.

    Attributes:
        start: Offset of ``text`` in the searched text.
        end: End offset (``text == searched[start:end]``).
        text: The number as written, with its scale word, range end and unit.
        value: The normalised number; for a range its low end; 0.0 for forms that are no
            plain number (``26.06.2024``, ``07:27``, phone numbers, regnal numbers).
        kind: ``figure``, ``date``, ``year``, ``time``, ``age``, ``ordinal``, ``name``,
            ``law``, ``phone``, ``score``, ``compound``, ``vague`` or ``other``.
        value_high: The high end of a range, else None.
        unit: Canonical unit (``Prozent``, ``Euro``, ``Tage``), if any.
    """

    start: int
    end: int
    text: str
    value: float
    kind: str
    value_high: float | None = None
    unit: str | None = None


# Number words, from the German spelling rules (Duden, "Zahlwörter"); ``ein`` only inside
# compounds, since on its own it is the article.
_DIGIT_WORDS = ("ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")
_STEMS = ("vier", "fünf", "sech", "sieb", "acht", "neun")  # as in ``sechzehn``, ``siebzig``
_UNITS = {word: value for value, word in enumerate(_DIGIT_WORDS, start=1)}
_TEENS = {
    word: value
    for value, word in enumerate(
        ("zehn", "elf", "zwölf", "dreizehn", *(f"{s}zehn" for s in _STEMS)), start=10
    )
}
_TENS = {
    word: 10 * value
    for value, word in enumerate(("zwanzig", "dreißig", *(f"{s}zig" for s in _STEMS)), start=2)
}
_SPECIAL = {"eins": 1.0, "null": 0.0, "anderthalb": 1.5, "zweier": 2.0, "dreier": 3.0}
# Quantity nouns: UD tags them NUM, but they are not precise enough for a key figure.
_VAGUE = {
    **dict.fromkeys(("dutzend", "dutzende", "dutzenden"), 12.0),
    **dict.fromkeys(("hunderte", "hunderten"), 100.0),
    **dict.fromkeys(("tausende", "tausenden"), 1e3),
    **dict.fromkeys(("zehntausende", "zehntausenden"), 1e4),
    **dict.fromkeys(("hunderttausende", "hunderttausenden"), 1e5),
    **dict.fromkeys(("million", "millionen"), 1e6),
    **dict.fromkeys(("milliarde", "milliarden"), 1e9),
    **dict.fromkeys(("billion", "billionen"), 1e12),
}
# Scale words after a number (``2,5 Millionen``); ``Mio``/``Mrd`` with or without the dot.
_SCALES = {
    **_VAGUE,
    **dict.fromkeys(("tausend",), 1e3),
    **dict.fromkeys(("tsd.",), 1e3),
    **dict.fromkeys(("mio.", "mio", "mill."), 1e6),
    **dict.fromkeys(("mrd.", "mrd"), 1e9),
    **dict.fromkeys(("bio.",), 1e12),
}
_SCALE_RE = re.compile(
    r"[ \u00a0](Tausend|Tsd\.|Millionen|Million|Mio\.?|Mill\.|Milliarden|Milliarde|Mrd\.?"
    r"|Billionen|Billion|Bio\.)(?!\w)"
)
# Adjectives built on a number (``30-tägige``): suffix stem -> unit; ``jährig`` is an age.
_ADJ_UNITS = {
    "tägig": "Tage",
    "stündig": "Stunden",
    "wöchig": "Wochen",
    "monatig": "Monate",
    "minütig": "Minuten",
    "prozentig": "Prozent",
    "jährig": "Jahre",
}
_ADJ_UNIT_RE = re.compile(r"-(tägig|stündig|wöchig|monatig|minütig|prozentig|jährig)\w*", re.I)
# The same suffixes fused to a number word (``dreiwöchig``, ``zweitägigen``, ``fünfjährige``).
_FUSED_RE = re.compile(
    r"(.+?)(tägig|stündig|wöchig|monatig|minütig|prozentig|jährig)(?:e[nmrs]?)?"
)
# Qualifiers that make ``ein`` a count of one before a unit (``etwa ein Liter``).
_ONE_QUALIFIER_RE = re.compile(
    r"(?<!\w)(?:etwa|rund|knapp|fast|mehr als|weniger als|über|mindestens|gut|ungefähr|circa"
    r"|ca\.|nur|bis zu|nahezu|beinahe)\s+$",
    re.IGNORECASE,
)
_MONTHS = (
    r"Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November"
    r"|Dezember|Jan\.|Feb\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Okt\.|Nov\.|Dez\."
)
_DAY_MONTH_RE = re.compile(r"\.\s*(?:" + _MONTHS + r")(?!\w)")
_MONTH_BEFORE_RE = re.compile(r"(?:" + _MONTHS + r")\s+$")
# Words before a number that make it a reference, not an amount (``§ 87g``, ``Artikel 5``).
_LAW_BEFORE_RE = re.compile(
    r"(?:§§?|Art\.|Artikel|Abs\.|Absatz|Paragrafe?n?|Paragraphe?n?|Ziffer|Satz|Kapitel|Nr\."
    r"|Nummer|Seite|S\.|Bd\.|Band)\s*$"
)
_NAME_BEFORE_RE = re.compile(
    r"(?:Platz|Gleis|Linie|Stufe|Klasse|Kategorie|Level|Staffel|Folge|Formel|Windows|Runde"
    r"|Gruppe|Terminal|Bus|Tram|Zimmer|Block|Halle|Team|Bündnis|Version)\s+$"
)
# Qualifiers before a four-digit number that make it an amount, not a year.
_QUALIFIED_BEFORE_RE = re.compile(
    r"(?<!\w)(?:mehr als|weniger als|bis zu|rund|etwa|ca\.|circa|knapp|mindestens|über|fast"
    r"|je|jeweils|insgesamt|gut|nur|auf|um)\s+$",
    re.IGNORECASE,
)
_YEAR_FORM_RE = re.compile(r"(?:1\d|20)\d{2}(?:/\d{2}|/\d{4})?")
# Words before a year that make it one even when a noun follows (``seit 1996 Kanzler``).
_YEAR_CUE_RE = re.compile(
    r"(?:Jahre?s?|seit|von|vom|bis|ab|Anfang|Ende|Mitte|Frühjahr|Sommer|Herbst|Winter|nach"
    r"|vor|zum|im|Saison)\s+$"
)
_TITLE_BEFORE_RE = re.compile(r"(?:Dr\.|Prof\.|Herrn?|Frau)\s+$")
MAX_AGE = 120  # ``Selenskyj (47)``: a larger number in brackets after a name is no age
_CLOCK_AFTER_RE = re.compile(r"[ \u00a0]?(?:Uhr|h)(?!\w)")
# Regnal numbers after a name (``Friedrich III``): names, counted for recall only.
_ROMAN_RE = re.compile(r"(?<=[a-zäöüß] )(?:II|III|IV|VI|VII|VIII|IX|XI|XII|XIV|XV|XVI)(?!\w)")
# Telephone numbers: an area code with its leading 0 (or +country), then the line number.
_PHONE_RE = re.compile(r"(?:\+\d{1,3}[ /-]?\(?0?\)?|\(?0)\d{2,5}\)?[ /-]?\d{3,}(?:[ -]\d{2,})*")
# Digits with their separators; ``55 000`` (groups split by a space) is one number.
_DIGITS_RE = re.compile(
    r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?![\d,]|\.\d)|\d+(?:[.,:/]\d+)*"
)
# Words that start like a number word: only these are parsed (most words are no number).
_WORD_RE = re.compile(
    r"\b(?:ein|zwei|drei|vier|fünf|sech|sieb|acht|neun|zehn|elf|zwölf|zwanzig|hundert|tausend"
    r"|anderthalb|null|dutzend|milli|billi)[^\W\d_]*",
    re.IGNORECASE,
)
_RANGE_RE = re.compile(r"(?:\s*[\u2013-]\s*|\s+bis\s+)")


def _below_hundred(word: str) -> int | None:
    if word in _TEENS:
        return _TEENS[word]
    if word in _TENS:
        return _TENS[word]
    if word in _UNITS:
        return _UNITS[word]
    unit, sep, tens = word.partition("und")
    if sep and unit in _UNITS and tens in _TENS:
        return _UNITS[unit] + _TENS[tens]
    return None


def _below_thousand(word: str) -> int | None:
    head, sep, rest = word.partition("hundert")
    if not sep:
        return _below_hundred(word)
    hundreds = 1 if head == "" else _UNITS.get(head)
    rest = rest.removeprefix("und")
    low = 0 if rest == "" else _below_hundred(rest)
    if hundreds is None or low is None:
        return None
    return hundreds * 100 + low


@lru_cache(maxsize=50_000)
def parse_number_word(word: str) -> float | None:
    """Return the value of a German cardinal number word (``dreiundzwanzig`` -> 23), else None.

    ``ein``/``eine`` on their own are articles and give None; ``eins`` is 1.
    """
    word = word.lower()
    if word in _SPECIAL:
        return _SPECIAL[word]
    if word.endswith("einhalb") and word != "einhalb":
        whole = parse_number_word(word.removesuffix("einhalb"))
        return None if whole is None else whole + 0.5
    head, sep, rest = word.partition("tausend")
    if sep:
        thousands = 1 if head == "" else _below_thousand(head)
        rest = rest.removeprefix("und")
        low = 0 if rest == "" else _below_thousand(rest)
        if thousands is None or low is None:
            return None
        return float(thousands * 1000 + low)
    value = _below_thousand(word)
    return None if value is None or word == "ein" else float(value)


def parse_digits(form: str) -> float | None:
    """Return the value of a German digit number (``1.000`` -> 1000, ``2,5`` -> 2.5)."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", form):
        return float(form.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d+(?:,\d+)?|\d{1,3}(?:\s\d{3})+", form):
        return float(re.sub(r"\s", "", form).replace(",", "."))
    return None


@dataclass(frozen=True, slots=True)
class _Atom:
    start: int
    end: int
    value: float
    word: bool
    kind: str | None = None  # VAGUE or NAME when the word alone decides
    plain: bool = True  # False for digit forms that are no plain number (``26.06.2024``)
    suffix: str | None = None  # a fused adjective suffix (``wöchig`` in ``dreiwöchig``)


def _atoms(text: str) -> list[_Atom]:
    atoms = []
    for match in _DIGITS_RE.finditer(text):
        form = match.group()
        value = parse_digits(form.lstrip("+"))
        atoms.append(
            _Atom(match.start(), match.end(), value or 0.0, False, plain=value is not None)
        )
    for match in _WORD_RE.finditer(text):
        word = match.group().lower()
        value = parse_number_word(word)
        if value is not None:
            atoms.append(_Atom(match.start(), match.end(), value, True))
        elif word in _VAGUE:
            atoms.append(_Atom(match.start(), match.end(), _VAGUE[word], True, VAGUE))
        elif word in {"ein", "eine", "einer", "einen", "einem"} and (
            _SCALE_RE.match(text, match.end())
            or (
                _ONE_QUALIFIER_RE.search(text[max(0, match.start() - 15) : match.start()])
                and unit_at(text, match.end())[0] is not None
            )
        ):
            atoms.append(_Atom(match.start(), match.end(), 1.0, True))
        elif fused := _FUSED_RE.fullmatch(word):
            head = 1.0 if fused.group(1) == "ein" else parse_number_word(fused.group(1))
            if head is not None:
                atoms.append(_Atom(match.start(), match.end(), head, True, suffix=fused.group(2)))
    for match in _ROMAN_RE.finditer(text):
        name = re.search(r"(\w+) $", text[max(0, match.start() - 30) : match.start()])
        if name and name.group(1)[0].isupper():
            atoms.append(_Atom(match.start(), match.end(), 0.0, True, NAME))
    return sorted(atoms, key=lambda atom: atom.start)


def find_numbers(text: str) -> tuple[NumberMatch, ...]:
    """Return every cardinal number in ``text`` in order, each with its kind."""
    atoms = _atoms(text)
    found: list[NumberMatch] = []
    index = 0
    while index < len(atoms):
        atom = atoms[index]
        index += 1
        if found and atom.start < found[-1].end:
            continue
        start, end, value = atom.start, atom.end, atom.value
        plus = int(start > 0 and text[start - 1] == "+")
        phone = None if atom.word else _PHONE_RE.match(text, start - plus)
        if phone and (plus or not re.fullmatch(r"0\d?", text[start:end])):
            start -= plus
            while index < len(atoms) and atoms[index].start < phone.end():
                index += 1
            found.append(NumberMatch(start, phone.end(), phone.group(), 0.0, PHONE))
            continue
        if atom.kind == NAME:
            found.append(NumberMatch(start, end, text[start:end], value, NAME))
            continue
        number_end = end
        value, end = _scaled(text, value, end)
        high = None
        range_match = _RANGE_RE.match(text, end)
        between = re.search(r"zwischen\s+$", text[max(0, start - 12) : start], re.IGNORECASE)
        if between:
            range_match = re.compile(r"\s+und\s+").match(text, end)
        if range_match and index < len(atoms) and atoms[index].start == range_match.end():
            nxt = atoms[index]
            high, high_end = _scaled(text, nxt.value, nxt.end)
            if high_end > nxt.end and end == number_end:  # ``2 bis 3 Millionen``
                value *= high / nxt.value if nxt.value else 1
            if text[end : nxt.start].strip() not in {"-", "\u2013"} or not nxt.word:
                end = high_end
                index += 1
            else:
                high = None
        kind, unit, end = _classify(text, atom, start, number_end, end)
        if between and high is not None:  # ``zwischen 20 und 30``: the range starts at zwischen
            start -= len(between.group())
        currency = CURRENCY_BEFORE_RE.search(text, max(0, start - 6), start)
        if currency and kind == FIGURE and unit is None:  # ``US-$ 1.234,50``, ``€ 5``
            unit, start = CURRENCY_UNITS[currency.group(1)], currency.start()
        found.append(NumberMatch(start, end, text[start:end], value, kind, high, unit))
    return tuple(found)


def _scaled(text: str, value: float, end: int) -> tuple[float, int]:
    match = _SCALE_RE.match(text, end)
    return (value, end) if match is None else (value * _SCALES[match[1].lower()], match.end())


def _classify(
    text: str, atom: _Atom, start: int, number_end: int, end: int
) -> tuple[str, str | None, int]:
    """Return kind, unit and the end of the match (the unit included)."""
    form = text[start:number_end]
    before = text[max(0, start - 30) : start]
    after = text[end : end + 30]
    prev = text[start - 1] if start else " "
    unit, unit_end = unit_at(text, end)
    adjective = _ADJ_UNIT_RE.match(text, end)
    if atom.kind == VAGUE:
        return VAGUE, None, end
    if atom.suffix:
        return (AGE if atom.suffix == "jährig" else FIGURE), _ADJ_UNITS[atom.suffix], end
    if prev.isalpha() or (prev in "-/" and start > 1 and text[start - 2].isalnum()):
        return (COMPOUND if atom.word else NAME), None, end
    if _CLOCK_AFTER_RE.match(text, end) or re.fullmatch(r"\d{1,2}:\d{2}", form):
        return TIME, None, end
    if re.match(r"-[^\W\d_]", after) and not adjective:
        return COMPOUND, None, end  # ``Drei-Sterne-Hotel``, ``808-Prozessor``
    if atom.word:
        if text[start].isupper() and _TITLE_BEFORE_RE.search(before):
            return NAME, None, end  # ``Dr. Sieben``
    elif re.fullmatch(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})?", form + after[:1]) or re.fullmatch(
        r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})", form
    ):
        return DATE, None, end
    elif re.fullmatch(r"\d+:\d+", form):
        return SCORE, None, end
    elif re.fullmatch(r"0\d{3,}", form):
        return PHONE, None, end
    elif _LAW_BEFORE_RE.search(before):
        return LAW, None, end
    elif not atom.plain:
        return (YEAR if _YEAR_FORM_RE.fullmatch(form) else OTHER), None, end
    elif after[:1].isalpha() and unit is None:
        return NAME, None, end
    if adjective:
        suffix = adjective.group(1).lower()
        return (AGE if suffix == "jährig" else FIGURE), _ADJ_UNITS[suffix], adjective.end()
    if after.startswith(")") and re.search(r"(?:[A-ZÄÖÜ][\w-]*[a-zäöüß]|\b[IVX]+\.) \($", before):
        # ``Selenskyj (47)``, ``Elizabeth II. (89)``
        return (AGE if atom.value <= MAX_AGE else OTHER), None, end
    if _NAME_BEFORE_RE.search(before):
        return NAME, None, end
    if after.startswith(".") and not atom.word and end == number_end:
        price = re.match(r"\.[-\u2013]{1,2}", after)  # ``14.-- €``
        if price:
            unit, unit_end = unit_at(text, end + price.end())
            return FIGURE, unit, max(unit_end, end + price.end())
        if _DAY_MONTH_RE.match(after):
            return DATE, None, end
        if after[1:].strip(" \"'“”»«)") != "":
            return ORDINAL, None, end
    if not atom.word and _is_year(form, before, text[number_end:end], after, unit):
        return YEAR, None, end
    return FIGURE, unit, unit_end


def _is_year(form: str, before: str, ranged: str, after: str, unit: str | None) -> bool:
    """Tell a year (``seit 2022``, ``1985 bis 1993``) from an amount (``rund 2000 Stellen``)."""
    if re.match(r"\s*[vn]\. ?Chr\.", after):
        return True
    if unit or _QUALIFIED_BEFORE_RE.search(before) or not _YEAR_FORM_RE.fullmatch(form):
        return False
    if ranged and not re.fullmatch(
        r"\s*(?:[-\u2013/]|bis|und)\s*(?:1\d{3}|20\d{2}|\d{2})", ranged
    ):
        return False
    if _MONTH_BEFORE_RE.search(before) or _YEAR_CUE_RE.search(before):
        return True
    noun = re.match(r"\s+([A-ZÄÖÜ][\w-]*)", after)
    return noun is None or re.fullmatch(_MONTHS, noun.group(1)) is not None
