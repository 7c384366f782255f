"""The core's stages put together: articles in, digests, summaries and figures out.

Pure like the core: the callers (command line, bot) read the files and the settings and pass
them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.clean import clean_article
from bot.core.digest import make_digest
from bot.core.figures import extract_figures, figure_source_label, reconcile_figures
from bot.core.language import Language
from bot.core.models import Article, Digest, Figure, Item
from bot.core.options import DigestOptions
from bot.core.scoring import score_sentences, select_sentences


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


def summarize_article(
    article: Article, *, n: int, settings: DigestOptions, lang: Language
) -> tuple[str, ...]:
    """Return the ``n`` best sentences of one article alone, in text order."""
    return _summary(clean_articles([article], settings=settings, lang=lang), n, settings, lang)


def _summary(
    items: Sequence[Item], n: int, settings: DigestOptions, lang: Language
) -> tuple[str, ...]:
    sentences = [s.text for item in items for s in item.sentences]
    # Only a real headline helps the scorer; a title made from the first sentence repeats it.
    title = items[0].source.title if items and items[0].headline else ""
    scores = score_sentences(sentences, title=title, stopwords=lang.stopwords)
    chosen = select_sentences(
        sentences,
        scores,
        n=n,
        min_chars=settings.min_sentence_chars,
        max_chars=settings.max_sentence_chars,
    )
    if not chosen and sentences:
        # Every sentence is too short (a brief note): take them rather than saying nothing.
        # Overlong ones stay out: extracts are never longer than max_sentence_chars.
        chosen = select_sentences(sentences, scores, n=n, max_chars=settings.max_sentence_chars)
    return tuple(sentences[i] for i in chosen)


def article_figures(
    article: Article, *, settings: DigestOptions, lang: Language
) -> tuple[Figure, ...]:
    """Return the key figures of one article, those of its best sentences first."""
    items = clean_articles([article], settings=settings, lang=lang)
    figures = [
        figure
        for item in items
        for sentence in item.sentences
        for figure in extract_figures(
            sentence.text,
            source=sentence.source,
            lang=lang,
            source_label=figure_source_label(item.source),
        )
    ]
    return reconcile_figures(figures, key_sentences=frozenset(_summary(items, 3, settings, lang)))
