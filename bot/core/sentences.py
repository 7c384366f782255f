"""German sentence splitting with character offsets.

One regular expression finds every *candidate* gap between sentences: a run of whitespace after
``.``, ``!``, ``?`` or ``…`` (with closing quotes and brackets), or a run of whitespace that
holds a line break. A few dictionary lookups per candidate then decide whether it is a
boundary. The text itself is never copied or rewritten, so every sentence is an exact
``text[start:end]``.

Rules, in the order they are applied to a gap after terminal punctuation:

1. A blank line always ends a sentence.
2. The next word starts in lower case: no boundary (``„Warum?“ fragte er``, ``usw. und``).
   ``?``, ``!`` and ``…`` end the sentence otherwise, unless they stand in brackets (``(...)``).
3. The word before the dot is an abbreviation from the table (``Nr.``, ``z. B.``): no boundary,
   unless it is one that may close a sentence (``etc.``, ``Mio.``, ``v. Chr.``) and the next
   word is a typical sentence opener (``Die``, ``Er``, ``Damit`` ...).
4. The word before the dot is a day/ordinal number (``3.``, ``65.``, ``26.06.``), a Roman
   numeral or a single capital letter (``Donald J. Trump``): the same rule as for
   sentence-closing abbreviations, so ``am 3. Oktober`` and ``der 2. Platz`` stay whole while
   ``Er wurde 65. Dann`` is split. Four-digit numbers are years and are treated as words.
5. Anything else is a boundary.

Line breaks without terminal punctuation before them: a blank line always ends a sentence.
A single line break ends one too (headings, captions, list items and paragraphs written one per
line, as in scraped pages) unless the text is merely hard-wrapped: the next line starts in
lower case, or the line ends in ``,``, ``;``, a hyphen, an opening bracket or quote, or in a
function word such as ``und`` or ``der`` that cannot end a heading. After terminal punctuation
a single line break counts as a space, so a hard-wrapped ``Dr.`` / ``Müller`` stays together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.models import Span

# Characters that close a quotation or parenthesis after the final punctuation of a sentence.
_CLOSERS = "\"'“”„»«\u2018\u2019\u201a\u203a\u2039)]"
# Characters that may open the next sentence before its first word.
_OPENERS = "\"'„“”»«\u201a\u2018\u2019\u203a\u2039([\u2013\u2014-"

# A gap: (1) a word ending in terminal punctuation (closers allowed) followed by whitespace, or
# (2) whitespace holding a line break. The word is matched lazily from its start so that its
# text (``tok``) is available without a second search.
# Work stays linear on hostile input (a megabyte of dots or spaces): the punctuation and closer
# runs are possessive, the word may not end in punctuation itself, and the line-break branch
# starts only at the beginning of a run of spaces.
_GAP_RE = re.compile(
    rf"(?<!\S)(?P<tok>\S*?)(?<![.!?…])(?P<punct>[.!?…]++)[{re.escape(_CLOSERS)}]*+(?P<ws>\s+)"
    r"|(?<![^\S\n])(?P<nl>[^\S\n]*\n\s*)"
)
# The start of the next sentence: opening quotes/dashes, then its first word.
_NEXT_RE = re.compile(rf"[{re.escape(_OPENERS)}\s]*(?P<word>\w*)")
# Leading quotes and brackets stripped off the word before the dot (``(Nr.`` -> ``Nr``).
_LEAD = "\"'„“”»«\u201a\u2018\u2019\u203a\u2039([{"
# Roman numerals used as ordinals (``Ludwig XIV.``, ``II. Weltkrieg``).
_ROMAN_RE = re.compile(r"[IVXLC]+\Z")
# Last characters of a line that show it is hard-wrapped, not a heading or paragraph end.
_WRAP_END = frozenset(",;-(„\u201a/&+")

# Abbreviations that can also be the last word of a sentence. A dot after them ends the sentence
# only when the next word is a sentence opener (see SENTENCE_OPENERS). Hand-picked from German
# news usage; re-run tests/core/test_sentences.py and the split benchmark after changing.
SENTENCE_FINAL_ABBREVIATIONS = frozenset(
    {
        "etc", "usw", "usf", "u.ä", "u.Ä", "o.ä", "o.Ä", "u.v.m", "u.v.a", "u.a", "Chr",
        "v.Chr", "n.Chr", "v.u.Z", "n.u.Z", "Mio", "Mill", "Mrd", "Tsd", "Jh", "Jhd", "Jhs",
        "ff", "Co", "Corp", "Inc", "Ltd", "jun", "sen", "Jr", "Sr", "d.J", "v.J", "l.J", "a.M",
    }
)  # fmt: skip

# Capitalised words that typically open a German sentence and are not nouns (articles,
# pronouns, prepositions, conjunctions, sentence adverbs). After an ordinal number, an initial
# or a sentence-closing abbreviation, only these start a new sentence: a capitalised noun
# (``3. Oktober``, ``2. Platz``, ``Mio. Euro``) continues it. Compiled from frequent sentence
# starts in German news; re-run tests/core/test_sentences.py and the split benchmark after
# changing.
SENTENCE_OPENERS = frozenset(
    {
        "Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einen", "Einem", "Einer",
        "Eines", "Kein", "Keine", "Er", "Sie", "Es", "Ich", "Wir", "Ihr", "Man", "Du", "Dies",
        "Diese", "Dieser", "Dieses", "Diesen", "Jene", "Jener", "Solche", "Sein", "Seine",
        "Seinen", "Seiner", "Ihre", "Ihren", "Ihrer", "Unser", "Unsere", "Mein", "Meine", "Im",
        "In", "Am", "An", "Auf", "Aus", "Bei", "Beim", "Mit", "Nach", "Von", "Vom", "Vor", "Zu",
        "Zum", "Zur", "Für", "Über", "Unter", "Um", "Gegen", "Seit", "Bis", "Durch", "Ohne",
        "Während", "Wegen", "Trotz", "Laut", "Neben", "Hinter", "Zwischen", "Ab", "Und", "Oder",
        "Aber", "Doch", "Denn", "Sondern", "Dann", "Danach", "Damit", "Dabei", "Daher", "Darum",
        "Deshalb", "Dadurch", "Dazu", "Davor", "Dort", "Hier", "Jetzt", "Nun", "Heute", "Gestern",
        "Morgen", "Bisher", "Zuvor", "Zudem", "Außerdem", "Allerdings", "Jedoch", "Trotzdem",
        "Dennoch", "Inzwischen", "Mittlerweile", "Bereits", "Schon", "Noch", "Nur", "Auch",
        "Sogar", "So", "Als", "Wenn", "Wie", "Was", "Wer", "Wo", "Wann", "Warum", "Weshalb",
        "Welche", "Welcher", "Welches", "Weil", "Ob", "Obwohl", "Nachdem", "Sobald", "Damals",
        "Später", "Zunächst", "Schließlich", "Letztlich", "Vielleicht", "Wahrscheinlich",
        "Immerhin", "Zumindest", "Insgesamt", "Alle", "Viele", "Einige", "Manche", "Mehr",
        "Weitere", "Andere", "Beide", "Ja", "Nein", "Nicht", "Nichts", "Ebenso", "Ebenfalls",
        "Gleichzeitig", "Zugleich", "Unterdessen", "Derweil", "Demnach", "Demzufolge", "Offenbar",
        "Angeblich", "Tatsächlich",
    }
)  # fmt: skip

# Longer than any word in _CONTINUATION_WORDS, so a cut-off word never matches one.
_LAST_WORD_WINDOW = 12

# Lower-case words that cannot end a heading or a paragraph: a line ending in one of them
# continues on the next line (hard wrap). Articles, prepositions, conjunctions and pronouns.
_CONTINUATION_WORDS = frozenset(
    {
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
        "eines", "und", "oder", "aber", "sowie", "als", "wie", "zu", "zum", "zur", "von", "vom",
        "mit", "nach", "bei", "beim", "aus", "auf", "an", "am", "in", "im", "für", "über", "unter",
        "um", "gegen", "seit", "bis", "durch", "ohne", "während", "wegen", "trotz", "dass", "ob",
        "weil", "wenn", "sich", "nicht", "sein", "seine", "ihre", "ihr", "ihren", "seinen",
        "dieser", "diese", "dieses", "diesen", "jener",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Rules:
    """What is compiled from one abbreviation table."""

    plain: frozenset[str]  # abbreviations without spaces (``Nr``, ``z.B``)
    heads: frozenset[str]  # first parts of multi-part abbreviations (``z`` of ``z. B``)
    multi: re.Pattern[str] | None  # matches a whole multi-part abbreviation with its dots
    final: frozenset[str]  # plain forms that may also end a sentence


@lru_cache(maxsize=16)
def _rules(abbreviations: frozenset[str]) -> _Rules:
    """Compile an abbreviation table once (cached per table)."""
    plain: set[str] = set()
    heads: set[str] = set()
    multi: list[str] = []
    for abbreviation in abbreviations:
        parts = [part for part in re.split(r"\.\s*", abbreviation.strip()) if part]
        if not parts:
            continue
        plain.add(".".join(parts))
        if len(parts) > 1:
            heads.add(parts[0])
            multi.append(r"\.\s?".join(re.escape(part) for part in parts))
    # Longest first, so that ``u. v. m.`` wins over ``u. v.``.
    multi.sort(key=len, reverse=True)
    pattern = re.compile(r"(?:" + "|".join(multi) + r")\.") if multi else None
    return _Rules(
        plain=frozenset(plain),
        heads=frozenset(heads),
        multi=pattern,
        final=SENTENCE_FINAL_ABBREVIATIONS & plain,
    )


def _soft_boundary(text: str, pos: int) -> bool:
    """Return whether the sentence after an ordinal, initial or such abbreviation starts here."""
    nxt = _NEXT_RE.match(text, pos)
    if nxt is None:  # pragma: no cover - the pattern matches the empty string
        return True
    word = nxt.group("word")
    if not word:
        return True
    return word in SENTENCE_OPENERS


def _line_continues(text: str, end: int, nxt: int) -> bool:
    """Return whether a single line break between ``end`` and ``nxt`` is a hard wrap."""
    if nxt >= len(text) or end == 0:
        return False
    if text[nxt].islower() or text[end - 1] in _WRAP_END:
        return True
    # The last word, looked for in a short window so that a long line costs nothing extra.
    tail = text[max(0, end - _LAST_WORD_WINDOW) : end].split()
    return bool(tail) and tail[-1] in _CONTINUATION_WORDS


def split_sentences(text: str, *, abbreviations: frozenset[str]) -> tuple[Span, ...]:
    """Split German text into sentences, as character spans.

    Args:
        text: The text, raw or cleaned; it is not modified.
        abbreviations: Abbreviations without their final dot (``Language.abbreviations``).

    Returns:
        Spans in text order, not overlapping, without surrounding whitespace, never empty;
        every non-whitespace character of ``text`` is in exactly one of them.
    """
    rules = _rules(abbreviations)
    spans: list[Span] = []
    start = len(text) - len(text.lstrip())
    covered = -1  # the dots of a multi-part abbreviation before this offset are not boundaries
    for gap in _GAP_RE.finditer(text):
        nxt = gap.end()
        tok = gap.group("tok")
        if tok is None:  # a line break without terminal punctuation before it
            end = gap.start()
            ws = gap.group("nl")
            if ws.count("\n") < 2 and _line_continues(text, end, nxt):
                continue
        else:
            end = gap.start("ws")
            if gap.start("punct") >= covered:
                inner = _multi_end(text, gap, tok, rules)
                if inner > gap.end("punct"):
                    # An inner dot of a multi-part abbreviation (``z.`` of ``z. B.``).
                    covered = inner
                    continue
            if not _punctuation_ends(text, gap, tok, nxt, rules, covered):
                continue
        if end > start:
            spans.append(Span(start, end))
            start = nxt
    end = len(text.rstrip())
    if end > start:
        spans.append(Span(start, end))
    return tuple(spans)


def _multi_end(text: str, gap: re.Match[str], tok: str, rules: _Rules) -> int:
    """Return the end of the multi-part abbreviation that starts at ``tok``, else -1."""
    word = tok.lstrip(_LEAD)
    if rules.multi is None or word not in rules.heads:
        return -1
    found = rules.multi.match(text, gap.start("tok") + len(tok) - len(word))
    return found.end() if found else -1


def _punctuation_ends(
    text: str, gap: re.Match[str], tok: str, nxt: int, rules: _Rules, covered: int
) -> bool:
    """Return whether the terminal punctuation of ``gap`` ends a sentence."""
    ws = gap.group("ws")
    if ws.count("\n") >= 2:
        return True
    if nxt < len(text) and text[nxt].islower():
        return False
    punct = gap.group("punct")
    if punct != ".":
        # ``?``, ``!`` and ellipses end a sentence unless they stand inside brackets.
        return not tok.endswith(("(", "["))
    word = tok.lstrip(_LEAD)
    if gap.start("punct") < covered:
        # The final dot of a multi-part abbreviation such as ``z. B.``.
        return _final_multi(text, gap, rules) and _soft_boundary(text, nxt)
    if word in rules.plain:
        return word in rules.final and _soft_boundary(text, nxt)
    if word.isdigit():
        return len(word) == 4 or _soft_boundary(text, nxt)
    if (len(word) == 1 and word.isupper()) or _ROMAN_RE.match(word) or _is_date(word):
        return _soft_boundary(text, nxt)
    return True


def _is_date(word: str) -> bool:
    """Return whether ``word`` is a day and month such as ``26.06`` (its dot follows)."""
    return word[:1].isdigit() and word.replace(".", "").isdigit() and len(word) <= 5


def _final_multi(text: str, gap: re.Match[str], rules: _Rules) -> bool:
    """Return whether the multi-part abbreviation ending at ``gap`` may end a sentence."""
    if not rules.final:
        return False
    stop = gap.start("punct")
    head = text[max(0, stop - 12) : stop]
    compact = "".join(head.split())
    return any(compact.endswith(form) for form in rules.final if "." in form)
