"""Key figures: the amounts a story turns on, what they count, and who reports them.

``extract_figures`` keeps the ``figure`` numbers of one sentence (``bot.core.numbers``) and adds
their qualifier (``mehr als``) and label (``russische Soldaten``). ``reconcile_figures`` merges
the figures of one story across sources: the same value for the same thing is one figure
confirmed by the other sources; another value for the same thing is shown beside it.

``ein``/``eine`` is always read as the article, never as the figure 1 (``ein Mensch kam ums
Leben`` has no key figure): in news it is the article far more often than a count, and a count
of one is rarely a figure a reader looks for. ``eins`` and ``eine Million`` are numbers.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace

from bot.core.models import Figure
from bot.core.numbers import FIGURE, NumberMatch, find_numbers
from bot.core.words import stem

# Qualifiers kept in a figure's text, longest first so ``knapp über`` beats ``über``.
QUALIFIERS = (
    "deutlich mehr als",
    "mehr als",
    "weniger als",
    "bis zu",
    "knapp über",
    "knapp unter",
    "insgesamt",
    "mindestens",
    "wenigstens",
    "höchstens",
    "maximal",
    "ungefähr",
    "annähernd",
    "beinahe",
    "nahezu",
    "jeweils",
    "circa",
    "zirka",
    "ca.",
    "rund",
    "etwa",
    "knapp",
    "fast",
    "über",
    "gut",
    "je",
)
_QUALIFIER_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(q) for q in QUALIFIERS) + r")\s+$", re.IGNORECASE
)
# An adjective before the counted noun: lower case with a German adjective ending.
_ADJECTIVE = r"[a-zäöüß][\w-]*(?:e|en|er|es|em)"
# Determiners allowed between a number and its noun (``90 seiner Soldaten``).
_PARTITIVE = r"(?:(?:von\s+)?(?:seiner|ihrer|unserer|der|dieser|jener)\s+)?"
_NOUN = r"[A-ZÄÖÜ][\w-]*[a-zäöüß]"
_NOUN_AFTER_RE = re.compile(
    r"\s+" + _PARTITIVE + r"((?:" + _ADJECTIVE + r"\s+){0,3})(" + _NOUN + r")(?![\w.-]*\d)"
)
_GENITIVE_AFTER_RE = re.compile(
    r"\s+(?:der|des)\s+((?:" + _ADJECTIVE + r"\s+){0,3})(" + _NOUN + r")"
)
_COUNT_OF_RE = re.compile(
    r"\b(?:Zahl|Anzahl|Gesamtzahl)\s+(?:der|an|von)\s+((?:"
    + _ADJECTIVE
    + r"\s+){0,3})("
    + _NOUN
    + r")"
)
# Nouns that name a measure, not the thing measured (``in Höhe von 50 Prozent``).
_MEASURE_NOUNS = frozenset({"Höhe", "Umfang", "Wert", "Summe", "Zahl", "Anzahl", "Größe"})
# Capitalised words that are no nouns to label a figure with.
_NOT_NOUNS = frozenset(
    {"Die", "Der", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Es", "Er", "Sie", "Uhr", "Im"}
)
# Durations label themselves: the noun before ``drei Tage`` is seldom what lasts.
_TIME_UNITS = frozenset(
    {"Sekunden", "Minuten", "Stunden", "Tage", "Wochen", "Monate", "Jahre", "Jahrzehnte"}
)
# Words to look back over for the noun a unit measures (``Die Brandfläche umfasse mehr als
# 1.000 Quadratmeter``): enough for subject, verb and qualifier.
LEFT_NOUN_WINDOW = 6
# Dative plural endings that drop their ``n`` in the nominative (``Angriffen`` -> ``Angriffe``,
# ``Gefangenen`` -> ``Gefangene``, ``Kindern`` -> ``Kinder``). Weak nouns such as ``Menschen``,
# ``Soldaten``, ``Frauen`` keep theirs; the list holds the frequent strong and adjectival plural
# endings of news text and nothing that ends a common weak plural.
_DATIVE_RE = re.compile(
    r"(?:ffen|pfen|hren|ällen|tten|naten|enen|tzten|ssten|teten|deten|neten|igten|toten|ößen"
    r"|üßen|ägen|ügen)$|(?<!elt)(?<!bau)(?<!ster)(?<!mau)ern$"
)
# Different values for the same thing are a dispute only when this close (relative to the
# larger): 1.348 vs 1.350 are; 390 vs 8 ``Menschen`` in one story are two different facts.
# Chosen by hand on the seeds and typical casualty-count revisions, not measured.
DISPUTE_MAX_RELATIVE_GAP = 0.25
# Two sources giving the same uncommon value (not round, at least this big) mean the same
# fact even when they label it differently (``390 Menschen`` / ``390 Rückkehrer``).
DISTINCT_VALUE_MIN = 20


def extract_figures(sentence: str, *, source: str) -> tuple[Figure, ...]:
    """Return the key figures of one cleaned sentence, in text order."""
    figures = []
    for match in find_numbers(sentence):
        if match.kind != FIGURE:
            continue
        start = match.start
        qualifier = None
        found = _QUALIFIER_RE.search(sentence, max(0, start - 30), start)
        if found and not match.text.startswith("zwischen"):
            qualifier = found.group(1).lower()
            start = found.start()
        figures.append(
            Figure(
                value=match.value,
                text=sentence[start : match.end],
                label=_label(sentence, match),
                sentence=sentence,
                source=source,
                unit=match.unit,
                qualifier=qualifier,
                value_high=match.value_high,
                start=start,
            )
        )
    return tuple(figures)


def _label(sentence: str, match: NumberMatch) -> str:
    """Return what a figure counts, as a nominative noun phrase ('' when nothing says)."""
    after = _NOUN_AFTER_RE.match(sentence, match.end)
    adjective_unit = re.search(r"-[a-zäöü]+$", match.text) is not None  # ``30-tägige``
    if match.unit is None or adjective_unit:
        if after and after.group(2) not in _NOT_NOUNS:
            return _nominative(after.group(1).split(), after.group(2))
        counted = _COUNT_OF_RE.search(sentence, 0, match.start)
        if counted and match.unit is None:
            return _nominative(counted.group(1).split(), counted.group(2))
        return match.unit or ""
    genitive = _GENITIVE_AFTER_RE.match(sentence, match.end)
    if genitive and match.unit.startswith("Prozent"):  # ``25 Prozent der Flüchtlinge``
        return f"{match.unit} {sentence[genitive.start() : genitive.end()].strip()}"
    if after and not after.group(1) and after.group(2) not in _NOT_NOUNS:
        return f"{match.unit} {_nominative([], after.group(2))}"  # ``1.000 Hektar Land``
    noun = None if match.unit in _TIME_UNITS else _noun_before(sentence, match)
    return f"{match.unit} {noun}" if noun else match.unit


def _noun_before(sentence: str, match: NumberMatch) -> str | None:
    """Return the noun a unit measures when it stands before the figure in the same clause."""
    clause = re.split(r"[,;:(\u2013]| - ", sentence[: match.start])[-1]
    words = [
        (word.start(), word.group())
        for word in re.finditer(r"[\w-]+", clause)
        if word.start() > 0 or len(clause) < match.start  # the first word of a sentence is no clue
    ]
    for _, word in reversed(words[-LEFT_NOUN_WINDOW:]):
        if word[0].isupper() and word not in _NOT_NOUNS | _MEASURE_NOUNS and word != match.unit:
            return _nominative([], word)
    return None


def _nominative(adjectives: list[str], noun: str) -> str:
    """Return an adjective-noun phrase after a number in its nominative plural form."""
    words = [word[:-1] if word.endswith("en") else word for word in adjectives]
    if _DATIVE_RE.search(noun.lower()):
        noun = noun[:-1]
    return " ".join([*words, noun])


def _head(figure: Figure) -> str:
    """Return the stem of the head noun of a figure's label (its last word)."""
    words = figure.label.split()
    return stem(words[-1].lower().split("-")[-1]) if words else ""


def _same_value(a: Figure, b: Figure) -> bool:
    return a.value == b.value and a.value_high == b.value_high and a.unit == b.unit


def _same_fact(a: Figure, b: Figure) -> bool:
    """Tell whether two figures report the same value for the same thing."""
    if not _same_value(a, b):
        return False
    distinct = a.value >= DISTINCT_VALUE_MIN and a.value % 100 != 0
    return _head(a) == _head(b) or (a.source != b.source and distinct)


def _close(a: float, b: float) -> bool:
    larger = max(abs(a), abs(b))
    return larger > 0 and abs(a - b) / larger <= DISPUTE_MAX_RELATIVE_GAP


def reconcile_figures(
    figures: Sequence[Figure], *, key_sentences: Collection[str] = (), limit: int | None = None
) -> tuple[Figure, ...]:
    """Merge the figures of one story across sources and rank them.

    The same value for the same thing (unit, head noun of the label after stemming) becomes
    one figure whose ``confirmed_by`` lists the other sources; a different but close value
    from another source is kept apart and named in ``disputed_by`` of each side.

    Args:
        figures: The figures of all sentences of one story, in story order.
        key_sentences: The sentences the digest chose; their figures rank first.
        limit: The number of figures to return at most.

    Returns:
        Figures in key sentences first, then by number of confirming sources, then by position.
    """
    groups: list[list[Figure]] = []
    for figure in figures:
        for group in groups:
            if any(_same_fact(member, figure) for member in group):
                group.append(figure)
                break
        else:
            groups.append([figure])
    merged = [_merge(group, key_sentences) for group in groups]
    disputed = [_disputes(index, merged, groups) for index in range(len(merged))]
    merged = [
        replace(figure, disputed_by=others)
        for figure, others in zip(merged, disputed, strict=True)
    ]
    ranked = sorted(
        range(len(merged)),
        key=lambda i: (
            not any(f.sentence in key_sentences for f in groups[i]),
            -len(merged[i].confirmed_by),
            i,
        ),
    )
    chosen = [merged[i] for i in ranked]
    return tuple(chosen if limit is None else chosen[:limit])


def _merge(group: list[Figure], key_sentences: Collection[str]) -> Figure:
    """Return the group's representative (first in a key sentence, else first) with sources."""
    lead = next((f for f in group if f.sentence in key_sentences), group[0])
    others = []
    for figure in group:
        if figure.source != lead.source and figure.source not in others:
            others.append(figure.source)
    return replace(lead, confirmed_by=tuple(others), disputed_by=())


def _disputes(index: int, merged: list[Figure], groups: list[list[Figure]]) -> tuple[Figure, ...]:
    """Return the figures of other sources with a close, different value for the same thing."""
    figure = merged[index]
    if not figure.label:
        return ()
    sources = {f.source for f in groups[index]}
    return tuple(
        other
        for position, other in enumerate(merged)
        if position != index
        and other.unit == figure.unit
        and _head(other) == _head(figure)
        and not _same_value(other, figure)
        and _close(other.value, figure.value)
        and not sources & {f.source for f in groups[position]}
    )
