"""Editions over time: stories that continue earlier ones, and what an update adds.

An edition is one digest of a scheduled run or of ``/jetzt``. Which articles it considers is
the store's rule (``bot.adapters.edition_rows``): those added since the previous edition plus
those not shown yet that were added within ``digest.carry_hours``. Given those articles and
the stories of recent editions, this module decides the rest:

**Continuation** (:func:`continued_stories`). A new story continues a story posted in a
recent edition (the same event, new articles) on either piece of evidence:

1. one of its items prints a long sentence (``SHARED_SENTENCE_MIN_STEMS`` content words or
   more, the same stems in the same order) that an item of the earlier story printed: agency
   copy reused by another outlet, or a new version of an article already shown. A sentence
   that more than ``SHARED_SENTENCE_MAX_ITEMS`` items print is boilerplate (a footer, a
   forum rule) and no evidence;
2. the two stories' TF-IDF vectors (the content stems of every sentence of their items, the
   titles counted ``TITLE_WEIGHT`` times; IDF over this edition's items and the earlier
   stories' items together) have a cosine of at least ``CONTINUATION_SIMILARITY``.

That is the bar at which ``bot.core.stories`` joins items into one story: had the articles
come in one batch, they would have been one story. Only recent editions count
(``RECENT_HOURS``): a topic that resurfaces days later is a story of its own.

**What an update adds** (:func:`adds_information`). A sentence adds something when it gives
a number the earlier stories' shown sentences did not, or when more than
``1 - COVERED_SHARE`` of its content stems (and at least ``MIN_NEW_STEMS``) are new to them.
An update is chosen again from its items without the sentences that add nothing, so its
slots go to what is new; if nothing is left the story is not shown and its articles wait
like any other not chosen.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.digest import assemble_story, build_stories, document_frequencies, finish_digest
from bot.core.language import Language
from bot.core.models import Article, Continuation, Digest, Item, Source, Story
from bot.core.options import DigestOptions
from bot.core.pipeline import clean_articles
from bot.core.words import content_stems

#: Editions this many hours back are "recent": their stories can be continued. Two days
#: cover the next morning's follow-up of yesterday's evening story whatever the schedule;
#: re-run benchmarks/bench_editions.py (updates found) after changing it.
RECENT_HOURS = 48
#: Cosine of two stories' vectors from which they report the same event: the value of
#: ``bot.core.stories.MERGE_SIMILARITY``, so an update is what grouping would have joined.
#: Seeds, one story per article: the prisoner exchange 000/001 0.354, the other pairs (same
#: war, other events) 0.08-0.29; 10kGNAD test, all pairs of its stories: highest 0.293 (EU
#: migration: interior ministers / closed Balkan route), none at 0.3.
CONTINUATION_SIMILARITY = 0.3
#: Weight of a title's words relative to the body's (as in ``bot.core.stories``).
TITLE_WEIGHT = 2
#: A sentence of this many content words printed by both stories is the same report (as
#: ``stories.SHARED_SENTENCE_MIN_STEMS``: shorter ones are formulas like "Das teilte … mit").
SHARED_SENTENCE_MIN_STEMS = 8
#: ... unless more items print it (as ``stories.SHARED_SENTENCE_MAX_ITEMS``): 10kGNAD's
#: forum footer stands in dozens of its articles and joined unrelated stories.
SHARED_SENTENCE_MAX_ITEMS = 3
#: A sentence adds something when more than this share of its content stems is new to the
#: shown sentences (and at least MIN_NEW_STEMS of them): one word in five. Seeds, 000 shown
#: and then 001: its one repeat ("Der Austausch war vergangene Woche bei Gesprächen in
#: Istanbul vereinbart worden.") has 17 % new stems, its other 41 sentences 43-100 %.
COVERED_SHARE = 0.8
#: ... and one new word (``nun``, ``bisher``, ``offenbar``) is rewording, not news.
MIN_NEW_STEMS = 2
# A number as written: digits with thousands dots or a decimal comma (``2.000``, ``1,5``).
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")

Vector = dict[str, float]


@dataclass(frozen=True, slots=True)
class PostedStory:
    """A story as a recent edition posted it, with its items cleaned again from the store.

    Attributes:
        digest: The id of the digest that posted it.
        number: Its number in that digest (1-based).
        posted: When that digest was made, where known.
        story: The story as posted (its sentences are what readers saw).
        items: Its items, cleaned from the stored articles (those still found).
    """

    digest: int
    number: int
    posted: datetime | None
    story: Story
    items: tuple[Item, ...]


def posted_stories(
    editions: Sequence[tuple[int, Digest]],
    articles: Sequence[Article],
    *,
    settings: DigestOptions,
    lang: Language,
) -> tuple[PostedStory, ...]:
    """Return the stories of recent editions with their items, cleaned from ``articles``.

    Args:
        editions: (digest id, digest) of each recent edition, oldest first.
        articles: The stored articles of their stories (missing ones are skipped).
        settings: The digest options (cleaning needs the time zone).
        lang: The language tables.
    """
    items = {item.id: item for item in clean_articles(articles, settings=settings, lang=lang)}
    return tuple(
        PostedStory(
            digest=digest_id,
            number=number,
            posted=digest.created,
            story=story,
            items=tuple(items[i] for i in story.items if i in items),
        )
        for digest_id, digest in editions
        for number, story in enumerate(digest.stories, start=1)
    )


def _vector(items: Sequence[Item], idf: Mapping[str, float], stopwords: frozenset[str]) -> Vector:
    counts: Counter[str] = Counter()
    for item in items:
        counts.update(stem for s in item.sentences for stem in content_stems(s.text, stopwords))
        for stem in content_stems(item.source.title, stopwords):
            counts[stem] += TITLE_WEIGHT
    # A stem only in titles has no IDF: weight 1, as bot.core.digest weighs unknown stems.
    vector = {t: (1.0 + math.log(c)) * idf.get(t, 1.0) for t, c in sorted(counts.items())}
    norm = math.sqrt(math.fsum(w * w for w in vector.values())) or 1.0
    return {term: weight / norm for term, weight in vector.items()}


def _long_sentences(item: Item, stopwords: frozenset[str]) -> set[tuple[str, ...]]:
    found = set()
    for sentence in item.sentences:
        stems = content_stems(sentence.text, stopwords)
        if len(stems) >= SHARED_SENTENCE_MIN_STEMS:
            found.add(tuple(stems))
    return found


def boilerplate_sentences(
    items: Sequence[Item], stopwords: frozenset[str]
) -> frozenset[tuple[str, ...]]:
    """Return the long sentences (as stems) that too many ``items`` print to be evidence."""
    counts: Counter[tuple[str, ...]] = Counter()
    for item in items:
        counts.update(_long_sentences(item, stopwords))
    return frozenset(s for s, n in counts.items() if n > SHARED_SENTENCE_MAX_ITEMS)


@dataclass(frozen=True, slots=True)
class _Evidence:
    vector: Vector
    sentences: frozenset[tuple[str, ...]]


def _evidence(
    items: Sequence[Item],
    idf: Mapping[str, float],
    stopwords: frozenset[str],
    boilerplate: frozenset[tuple[str, ...]],
) -> _Evidence:
    sentences = set().union(*(_long_sentences(item, stopwords) for item in items))
    return _Evidence(_vector(items, idf, stopwords), frozenset(sentences - boilerplate))


def _same_event(new: _Evidence, old: _Evidence) -> bool:
    if new.sentences & old.sentences:
        return True
    small, large = sorted((new.vector, old.vector), key=len)
    cosine = math.fsum(w * large.get(t, 0.0) for t, w in sorted(small.items()))
    return cosine >= CONTINUATION_SIMILARITY


def continued_stories(
    items: Sequence[Item],
    posted: Sequence[PostedStory],
    *,
    idf: Mapping[str, float],
    stopwords: frozenset[str],
    boilerplate: frozenset[tuple[str, ...]] = frozenset(),
) -> tuple[PostedStory, ...]:
    """Return the posted stories that the story of ``items`` continues, in posted order.

    Args:
        items: The new story's items.
        posted: Stories of recent editions.
        idf: IDF of content stems over the new and the posted items together
            (``bot.core.digest.document_frequencies``).
        stopwords: The stop words.
        boilerplate: Long sentences that are no evidence (:func:`boilerplate_sentences`
            of the edition's and the posted items).
    """
    earlier = [(p, _evidence(p.items, idf, stopwords, boilerplate)) for p in posted if p.items]
    return _continued(_evidence(items, idf, stopwords, boilerplate), earlier)


def _continued(
    new: _Evidence, earlier: Sequence[tuple[PostedStory, _Evidence]]
) -> tuple[PostedStory, ...]:
    return tuple(posted for posted, old in earlier if _same_event(new, old))


def _numbers(text: str) -> set[str]:
    """The numbers of a text, thousands dots dropped (``2.000`` and ``2000`` are one)."""
    return {match.replace(".", "") for match in _NUMBER_RE.findall(text)}


def adds_information(sentence: str, shown: Sequence[str], *, stopwords: frozenset[str]) -> bool:
    """Tell whether ``sentence`` says something the ``shown`` sentences did not."""
    if not shown:
        return True
    if not _numbers(sentence) <= set().union(*(_numbers(s) for s in shown)):
        return True  # a new figure is news however familiar the words around it
    stems = set(content_stems(sentence, stopwords))
    said = {stem for other in shown for stem in content_stems(other, stopwords)}
    new = len(stems - said)
    return new >= MIN_NEW_STEMS and new > (1.0 - COVERED_SHARE) * len(stems)


def new_information(
    items: Sequence[Item], shown: Sequence[str], *, stopwords: frozenset[str]
) -> tuple[Item, ...]:
    """Return the items keeping only the sentences that add to the ``shown`` ones."""
    return tuple(
        replace(
            item,
            sentences=tuple(
                s for s in item.sentences if adds_information(s.text, shown, stopwords=stopwords)
            ),
        )
        for item in items
    )


def _continuation(earlier: Sequence[PostedStory]) -> Continuation:
    """The latest earlier story (the headline readers saw last), with every earlier source."""
    last = earlier[-1]
    sources: dict[str, Source] = {}
    for posted in earlier:
        before = posted.story.continues.sources if posted.story.continues else ()
        for source in (*before, *posted.story.sources):
            sources.setdefault(source.id, source)
    return Continuation(
        title=last.story.title,
        digest=last.digest,
        number=last.number,
        posted=last.posted,
        sources=tuple(sources.values()),
    )


def update_story(
    items: Sequence[Item],
    earlier: Sequence[PostedStory],
    *,
    settings: DigestOptions,
    lang: Language,
    idf: Mapping[str, float],
) -> Story | None:
    """Return the story of ``items`` as an update of ``earlier``; None if it adds nothing.

    The story is chosen again from the sentences that add to what ``earlier`` showed.

    Args:
        items: The new story's items.
        earlier: The posted stories it continues, in posted order.
        settings: The digest options.
        lang: The language tables.
        idf: IDF over this edition's items (as the story was chosen with).
    """
    shown = [s.text for posted in earlier for s in posted.story.sentences]
    fresh = new_information(items, shown, stopwords=lang.stopwords)
    chosen = assemble_story(fresh, settings=settings, lang=lang, idf=idf)
    if chosen is None:
        return None
    return replace(chosen, continues=_continuation(earlier))


def make_edition(
    items: Sequence[Item],
    posted: Sequence[PostedStory],
    *,
    settings: DigestOptions,
    lang: Language,
    created: datetime | None = None,
) -> Digest:
    """Return the edition of ``items``: its digest, continued stories as updates.

    A story that continues posted ones shows only what adds to them; one that adds nothing
    is left out and the next story takes its place.
    """
    stories = build_stories(items, settings=settings, lang=lang)
    if not posted:
        return finish_digest(
            stories[: settings.stories], items, settings=settings, lang=lang, created=created
        )
    by_id = {item.id: item for item in items}
    earlier_items = [item for p in posted for item in p.items]
    pool = [*items, *earlier_items]
    both = document_frequencies(pool, lang.stopwords)
    common = boilerplate_sentences(pool, lang.stopwords)
    batch: dict[str, float] = {}  # the IDF the stories were chosen with, once an update needs it
    evidence = [(p, _evidence(p.items, both, lang.stopwords, common)) for p in posted if p.items]
    kept: list[Story] = []
    for story in stories:
        if len(kept) == settings.stories:
            break
        own = [by_id[i] for i in story.items]
        earlier = _continued(_evidence(own, both, lang.stopwords, common), evidence)
        if earlier:
            batch = batch or document_frequencies(items, lang.stopwords)
            updated = update_story(own, earlier, settings=settings, lang=lang, idf=batch)
            if updated is None:
                continue
            story = updated
        kept.append(story)
    return finish_digest(kept, items, settings=settings, lang=lang, created=created)


def build_edition(
    articles: Sequence[Article],
    posted: Sequence[PostedStory],
    *,
    settings: DigestOptions,
    lang: Language,
    created: datetime | None = None,
) -> Digest:
    """Return the edition of ``articles`` given the stories of recent editions."""
    items = clean_articles(articles, settings=settings, lang=lang)
    return make_edition(items, posted, settings=settings, lang=lang, created=created)
