"""References: does a sentence lean on an earlier one, and can it open a story?

A digest shows a few sentences of an article without the rest, so a sentence that points
back to something said before it reads as nonsense on its own. German marks that pointing
back in a few ways, each a list of ``data/references.toml`` (loaded into ``References``):

- its first word (after focus particles such as ``Genau``) points back: a personal pronoun
  (``Er``), a possessive (``Seine``), a
  demonstrative (``Diese``, ``Beide``), a connective adverb (``Zudem``, ``Gleichzeitig``,
  ``Auch``, ``Unterdessen``, ``Damit``), or ``Der``/``Das``/``Dies`` used as a pronoun
  (a finite verb follows at once: ``Das ist …``);
- a personal pronoun stands in its first clause (``Zu dem Vorschlag sagte er, …``): by the
  binding rules of German it cannot refer to that clause's own words; so does a connective
  adverb (``Er versucht es dennoch``);
- it is reported speech whose speaker is a pronoun or a description (``…, sagte er``,
  ``…, so die Expertin``);
- it opens with a definite description of a person or body that is introduced before
  (``Der Mann``, ``Der Stürmer``, ``Die 34-Jährige``), unless an earlier shown sentence uses
  the same noun.

The first three are ``needs_predecessor`` (the sentence before it must be shown), the last
is ``definite_subject`` (some earlier shown sentence must name it). ``can_open`` says whether
a sentence may be the first of a story: not a dateline, a question, a quote without its
speaker or a scene-setter, and not leaning on anything.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.language import References
from bot.core.words import WORD_RE

#: Quotation marks and brackets that may stand before a sentence's first word.
OPENING_MARKS = "\"'(\u201e\u00bb\u00ab\u201a\u201c\u2018"
#: Quotation marks that open or close a quote (German and English forms).
QUOTES = '"\u201e\u201c\u201d\u00bb\u00ab\u201a\u2018\u2019'
#: The first clause ends at a comma, colon, semicolon, dash or quotation mark.
_CLAUSE_END = re.compile(r"[,:;\u2013\u2014]| - |[" + QUOTES + "]")
#: A sentence made of a quote alone: opens with a quotation mark, ends with a closing one
#: (before or after the final punctuation), no comma-attached speaker after it.
_QUOTE_ONLY = re.compile(r"^[" + QUOTES + r"][^" + QUOTES + r"]+[" + QUOTES + r"][.!?…]?$")
#: A dateline or a heading: no word in lower case (no verb), only names, numbers and dates.
_LOWER_WORD = re.compile(r"\b[a-zäöüß][\w-]*")


def _first_words(text: str, count: int) -> list[str]:
    return WORD_RE.findall(text.lstrip(OPENING_MARKS + " "))[:count]


@lru_cache(maxsize=65_536)
def needs_predecessor(text: str, refs: References) -> bool:
    """Return True if ``text`` leans on the sentence before it (its first words or clause)."""
    words = _first_words(text, 4)
    if not words:
        return False
    first = words[0].lower()
    if first in refs.openers:
        return True
    # "Genau diese Frage", "Vor allem dort": the word after focus particles opens.
    rest = words
    while len(rest) > 1 and rest[0].lower() in refs.focus_particles:
        rest = rest[1:]
        if rest[0].lower() in refs.openers:
            return True
    if first in refs.demonstrative_articles and _verb_follows(_first_words(text, 3), refs):
        return True
    return _pronoun_in_first_clause(text, refs) or _speaker_missing(text, refs)


def _verb_follows(words: list[str], refs: References) -> bool:
    """Is the word after ``Der``/``Das``/``Dies`` a finite verb (so it is a pronoun)?

    A listed verb, or a word in lower case with a verb ending (``-t``, ``-te``, ``-ten``)
    that no noun follows: ``Das kündigte der Präsident an`` is a pronoun, ``Das meiste
    Geld`` and ``Die betroffenen Menschen`` are articles.
    """
    if len(words) < 2 or not words[1][:1].islower():
        return False
    if words[1] in refs.verbs_after_demonstrative:
        return True
    after = words[2] if len(words) > 2 else ""
    return words[1].endswith(("t", "te", "ten")) and not after[:1].isupper()


def _pronoun_in_first_clause(text: str, refs: References) -> bool:
    stripped = text.lstrip(OPENING_MARKS[1:] + " ")  # a quote opening the sentence is kept
    if stripped[:1] in QUOTES:
        return False  # the first clause is a quote: its pronouns are the speaker's
    clause = _CLAUSE_END.split(stripped, maxsplit=1)[0]
    # The first word was checked as an opener; "Sie" there may also be the polite form.
    return any(word in refs.clause_pronouns for word in WORD_RE.findall(clause)[1:])


@lru_cache(maxsize=8)
def _speech_patterns(refs: References) -> tuple[re.Pattern[str], re.Pattern[str]]:
    verbs = "|".join(sorted(map(re.escape, refs.speech_verbs)))
    pronouns = "|".join(sorted(map(re.escape, refs.speech_pronouns)))
    articles = "|".join(sorted(map(re.escape, refs.speech_articles)))
    # Verb and speaker separated by spaces only: "sagte, er werde" is not a speaker.
    pronoun = re.compile(rf"(?<!^)\b(?i:{verbs})\s+(?:{pronouns})\b")
    described = re.compile(
        rf"(?<!^)\b(?i:{verbs})\s+(?:{articles})\s+([A-ZÄÖÜ][\w-]*)(?!\s+[A-ZÄÖÜ])"
    )
    return pronoun, described


def _speaker_missing(text: str, refs: References) -> bool:
    if not refs.speech_verbs:
        return False
    pronoun, _ = _speech_patterns(refs)
    return pronoun.search(_outside_quotes(text)) is not None


def described_speakers(text: str, refs: References) -> tuple[str, ...]:
    """Return the nouns of speakers described, not named (``…, so die Expertin``)."""
    if not refs.speech_verbs:
        return ()
    _, described = _speech_patterns(refs)
    return tuple(
        match.group(1)
        for match in described.finditer(_outside_quotes(text))
        if _is_definite_noun(match.group(1), refs)
    )


#: A quote, German or English style, to be blanked out: its words are the speaker's.
_QUOTE_RE = re.compile(r"„[^“”\"]*[“”\"]|»[^«]*«|\"[^\"]*\"|“[^”]*”")


def _outside_quotes(text: str) -> str:
    return _QUOTE_RE.sub(" ", text)


def _is_definite_noun(noun: str, refs: References) -> bool:
    lower = noun.lower()
    return lower.endswith(refs.definite_nouns) or lower.endswith(refs.age_suffixes)


def definite_subject(text: str, refs: References) -> str | None:
    """Return the noun of a definite description opening ``text`` (``Der Mann``), else None.

    An adjective may stand between article and noun (``Der frühere Minister``); a name after
    the noun (``Der Stürmer Harry Kane``) introduces the person, and a preposition or genitive
    after it (``Der Angriff auf Kiew``) specifies it where it stands: no reference then.
    """
    words = _first_words(text, 4)
    if len(words) < 2 or words[0].lower() not in refs.definite_articles:
        return None
    position = 1
    if words[1][:1].islower() and len(words) > 2:
        position = 2  # an adjective: "Der frühere Minister"
    noun = words[position]
    if not (noun[:1].isupper() or noun[:1].isdigit()) or not _is_definite_noun(noun, refs):
        return None
    after = words[position + 1] if position + 1 < len(words) else ""
    if after[:1].isupper():
        return None  # "Der Stürmer Harry Kane": named right here
    if after in refs.specifiers:
        return None  # "Der Angriff auf Kiew", "Die Entscheidung des Gerichts": specified here
    return noun


@lru_cache(maxsize=65_536)
def referents(text: str, refs: References) -> tuple[str, ...]:
    """Return the nouns ``text`` refers back to: its definite subject and described speakers.

    Each must be named in an earlier shown sentence of the story, else the sentence dangles.
    """
    subject = definite_subject(text, refs)
    return ((subject,) if subject else ()) + described_speakers(text, refs)


@lru_cache(maxsize=65_536)
def can_open(text: str, refs: References) -> bool:
    """Return True if ``text`` may be the first sentence of a story.

    It must say something by itself: not a dateline or heading (no lower-case word), not a
    question, not a quote without its speaker, not a scene-setter (``Es war ein kalter
    Morgen``, ``Wer …``), and not leaning on an earlier sentence.
    """
    stripped = text.strip()
    if not _LOWER_WORD.search(stripped) or stripped.rstrip(QUOTES).endswith("?"):
        return False
    if _QUOTE_ONLY.match(stripped):
        return False
    words = [word.lower() for word in _first_words(stripped, 2)]
    if words and words[0] in refs.scene_words:
        return False
    if " ".join(words) in refs.scene_pairs:
        return False
    return not needs_predecessor(stripped, refs) and not referents(stripped, refs)
