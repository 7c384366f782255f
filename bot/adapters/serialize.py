"""JSON forms of core values: the command line's contract, and the store's digest column.

``digest_to_dict`` writes the documented contract (``{"stories": [{"title", "sentences",
"sources", "figures"}]}``) plus extra fields; ``digest_from_dict`` reads it back, so a stored
digest answers ``/quelle`` and ``/zahlen`` exactly as it was posted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.models import Continuation, Digest, Figure, Source, Story, StorySentence


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def figure_to_dict(figure: Figure) -> dict[str, Any]:
    """Return the JSON form of a figure (contract fields first).

    ``source`` is the outlet's readable label (``Source.name``); the article id is in
    ``source_id``, as ``confirmed_by`` holds ids and ``confirmed_by_labels`` their labels.
    """
    return {
        "value": _number(figure.value),
        "text": figure.text,
        "label": figure.label,
        "unit": figure.unit,
        "qualifier": figure.qualifier,
        "sentence": figure.sentence,
        "source": figure.source_label or figure.source,
        "source_id": figure.source,
        "hedge": figure.hedge,
        "value_high": None if figure.value_high is None else _number(figure.value_high),
        "start": figure.start,
        "confirmed_by": list(figure.confirmed_by),
        "confirmed_by_labels": list(figure.confirmed_labels),
        "disputed_by": [figure_to_dict(other) for other in figure.disputed_by],
    }


def figure_from_dict(data: dict[str, Any]) -> Figure:
    """Return the figure of a ``figure_to_dict`` form."""
    return Figure(
        value=data["value"],
        text=data["text"],
        label=data["label"],
        sentence=data["sentence"],
        source=data.get("source_id", data["source"]),
        # ``source`` repeats the id when there was no label (figures made without one).
        source_label=data["source"]
        if data.get("source_id", data["source"]) != data["source"]
        else "",
        hedge=data.get("hedge"),
        unit=data.get("unit"),
        qualifier=data.get("qualifier"),
        value_high=data.get("value_high"),
        start=data.get("start", 0),
        confirmed_by=tuple(data.get("confirmed_by", ())),
        confirmed_labels=tuple(data.get("confirmed_by_labels", ())),
        disputed_by=tuple(figure_from_dict(d) for d in data.get("disputed_by", ())),
    )


def source_to_dict(source: Source) -> dict[str, Any]:
    """Return the JSON form of a source."""
    return {
        "id": source.id,
        "title": source.title,
        "outlet": source.outlet,
        "url": source.url,
        "published": _time(source.published),
        "agency": source.agency,
        "time_label": source.time_label,
        "credits": list(source.credits),
        "paywalled": source.paywalled,
    }


def source_from_dict(data: dict[str, Any]) -> Source:
    """Return the source of a ``source_to_dict`` form."""
    return Source(
        id=data["id"],
        title=data.get("title", ""),
        outlet=data.get("outlet"),
        agency=data.get("agency"),
        url=data.get("url"),
        published=_parse_time(data.get("published")),
        time_label=data.get("time_label"),
        credits=tuple(data.get("credits", ())),
        paywalled=bool(data.get("paywalled", False)),
    )


def continuation_to_dict(continuation: Continuation) -> dict[str, Any]:
    """Return the JSON form of the earlier story an update continues."""
    return {
        "title": continuation.title,
        "digest": continuation.digest,
        "number": continuation.number,
        "posted": _time(continuation.posted),
        "sources": [source_to_dict(source) for source in continuation.sources],
    }


def continuation_from_dict(data: dict[str, Any]) -> Continuation:
    """Return the continuation of a ``continuation_to_dict`` form."""
    return Continuation(
        title=data["title"],
        digest=data["digest"],
        number=data["number"],
        posted=_parse_time(data.get("posted")),
        sources=tuple(source_from_dict(s) for s in data.get("sources", ())),
    )


def story_to_dict(story: Story) -> dict[str, Any]:
    """Return the JSON form of a story (``continues`` only for an update)."""
    extra = {"continues": continuation_to_dict(story.continues)} if story.continues else {}
    return {
        "title": story.title,
        "sentences": [
            {"text": s.text, "source": s.source, "confirmed_by": list(s.confirmed_by)}
            for s in story.sentences
        ],
        "sources": [source_to_dict(source) for source in story.sources],
        "figures": [figure_to_dict(figure) for figure in story.figures],
        "items": list(story.items),
        "weight": story.weight,
        **extra,
    }


def digest_to_dict(digest: Digest) -> dict[str, Any]:
    """Return the JSON form of a digest: the command line's contract plus extra fields."""
    return {
        "stories": [story_to_dict(story) for story in digest.stories],
        "created": _time(digest.created),
        "items": list(digest.items),
    }


def digest_from_dict(data: dict[str, Any]) -> Digest:
    """Return the digest of a ``digest_to_dict`` form."""
    return Digest(
        stories=tuple(
            Story(
                title=story["title"],
                sentences=tuple(
                    StorySentence(
                        text=s["text"],
                        source=s["source"],
                        confirmed_by=tuple(s.get("confirmed_by", ())),
                    )
                    for s in story["sentences"]
                ),
                sources=tuple(source_from_dict(s) for s in story["sources"]),
                figures=tuple(figure_from_dict(f) for f in story.get("figures", ())),
                items=tuple(story.get("items", ())),
                weight=story.get("weight", 0.0),
                continues=continuation_from_dict(story["continues"])
                if story.get("continues")
                else None,
            )
            for story in data["stories"]
        ),
        created=_parse_time(data.get("created")),
        items=tuple(data.get("items", ())),
    )
