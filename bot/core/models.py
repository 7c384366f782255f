"""Core values: articles in, items and sentences in the middle, stories and digests out.

Every value is frozen and holds tuples, so a digest can be shared between the renderer, the
store and the bot without copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

#: The host of a URL (``https://www.zeit.de/…`` -> ``www.zeit.de``), without user or port.
_HOST_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]+)")
#: Host prefixes that name no outlet (``www.zeit.de`` and ``m.zeit.de`` are ``zeit.de``).
_HOST_PREFIXES = ("www.", "m.", "mobil.", "mobile.", "amp.")
#: A label made from a title is cut at a word boundary before this many characters: long
#: enough to recognise the article (``Die Verteidigungsminister reden miteinander``), short
#: enough to stand inline after a sentence.
LABEL_MAX_CHARS = 48


def url_domain(url: str | None) -> str | None:
    """Return the site's domain of ``url`` (``zeit.de``), or None if it has none."""
    match = _HOST_RE.match(url or "")
    if match is None:
        return None
    host = match.group(1).lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    return host if "." in host else None


def short_title(title: str) -> str:
    """Return ``title`` cut at a word boundary to at most ``LABEL_MAX_CHARS`` (with ``…``)."""
    text = " ".join(title.split()).rstrip(" …")
    if len(text) <= LABEL_MAX_CHARS:
        return text
    cut = text[: LABEL_MAX_CHARS - 2].rsplit(" ", 1)[0]
    return cut.rstrip(",;:–- ") + " …"


@dataclass(frozen=True, slots=True)
class Article:
    """One input article as read by an adapter, before any cleaning.

    Attributes:
        id: Stable identifier (file stem, JSON ``id``).
        text: The raw text as given (scraped clutter included).
        title: Title from metadata; empty when the title must be found in the text.
        url: Link to the original, where known.
        outlet: Publishing outlet from metadata, where known.
        published: Publication time from metadata (aware), where known.
        paywalled: The page declares part of itself not free; ``text`` is the visible part.
    """

    id: str
    text: str
    title: str = ""
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    paywalled: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence as a character range: ``text[start:end]`` is the sentence."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Source:
    """Where an item comes from, as shown by ``/quelle``.

    Attributes:
        id: The article id (ticker entries keep the id of their ticker).
        title: The article's or ticker entry's title.
        outlet: Outlet where known (metadata, program note, ticker name); never guessed.
        agency: News agency tag such as ``dpa``, where the text carries one.
        url: Link to the original, where known.
        published: Publication time, where known with its date.
        time_label: The time as the page wrote it (``14. März, 18.24 Uhr``), where there is one.
        credits: Photo credits removed from the text (``Efrem Lukatsky/AP/dpa``).
        paywalled: The article is behind a paywall: only its freely visible part was read.
    """

    id: str
    title: str
    outlet: str | None = None
    agency: str | None = None
    url: str | None = None
    published: datetime | None = None
    time_label: str | None = None
    credits: tuple[str, ...] = ()
    paywalled: bool = False

    @property
    def name(self) -> str:
        """The name a reader sees for this source, never an internal id.

        The outlet, else the site's domain, else the news agency whose copy it is, else the
        article's short title; the id only when there is nothing else (no title at all).
        """
        return (
            self.outlet
            or url_domain(self.url)
            or self.agency
            or short_title(self.title)
            or self.id
        )

    @property
    def named_by_title(self) -> bool:
        """True when ``name`` is the short title (no outlet, domain or agency is known)."""
        return not (self.outlet or url_domain(self.url) or self.agency)

    @property
    def short_name(self) -> str:
        """The name for inline credits (the same as ``name``: there is no shorter true one)."""
        return self.name


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a cleaned item.

    Attributes:
        text: The sentence, verbatim from the item text with whitespace normalised.
        source: The article id it comes from.
        item: The id of the item (article or ticker entry) it comes from.
        index: Position of the sentence within its item, from 0.
    """

    text: str
    source: str
    item: str
    index: int


@dataclass(frozen=True, slots=True)
class Item:
    """An article or one live-ticker entry after cleaning: the unit that stories group.

    Attributes:
        id: Article id, or ``<article id>#<n>`` for the n-th entry of a ticker.
        source: Where it comes from.
        text: The cleaned body text; paragraphs separated by blank lines.
        sentences: The body's sentences, in text order.
        headings: Subheadings removed from the body (kept for grouping, never summarised).
        headline: True if the title is a headline from the page, False if it was made from
            the first sentence.
    """

    id: str
    source: Source
    text: str
    sentences: tuple[Sentence, ...]
    headings: tuple[str, ...] = ()
    headline: bool = False


@dataclass(frozen=True, slots=True)
class Figure:
    """A key figure found in a sentence.

    Attributes:
        value: The normalised number (``1.000`` -> 1000, ``2,5 Millionen`` -> 2500000); for a
            range its low end.
        text: The figure exactly as written in ``sentence`` (qualifier and unit included).
        label: What it counts, as the noun phrase in the sentence (``Kriegsgefangene``).
        sentence: The sentence it stands in.
        source: The article id of that sentence.
        unit: Unit or currency (``Prozent``, ``Euro``, ``Quadratmeter``, ``Tage``), if any.
        qualifier: ``mehr als``, ``mindestens``, ``rund``, ``jeweils`` and the like, if any.
        value_high: The high end of a range (``20 bis 30`` -> 30), else None.
        start: Offset of ``text`` in ``sentence``.
        confirmed_by: Other article ids reporting the same value for the same thing.
        disputed_by: Figures from other sources giving another value for the same thing.
        source_label: The readable name of ``source`` (outlet, domain or short title).
        hedge: Who the sentence says gives the figure (``laut Gewerkschaften``), if anyone.
        confirmed_labels: The readable names of ``confirmed_by``, in the same order.
    """

    value: float
    text: str
    label: str
    sentence: str
    source: str
    unit: str | None = None
    qualifier: str | None = None
    value_high: float | None = None
    start: int = 0
    confirmed_by: tuple[str, ...] = ()
    disputed_by: tuple[Figure, ...] = ()
    source_label: str = ""
    hedge: str | None = None
    confirmed_labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StorySentence:
    """A sentence chosen for a story, with every source that says the same.

    Attributes:
        text: The sentence, verbatim from ``source``.
        source: The article id it is taken from.
        confirmed_by: Other article ids with a near-identical sentence.
    """

    text: str
    source: str
    confirmed_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Continuation:
    """The earlier story an update continues, as an earlier edition posted it.

    Attributes:
        title: Its headline, as the reader saw it.
        digest: The id of the digest that posted it.
        number: Its number in that digest (1-based, as ``/quelle N`` counts).
        posted: When that digest was made, where known.
        sources: The sources of every earlier story the update continues, in order of
            first report (``/quelle`` lists them with the update's own).
    """

    title: str
    digest: int
    number: int
    posted: datetime | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    """Items about one event, and the sentences and figures that carry it.

    Attributes:
        title: Headline of the story (the title of its leading item).
        sentences: The chosen sentences, 1 to ``sentences_per_story``.
        sources: The story's sources in order of first report.
        figures: Key figures, most important first.
        items: Ids of the grouped items.
        weight: The score the stories are ordered by (higher first).
        continues: For an update, the earlier story it continues (``bot.core.editions``);
            its sentences are then only those that add to what was posted.
    """

    title: str
    sentences: tuple[StorySentence, ...]
    sources: tuple[Source, ...]
    figures: tuple[Figure, ...] = ()
    items: tuple[str, ...] = ()
    weight: float = 0.0
    continues: Continuation | None = None


@dataclass(frozen=True, slots=True)
class Digest:
    """The stories of one digest, most important first."""

    stories: tuple[Story, ...]
    created: datetime | None = None
    items: tuple[str, ...] = field(default=())
