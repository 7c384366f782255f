"""Selection: which sentences tell a story, and in which order (the one selection routine).

The digest's stories and ``kurzlage summarize`` both come through ``choose_sentences``
(a summary is the story of one article). It takes every sentence of a story's items with
its score and picks up to ``n``:

1. The opener first: the best sentence that can open a story (``references.can_open``),
   an item's first sentence (its lead or teaser) raised by ``LEAD_BONUS``: news puts what
   happened first.
2. Then, while slots remain, the sentence that adds most: its score times its *novelty*
   (the share of its content stems no chosen sentence has). A sentence that says what a
   chosen one says (``repeats``) is never taken, nor a side note of one outlet in a story of
   several (``Candidate.side_note``).
3. A sentence that leans on the one before it (``references.needs_predecessor``) comes with
   that sentence, if both fit in the slots left, or not at all; one that refers to a person
   by a description (``Der Mann``) needs an earlier shown sentence naming the same noun.
4. The order shown is the order of the sources: the opener's source first, each source's
   sentences in their own order, then the other sources in order of first report. Nothing
   of the opener's source from before the opener is added, so the opener stays first and
   the story of ``n`` sentences opens as the story of one. A final check drops anything
   that still dangles in that order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.language import References
from bot.core.models import Sentence
from bot.core.references import can_open, needs_predecessor, referents
from bot.core.words import stem

#: Score multiplier (1 + LEAD_BONUS) of an item's first sentence when it can open a story:
#: the lead or teaser says what happened, and news puts it first. A trade-off, measured by
#: ``python -m benchmarks.bench_summary --sweep`` (ROUGE-1 of ``-n 1``, even rows
#: / odd rows) against the share of 10kGNAD teaser-set articles whose qualifying lead opens:
#: 0.0: 17.5 / 16.0, 51 %; 0.1: 17.0 / 15.8, 65 %; 0.2: 16.3 / 15.8, 76 %;
#: 0.3: 15.8 / 15.5, 83 %; 0.5: 15.3 / 15.1, 91 %; 1.0: 15.0 / 14.6, 98 %.
#: 0.3 keeps the lead in front in about five stories of six and gives up 1.7 points of
#: ROUGE-1 on the even rows; a sentence must score 30 % better than the lead to open instead.
LEAD_BONUS = 0.3
#: A sentence whose stems are at least this new (share not in chosen sentences) adds
#: information; below it, it mostly repeats. On the even rows (-n 3, ROUGE-1) 0.5 and 0.7
#: score alike (16.15 and 16.19); 0.5 keeps more candidates for short stories.
MIN_NOVELTY = 0.5
#: The value of a further sentence is its score times its novelty to this power. Powers 1
#: to 3 move -n 2 and -n 3 on the even rows by at most 0.2 ROUGE-1 points either way; a
#: bonus for the sentence that directly follows a chosen one moved them by 0.05 and was left
#: out. Re-run ``python -m benchmarks.bench_summary`` after changing either.
NOVELTY_POWER = 1.0
#: Two sentences say the same when their stem sets overlap this much (Jaccard) ...
REPEAT_JACCARD = 0.5
#: ... or when this share of the shorter one's stems stands in the longer one (a teaser
#: and the body's lead that retells it at more length). 0.6 catches the teaser-lead pairs
#: of 10kGNAD that benchmarks/bench_editorial.py flags (containment 0.7 and more) with room;
#: re-run it after changing this.
REPEAT_CONTAINMENT = 0.6
#: ... or when they give the same number and this share of the shorter one's stems
#: (overlap coefficient): the same figure with the same main words is the same fact.
REPEAT_FIGURE_OVERLAP = 0.4
#: How many sentences back a sentence may reach for what it leans on (``Zudem`` after
#: ``Auch`` after the sentence they both need): more never fits in 3 slots anyway.
MAX_CHAIN = 2
#: A short first sentence ("Max Muster ist tot.") may be chosen below min_sentence_chars if
#: it has at least this many words and can open a story: an obituary's news is that short.
SHORT_LEAD_WORDS = 3

_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence of a story with what selection needs to know about it.

    Attributes:
        sentence: The sentence.
        stems: Its content stems.
        score: Its score, boosts included (``bot.core.digest``).
        rank: Position of its item in the story (order of first report).
        eligible: Its length and ending let it be chosen for itself (it may still be shown
            as the sentence another one needs, if it is complete and not overlong).
        complete: It ends like a sentence and is not overlong.
        side_note: One outlet's aside in a story of several sources: chosen only to open.
    """

    sentence: Sentence
    stems: frozenset[str]
    score: float
    rank: int
    eligible: bool
    complete: bool
    side_note: bool = False

    @property
    def key(self) -> tuple[str, int]:
        """The sentence's place: its item and index."""
        return (self.sentence.item, self.sentence.index)


def _numbers(text: str) -> frozenset[str]:
    return frozenset(_NUMBER_RE.findall(text))


def repeats(a: Candidate, b: Candidate) -> bool:
    """Return True if two sentences say the same (same main words, or same figure and words)."""
    shared = len(a.stems & b.stems)
    union = len(a.stems | b.stems)
    if union and shared / union >= REPEAT_JACCARD:
        return True
    smaller = min(len(a.stems), len(b.stems))
    if not smaller:
        return False
    if shared / smaller >= REPEAT_CONTAINMENT:
        return True
    return (
        bool(_numbers(a.sentence.text) & _numbers(b.sentence.text))
        and shared / smaller >= REPEAT_FIGURE_OVERLAP
    )


def _novelty(candidate: Candidate, covered: set[str]) -> float:
    if not candidate.stems:
        return 0.0
    return len(candidate.stems - covered) / len(candidate.stems)


def _introduced(noun: str, before: Sequence[Candidate]) -> bool:
    wanted = stem(noun.lower())
    return any(wanted in {stem(w) for w in _words(c.sentence.text)} for c in before)


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[\w-]+", text)]


class _Chooser:
    """One run of the selection over one story's candidates."""

    def __init__(self, candidates: Sequence[Candidate], *, n: int, refs: References) -> None:
        self.candidates = candidates
        self.n = n
        self.refs = refs
        self.by_key = {c.key: c for c in candidates}
        self._leans: dict[tuple[str, int], bool] = {}
        self._opens: dict[tuple[str, int], bool] = {}

    def leans(self, c: Candidate) -> bool:
        if c.key not in self._leans:
            self._leans[c.key] = needs_predecessor(c.sentence.text, self.refs)
        return self._leans[c.key]

    def opens(self, c: Candidate) -> bool:
        if c.key not in self._opens:
            self._opens[c.key] = can_open(c.sentence.text, self.refs)
        return self._opens[c.key]

    def order(self, chosen: Sequence[Candidate]) -> list[Candidate]:
        lead_source = chosen[0].sentence.source
        return sorted(
            chosen,
            key=lambda c: (c.sentence.source != lead_source, c.rank, c.sentence.index),
        )

    def chain(self, c: Candidate, chosen: Sequence[Candidate]) -> list[Candidate] | None:
        """The sentences ``c`` needs shown before it (not yet chosen), or None if impossible."""
        needed: list[Candidate] = []
        current = c
        while self.leans(current):
            if len(needed) == MAX_CHAIN:
                return None
            before = self.by_key.get((current.sentence.item, current.sentence.index - 1))
            if before is None or not before.complete:
                return None
            if any(before is c for c in chosen):
                break
            needed.insert(0, before)
            current = before
        return needed

    def dangles(self, c: Candidate, ordered: Sequence[Candidate]) -> bool:
        position = ordered.index(c)
        before = ordered[:position]
        if self.leans(c):
            previous = self.by_key.get((c.sentence.item, c.sentence.index - 1))
            if not before or before[-1] is not previous:
                return True
        return any(not _introduced(noun, before) for noun in referents(c.sentence.text, self.refs))

    def fits(self, added: Sequence[Candidate], chosen: Sequence[Candidate]) -> bool:
        opener = chosen[0]
        # The opener stays first: nothing of its source from before it (the news first,
        # and a story of n sentences opens as the story of one).
        if any(
            (c.sentence.source == opener.sentence.source and c.rank < opener.rank)
            or (
                c.sentence.item == opener.sentence.item
                and c.sentence.index < opener.sentence.index
            )
            for c in added
        ):
            return False
        ordered = self.order([*chosen, *added])
        return not any(self.dangles(c, ordered) for c in added)

    def opener(self) -> Candidate | None:
        def value(c: Candidate) -> tuple[float, int, int]:
            bonus = 1.0 + LEAD_BONUS if c.sentence.index == 0 else 1.0
            return (-c.score * bonus, c.rank, c.sentence.index)

        ranked = sorted((c for c in self.candidates if c.eligible), key=value)
        best = next((c for c in ranked if self.opens(c)), None)
        if best is None:
            # Nothing can open properly (all questions, quotes, datelines): take the best
            # sentence that at least leans on nothing.
            best = next(
                (
                    c
                    for c in ranked
                    if not self.leans(c) and not referents(c.sentence.text, self.refs)
                ),
                None,
            )
        return best

    def run(self) -> list[Candidate]:
        first = self.opener()
        if first is None or self.n < 1:
            return []
        chosen = [first]
        keys = {first.key}
        covered = set(first.stems)
        # Best score first: a candidate's value is at most its score, so the search stops
        # at the first one whose score cannot beat the best value found.
        ranked = sorted(
            (c for c in self.candidates if c.eligible and not c.side_note),
            key=lambda c: (-c.score, c.rank, c.sentence.index),
        )
        while len(chosen) < self.n:
            best: tuple[float, int, int, list[Candidate]] | None = None
            for c in ranked:
                if best is not None and c.score < -best[0]:
                    break
                if c.key in keys:
                    continue
                novelty = _novelty(c, covered)
                if novelty < MIN_NOVELTY:
                    continue
                value = c.score * novelty**NOVELTY_POWER
                if best is not None and (-value, c.rank, c.sentence.index) >= best[:3]:
                    continue
                if any(repeats(c, other) for other in chosen):
                    continue
                needed = self.chain(c, chosen)
                if needed is None or len(chosen) + len(needed) + 1 > self.n:
                    continue
                if any(repeats(p, other) for p in needed for other in chosen):
                    continue
                if not self.fits([*needed, c], chosen):
                    continue
                best = (-value, c.rank, c.sentence.index, [*needed, c])
            if best is None:
                break
            for c in best[3]:
                chosen.append(c)
                keys.add(c.key)
                covered |= c.stems
        return self._checked(self.order(chosen))

    def _checked(self, ordered: list[Candidate]) -> list[Candidate]:
        # The order may have changed under earlier choices: drop what dangles now, until
        # nothing does (each round removes at least one sentence, so this ends).
        while ordered:
            bad = [c for c in ordered if self.dangles(c, ordered)]
            if not bad:
                break
            ordered = (
                self.order([c for c in ordered if c not in bad]) if len(bad) < len(ordered) else []
            )
        return ordered


def choose_sentences(
    candidates: Sequence[Candidate], *, n: int, refs: References
) -> tuple[Candidate, ...]:
    """Return up to ``n`` sentences that tell the story, in the order they are shown.

    Args:
        candidates: Every sentence of the story's items (not only the eligible ones: a
            sentence may be needed before another).
        n: How many sentences at most.
        refs: When a sentence needs an earlier one.

    Returns:
        The chosen sentences: the opener's source first, each source in its own order.
    """
    return tuple(_Chooser(candidates, n=n, refs=refs).run())


def is_short_lead(sentence: Sentence, refs: References) -> bool:
    """Return True for a short first sentence that may still be chosen (``X ist tot.``)."""
    return (
        sentence.index == 0
        and len(_words(sentence.text)) >= SHORT_LEAD_WORDS
        and can_open(sentence.text, refs)
    )
