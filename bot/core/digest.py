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
from dataclasses import replace
from datetime import datetime

from bot.core.figures import extract_figures, reconcile_figures
from bot.core.language import Language
from bot.core.models import Digest, Figure, Item, Sentence, Source, Story, StorySentence
from bot.core.options import DigestOptions
from bot.core.scoring import NEAR_DUPLICATE_JACCARD, score_sentences
from bot.core.selection import Candidate, choose_sentences, is_short_lead
from bot.core.sources import drop_versions, outlet_key
from bot.core.stories import group_items
from bot.core.words import content_stems

#: Score multiplier per other source that confirms a sentence: a statement two outlets make
#: is more likely the news. 0.25 lifts a confirmed sentence above unconfirmed ones of similar
#: score without letting a confirmed side remark beat a clear lead (checked on the seeds).
SUPPORT_BONUS = 0.25
#: Per item, only this many best sentences are checked for support by other sources; the
#: rest cannot win anyway, and the check costs a comparison with every other sentence.
SUPPORT_CANDIDATES = 6
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
    stems: frozenset[str], others: Mapping[str, float], norm: float, idf: Mapping[str, float]
) -> float:
    """Cosine of a sentence's IDF-weighted stems with the other sources' weighted stems."""
    if not norm or not stems:
        return 0.0
    ordered = sorted(stems)  # a fixed order: the sums do not depend on hashing
    weights = [idf.get(stem, 1.0) for stem in ordered]
    dot = math.fsum(w * others.get(stem, 0.0) for w, stem in zip(weights, ordered, strict=True))
    return dot / (norm * math.sqrt(math.fsum(w * w for w in weights)))


def document_frequencies(items: Sequence[Item], stopwords: frozenset[str]) -> dict[str, float]:
    """Return the IDF of every content stem over ``items`` (how rare it is in this batch)."""
    df: Counter[str] = Counter()
    for item in items:
        df.update({stem for s in item.sentences for stem in content_stems(s.text, stopwords)})
    n = len(items)
    return {stem: math.log(1.0 + n / count) for stem, count in df.items()}


def _confirming(
    candidate: Candidate, others: Sequence[Candidate], outlet: Mapping[str, str]
) -> tuple[str, ...]:
    """Article ids of other outlets with a near-identical sentence (never the same outlet)."""
    own = candidate.sentence.source
    found: list[str] = []
    seen = {outlet[own]}
    for other in others:
        source = other.sentence.source
        if (
            outlet[source] not in seen
            and _jaccard(candidate.stems, other.stems) >= NEAR_DUPLICATE_JACCARD
        ):
            found.append(source)
            seen.add(outlet[source])
    return tuple(found)


def _other_vectors(
    everything: Sequence[Candidate], idf: Mapping[str, float]
) -> dict[str, tuple[dict[str, float], float]]:
    """Per source, the IDF-weighted stems of what the story's other sources say, and norm."""
    by_source: dict[str, Counter[str]] = {}
    for candidate in everything:
        by_source.setdefault(candidate.sentence.source, Counter()).update(candidate.stems)
    vectors: dict[str, tuple[dict[str, float], float]] = {}
    for source in by_source:
        vector: dict[str, float] = {}
        for other, counts in by_source.items():
            if other != source:
                for stem, count in counts.items():
                    vector[stem] = vector.get(stem, 0.0) + count * idf.get(stem, 1.0)
        vectors[source] = (vector, math.sqrt(math.fsum(v * v for v in vector.values())))
    return vectors


def assemble_story(
    items: Sequence[Item],
    *,
    settings: DigestOptions,
    lang: Language,
    idf: Mapping[str, float] | None = None,
) -> Story | None:
    """Build one story from items about the same event; None if no sentence qualifies.

    This is the one selection routine: a summary of an article is the story of its items.

    Args:
        items: The items of the story, any order.
        settings: Sentence lengths and the number of sentences.
        lang: Language tables.
        idf: Rarity of each stem in the whole batch (weights cross-source similarity).
    """
    ordered = [item for _, item in sorted(enumerate(items), key=_first_report_key)]
    kept, versions = drop_versions(ordered, stopwords=lang.stopwords)
    outlet = {item.source.id: outlet_key(item.source) for item in kept}
    refs = lang.references
    base: list[tuple[Sentence, frozenset[str], float, int]] = []
    for rank, item in enumerate(kept):
        texts = [s.text for s in item.sentences]
        scores = score_sentences(texts, title=item.source.title, stopwords=lang.stopwords)
        for sentence, score in zip(item.sentences, scores, strict=True):
            stems = frozenset(content_stems(sentence.text, lang.stopwords))
            base.append((sentence, stems, score, rank))
    if not base:
        return None

    def plain(entry: tuple[Sentence, frozenset[str], float, int]) -> Candidate:
        sentence, stems, score, rank = entry
        length = len(sentence.text)
        complete = length <= settings.max_sentence_chars and _complete(sentence.text)
        eligible = complete and (
            length >= settings.min_sentence_chars or is_short_lead(sentence, refs)
        )
        return Candidate(sentence, stems, score, rank, eligible=eligible, complete=complete)

    everything = [plain(entry) for entry in base]
    weights = idf or {}
    several = len({c.sentence.source for c in everything}) > 1
    vectors = _other_vectors(everything, weights) if several else {}
    # Boosts only where they can change the choice: each item's best eligible candidates.
    best: set[tuple[str, int]] = set()
    for rank in range(len(kept)):
        mine = sorted(
            (c for c in everything if c.rank == rank and c.eligible),
            key=lambda c: (-c.score, c.sentence.index),
        )
        best.update(c.key for c in mine[:SUPPORT_CANDIDATES])
    support: dict[tuple[str, int], tuple[str, ...]] = {}
    boosted: list[Candidate] = []
    for c in everything:
        if c.key not in best:
            boosted.append(c)
            continue
        support[c.key] = _confirming(c, everything, outlet)
        cross = 0.0
        if several:
            vector, norm = vectors[c.sentence.source]
            cross = _cross_source(c.stems, vector, norm, weights)
        figure = bool(extract_figures(c.sentence.text, source=c.sentence.source, lang=lang))
        # Every boost is relative to the sentence's own score (an expected F1 with a
        # teaser, 0..1), so none of them can lift a poor sentence on its own.
        factor = (
            1.0
            + SUPPORT_BONUS * len(support[c.key])
            + CROSS_SOURCE_WEIGHT * cross
            + (FIGURE_BONUS if figure else 0.0)
        )
        boosted.append(
            replace(c, score=c.score * factor, side_note=several and cross < MIN_CROSS_SOURCE)
        )
    chosen = choose_sentences(boosted, n=settings.sentences_per_story, refs=refs)
    if not chosen:
        return None
    sentences = tuple(
        StorySentence(
            text=c.sentence.text,
            source=c.sentence.source,
            confirmed_by=support.get(c.key) or _confirming(c, everything, outlet),
        )
        for c in chosen
    )
    sources: dict[str, Source] = {}
    for item in kept:
        known = sources.get(item.source.id)
        # A ticker is named by its first entry here (headline and time), not by its intro.
        if known is None or (known.time_label is None and item.source.time_label):
            sources[item.source.id] = item.source
    title_item = _title_item(kept, chosen[0], everything, versions, lang.stopwords)
    return Story(
        title=title_item.source.title,
        sentences=sentences,
        sources=tuple(sources.values()),
        items=tuple(item.id for item in ordered),
        weight=sum(c.score for c in chosen) + ITEM_WEIGHT * len(ordered),
    )


def _title_item(
    ordered: Sequence[Item],
    lead: Candidate,
    everything: Sequence[Candidate],
    versions: Mapping[str, Sequence[Item]],
    stopwords: frozenset[str],
) -> Item:
    """Return the item whose headline names the story.

    That is the lead sentence's item, else a version of it with a headline, else one that
    says the same as the lead, else the first with a headline, else the lead's.
    """
    by_id = {item.id: item for item in ordered}
    own = by_id[lead.sentence.item]
    if own.headline:
        return own
    titled = [version for version in versions.get(own.id, ()) if version.headline]
    for version in titled:
        # The version that prints the lead itself is the one its headline is about.
        if any(
            _jaccard(lead.stems, frozenset(content_stems(s.text, stopwords)))
            >= NEAR_DUPLICATE_JACCARD
            for s in version.sentences
        ):
            return version
    if titled:
        return titled[0]
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
    unique, copies = _without_copies(items)
    for group in group_items(unique, stopwords=lang.stopwords):
        story = assemble_story([unique[i] for i in group], settings=settings, lang=lang, idf=idf)
        if story is not None:
            extra = tuple(c for i in group for c in copies.get(unique[i].id, ()))
            stories.append(replace(story, items=story.items + extra) if extra else story)
    return tuple(story for _, story in sorted(enumerate(stories), key=_story_key))


def _without_copies(items: Sequence[Item]) -> tuple[list[Item], dict[str, tuple[str, ...]]]:
    """The items with word-for-word copies left out, and the ids of each one's copies.

    A copy (the same sentences under another id: one agency text on many sites) is a
    version of the first; left in, hundreds of copies would share every term, exceed the
    grouping's posting caps and never be grouped. Their ids join the first's story, so they
    count as shown with it.
    """
    first: dict[tuple[str, ...], Item] = {}
    copies: dict[str, tuple[str, ...]] = {}
    unique: list[Item] = []
    for item in items:
        key = tuple(s.text for s in item.sentences)
        original = first.get(key)
        if original is None:
            first[key] = item
            unique.append(item)
        else:
            copies[original.id] = (*copies.get(original.id, ()), item.id)
    return unique, copies


def story_figures(
    story: Story, items: Sequence[Item], settings: DigestOptions, lang: Language
) -> tuple[Figure, ...]:
    """Return the key figures of a story's items, those of its chosen sentences first.

    Only the story's sources count (a version dropped for a fuller one is not a source), and
    a figure is never confirmed by another article of its own outlet.
    """
    outlet = {s.id: outlet_key(s) for s in story.sources}
    figures = reconcile_figures(
        [
            figure
            for item in items
            if item.source.id in outlet
            for sentence in item.sentences
            for figure in extract_figures(
                sentence.text, source=sentence.source, lang=lang, source_label=item.source.name
            )
        ],
        key_sentences=frozenset(s.text for s in story.sentences),
        limit=settings.figures_per_story,
    )
    return tuple(
        replace(
            figure,
            confirmed_by=_other_outlets(figure.source, figure.confirmed_by, outlet),
        )
        for figure in figures
    )


def _other_outlets(
    own: str, confirming: Sequence[str], outlet: Mapping[str, str]
) -> tuple[str, ...]:
    """The confirming article ids, one per outlet, none of the outlet of ``own``."""
    seen = {outlet.get(own, own)}
    kept: list[str] = []
    for source in confirming:
        key = outlet.get(source, source)
        if key not in seen:
            kept.append(source)
            seen.add(key)
    return tuple(kept)


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
