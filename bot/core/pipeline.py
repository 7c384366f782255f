"""The core's stages put together: articles in, digests, summaries and figures out.

Pure like the core: the callers (command line, bot) read the files and the settings and pass
them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.clean import clean_article
from bot.core.digest import build_stories, make_digest, story_figures
from bot.core.language import Language
from bot.core.models import Article, Digest, Figure, Item, Story
from bot.core.options import DigestOptions


def clean_articles(
    articles: Sequence[Article], *, settings: DigestOptions, lang: Language
) -> tuple[Item, ...]:
    """Clean every article into items (a ticker gives one item per entry)."""
    zone = ZoneInfo(settings.timezone)
    return tuple(item for a in articles for item in clean_article(a, lang=lang, zone=zone))


def build_digest(
    articles: Sequence[Article],
    *,
    settings: DigestOptions,
    lang: Language,
    created: datetime | None = None,
) -> Digest:
    """Return the digest of ``articles``: stories grouped, chosen and ordered."""
    items = clean_articles(articles, settings=settings, lang=lang)
    return make_digest(items, settings=settings, lang=lang, created=created)


def _article_story(
    article: Article, *, n: int | None, settings: DigestOptions, lang: Language
) -> tuple[tuple[Item, ...], Story | None]:
    """The story of ``article`` alone: the lead story of its one-article digest.

    An article is one item, so this is the digest's selection applied to a one-item story
    (a live ticker gives one item per entry: its top story is the one shown first).
    """
    items = clean_articles([article], settings=settings, lang=lang)
    options = settings if n is None else replace(settings, sentences_per_story=n)
    stories = build_stories(items, settings=options, lang=lang)
    if not stories:
        return (), None
    by_id = {item.id: item for item in items}
    return tuple(by_id[i] for i in stories[0].items), stories[0]


def summarize_article(
    article: Article, *, n: int, settings: DigestOptions, lang: Language
) -> tuple[str, ...]:
    """Return the ``n`` sentences that tell one article's news, in the order shown.

    The same routine as a digest's story (``bot.core.digest.assemble_story``): ``n = 1``
    gives the lead of the one-article digest, and ``n = 3`` its first story.
    """
    _, story = _article_story(article, n=n, settings=settings, lang=lang)
    return tuple(s.text for s in story.sentences) if story else ()


def article_figures(
    article: Article, *, settings: DigestOptions, lang: Language
) -> tuple[Figure, ...]:
    """Return the key figures of one article: those of its one-article story, as /zahlen."""
    items, story = _article_story(article, n=None, settings=settings, lang=lang)
    return story_figures(story, items, settings, lang) if story else ()
