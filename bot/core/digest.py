"""Digest: from grouped items to stories with their sentences, sources and figures.

Per story the sentences that carry the news are chosen from all of its items: each sentence
keeps its per-article score (``bot.core.scoring``), raised for every other source that says
the same (a near-identical sentence). Near-duplicates appear once and list every source that
confirms them. Stories are ordered by number of sources, then recency, then weight.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.figures import extract_figures, figure_source_label, reconcile_figures
from bot.core.language import Language
from bot.core.models import Digest, Figure, Item, Sentence, Source, Story, StorySentence
from bot.core.options import DigestOptions
from bot.core.scoring import NEAR_DUPLICATE_JACCARD, score_sentences
from bot.core.stories import group_items
from bot.core.words import content_stems

#: Score multiplier per other source that confirms a sentence: a statement two outlets make
#: is more likely the news. 0.25 lifts a confirmed sentence above unconfirmed ones of similar
#: score without letting a confirmed side remark beat a clear lead (checked on the seeds).
SUPPORT_BONUS = 0.25
#: Per item, only this many best sentences are checked for support by other sources; the
#: rest cannot win anyway, and the check costs a comparison with every other sentence.
SUPPORT_CANDIDATES = 6
#: Sentences whose stem sets overlap this much with an already chosen one are redundant.
REDUNDANT_JACCARD = 0.5
#: Weight of a sentence's similarity to what the story's other sources say (IDF-weighted
#: cosine of its stems with theirs, 0..1) in the boost of its score, in stories with several
#: sources: the sentence that states what every outlet reports is the lead. On the seeds it
#: moves the lead of the prisoner-exchange story from a teaser line to "… jeweils 390
#: Menschen freigelassen".
CROSS_SOURCE_WEIGHT = 1.0
#: In a story with several sources, a sentence whose cross-source similarity (IDF-weighted
#: cosine with what the other sources say) is below this is one outlet's side note: on the
#: seeds, 001's drone strikes and arms exports score 0.03-0.08 against the prisoner exchange
#: of 000, on-topic sentences 0.10-0.52. It fills no slot unless it is the only candidate.
MIN_CROSS_SOURCE = 0.09
#: Boost of the score of a sentence that states a key figure: news leads carry the numbers
#: (how many were freed, killed, paid), and a digest without them reads vague. A tenth of the
#: sentence's own score, so a number alone never lifts a side remark; checked on the seeds.
#: Only the SUPPORT_CANDIDATES best sentences of an item are checked (figures cost time).
FIGURE_BONUS = 0.1
#: Weight added to a story per item it groups (a story many items report weighs more).
ITEM_WEIGHT = 0.1
_TERMINAL = ".!?…"
_CLOSING = "“”\"»«’')"


@dataclass(frozen=True, slots=True)
class _Candidate:
    sentence: Sentence
    stems: frozenset[str]
    score: float
    order: tuple[int, int]


def _complete(text: str) -> bool:
    stripped = text.rstrip(_CLOSING)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _first_report_key(pair: tuple[int, Item]) -> tuple[bool, datetime | None, int]:
    position, item = pair
    published = item.source.published
    return (published is None, published, position)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _cross_source(
    candidate: _Candidate, others: Mapping[str, float], norm: float, idf: Mapping[str, float]
) -> float:
    """Cosine of a sentence's IDF-weighted stems with the other sources' weighted stems."""
    if not norm or not candidate.stems:
        return 0.0
    stems = sorted(candidate.stems)  # a fixed order: the sums do not depend on hashing
    weights = [idf.get(stem, 1.0) for stem in stems]
    dot = math.fsum(w * others.get(stem, 0.0) for w, stem in zip(weights, stems, strict=True))
    return dot / (norm * math.sqrt(math.fsum(w * w for w in weights)))


def document_frequencies(items: Sequence[Item], stopwords: frozenset[str]) -> dict[str, float]:
    """Return the IDF of every content stem over ``items`` (how rare it is in this batch)."""
    df: Counter[str] = Counter()
    for item in items:
        df.update({stem for s in item.sentences for stem in content_stems(s.text, stopwords)})
    n = len(items)
    return {stem: math.log(1.0 + n / count) for stem, count in df.items()}


def _confirming(
    candidate: _Candidate, others: Sequence[_Candidate], threshold: float
) -> tuple[str, ...]:
    own = candidate.sentence.source
    found: list[str] = []
    for other in others:
        source = other.sentence.source
        if (
            source != own
            and source not in found
            and _jaccard(candidate.stems, other.stems) >= (threshold)
        ):
            found.append(source)
    return tuple(found)


def assemble_story(
    items: Sequence[Item],
    *,
    settings: DigestOptions,
    lang: Language,
    idf: Mapping[str, float] | None = None,
) -> Story | None:
    """Build one story from items about the same event; None if no sentence qualifies."""
    ordered = [item for _, item in sorted(enumerate(items), key=_first_report_key)]
    candidates: list[_Candidate] = []
    per_item: list[list[_Candidate]] = []
    everything: list[_Candidate] = []
    for rank, item in enumerate(ordered):
        texts = [s.text for s in item.sentences]
        scores = score_sentences(texts, title=item.source.title, stopwords=lang.stopwords)
        mine: list[_Candidate] = []
        for sentence, score in zip(item.sentences, scores, strict=True):
            candidate = _Candidate(
                sentence=sentence,
                stems=frozenset(content_stems(sentence.text, lang.stopwords)),
                score=score,
                order=(rank, sentence.index),
            )
            everything.append(candidate)
            length = len(sentence.text)
            if settings.min_sentence_chars <= length <= settings.max_sentence_chars and _complete(
                sentence.text
            ):
                mine.append(candidate)
        mine.sort(key=lambda c: (-c.score, c.order))
        per_item.append(mine)
        candidates.extend(mine)
    if not candidates:
        return None
    support: dict[tuple[int, int], tuple[str, ...]] = {}
    cross: dict[tuple[int, int], float] = {}
    weights = idf or {}
    by_source: dict[str, Counter[str]] = {}
    for candidate in everything:
        by_source.setdefault(candidate.sentence.source, Counter()).update(candidate.stems)
    other_vectors: dict[str, tuple[dict[str, float], float]] = {}
    for source in by_source:
        vector: dict[str, float] = {}
        for other, counts in by_source.items():
            if other != source:
                for stem, count in counts.items():
                    vector[stem] = vector.get(stem, 0.0) + count * weights.get(stem, 1.0)
        norm = math.sqrt(math.fsum(v * v for v in vector.values()))
        other_vectors[source] = (vector, norm)
    for mine in per_item:
        for candidate in mine[:SUPPORT_CANDIDATES]:
            support[candidate.order] = _confirming(candidate, everything, NEAR_DUPLICATE_JACCARD)
            if len(by_source) > 1:
                vector, norm = other_vectors[candidate.sentence.source]
                cross[candidate.order] = _cross_source(candidate, vector, norm, weights)

    # Figures only where they can change the choice: the best candidates of each item.
    has_figure = {
        c.order
        for mine in per_item
        for c in mine[:SUPPORT_CANDIDATES]
        if extract_figures(c.sentence.text, source=c.sentence.source, lang=lang)
    }

    def final(candidate: _Candidate) -> float:
        # Every boost is relative to the sentence's own score (an expected F1 with a
        # teaser, 0..1), so none of them can lift a poor sentence on its own.
        return candidate.score * (
            1.0
            + SUPPORT_BONUS * len(support.get(candidate.order, ()))
            + CROSS_SOURCE_WEIGHT * cross.get(candidate.order, 0.0)
            + (FIGURE_BONUS if candidate.order in has_figure else 0.0)
        )

    chosen: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (-final(c), c.order)):
        if len(chosen) == settings.sentences_per_story:
            break
        if chosen and cross.get(candidate.order, 1.0) < MIN_CROSS_SOURCE:
            continue
        if any(_jaccard(candidate.stems, c.stems) >= REDUNDANT_JACCARD for c in chosen):
            continue
        chosen.append(candidate)
    lead, rest = chosen[0], sorted(chosen[1:], key=lambda c: c.order)
    sentences = tuple(
        StorySentence(
            text=c.sentence.text,
            source=c.sentence.source,
            confirmed_by=support.get(c.order)
            or _confirming(c, everything, NEAR_DUPLICATE_JACCARD),
        )
        for c in (lead, *rest)
    )
    sources: dict[str, Source] = {}
    for item in ordered:
        known = sources.get(item.source.id)
        # A ticker is named by its first entry here (headline and time), not by its intro.
        if known is None or (known.time_label is None and item.source.time_label):
            sources[item.source.id] = item.source
    title_item = _title_item(ordered, lead, everything)
    return Story(
        title=title_item.source.title,
        sentences=sentences,
        sources=tuple(sources.values()),
        items=tuple(item.id for item in ordered),
        weight=sum(final(c) for c in chosen) + ITEM_WEIGHT * len(ordered),
    )


def _title_item(
    ordered: Sequence[Item], lead: _Candidate, everything: Sequence[_Candidate]
) -> Item:
    """Return the item whose headline names the story.

    That is the lead sentence's item, else one that says the same as the lead, else the first
    with a headline, else the lead's.
    """
    by_id = {item.id: item for item in ordered}
    own = by_id[lead.sentence.item]
    if own.headline:
        return own
    for other in everything:
        item = by_id[other.sentence.item]
        if item.headline and _jaccard(lead.stems, other.stems) >= NEAR_DUPLICATE_JACCARD:
            return item
    return next((item for item in ordered if item.headline), own)


def _story_key(pair: tuple[int, Story]) -> tuple[int, bool, float, float, int]:
    position, story = pair
    times = [s.published for s in story.sources if s.published is not None]
    newest = max(times).timestamp() if times else 0.0
    return (-len(story.sources), not times, -newest, -story.weight, position)


def build_stories(
    items: Sequence[Item], *, settings: DigestOptions, lang: Language
) -> tuple[Story, ...]:
    """Group items into stories and order them, most important first (all of them).

    The stories carry no figures yet: ``story_figures`` adds them to those that are kept.
    """
    stories: list[Story] = []
    idf = document_frequencies(items, lang.stopwords)
    for group in group_items(items, stopwords=lang.stopwords):
        story = assemble_story([items[i] for i in group], settings=settings, lang=lang, idf=idf)
        if story is not None:
            stories.append(story)
    return tuple(story for _, story in sorted(enumerate(stories), key=_story_key))


def story_figures(
    story: Story, items: Sequence[Item], settings: DigestOptions, lang: Language
) -> tuple[Figure, ...]:
    """Return the key figures of a story's items, those of its chosen sentences first."""
    return reconcile_figures(
        [
            figure
            for item in items
            for sentence in item.sentences
            for figure in extract_figures(
                sentence.text,
                source=sentence.source,
                lang=lang,
                source_label=figure_source_label(item.source),
            )
        ],
        key_sentences=frozenset(s.text for s in story.sentences),
        limit=settings.figures_per_story,
    )


def make_digest(
    items: Sequence[Item],
    *,
    settings: DigestOptions,
    lang: Language,
    created: datetime | None = None,
) -> Digest:
    """Return the digest of ``items``: the ``settings.stories`` most important stories."""
    stories = build_stories(items, settings=settings, lang=lang)[: settings.stories]
    return finish_digest(stories, items, settings=settings, lang=lang, created=created)


def finish_digest(
    stories: Sequence[Story],
    items: Sequence[Item],
    *,
    settings: DigestOptions,
    lang: Language,
    created: datetime | None = None,
) -> Digest:
    """Return the digest of the chosen ``stories`` of ``items``, their key figures added."""
    by_id = {item.id: item for item in items}
    chosen = tuple(
        replace(
            story, figures=story_figures(story, [by_id[i] for i in story.items], settings, lang)
        )
        for story in stories
    )
    return Digest(
        stories=chosen,
        created=created,
        items=tuple(item_id for story in chosen for item_id in story.items),
    )
