"""Feeds: RSS 0.9x/2.0, RDF (RSS 1.0) and Atom with feedparser, JSON Feed with a reader of ours.

feedparser parses bytes we fetched ourselves (it never fetches): it is the best-kept and
sanitising parser, and tolerates what outlets serve (a bare ``&``, ``&nbsp;`` in XML, bytes
that are not in the declared encoding). Its release does not read JSON Feed; that format is
one JSON object with a documented list of items (jsonfeed.org/version/1.1), which the
standard library's ``json`` reads in 40 lines, so we read it ourselves rather than add a
second feed library for it.

A feed that is an HTML page (a bot check, a login wall) or has no entries is an error for that
feed (:class:`~bot.errors.ParseError`), never an empty success.

CPU-bound: the bot calls :func:`parse_feed` in a worker thread, never in the event loop.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import html as lxml_html

from bot.errors import ParseError

_JSON_TYPES = ("application/feed+json", "application/json")
_JSON_FEED_VERSION = "https://jsonfeed.org/version/"
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.I | re.S)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a feed.

    Attributes:
        guid: The entry's id (RSS ``guid``, Atom ``id``, JSON Feed ``id``), where given.
        url: The article's link, made absolute.
        title: The entry's title as plain text.
        summary: The teaser as plain text (HTML removed).
        published: Publication (else update) time, where given.
        stamp: The entry's update or publication time as written, to notice a changed entry.
    """

    guid: str | None
    url: str | None
    title: str
    summary: str
    published: datetime | None = None
    stamp: str = ""


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed: its title and entries (duplicates by guid or link removed)."""

    title: str
    entries: tuple[Entry, ...]


def _plain(markup: str | None) -> str:
    """Return HTML as plain text, whitespace squashed."""
    if not markup or not markup.strip():
        return ""
    if "<" not in markup and "&" not in markup:
        return _SPACE.sub(" ", markup).strip()
    try:
        text = lxml_html.fragment_fromstring(markup, create_parent="div").text_content()
    except (ValueError, lxml_html.etree.ParserError):
        text = markup
    return _SPACE.sub(" ", text).strip()


def _unique(entries: list[Entry]) -> tuple[Entry, ...]:
    seen: set[str] = set()
    kept = []
    for entry in entries:
        keys = {k for k in (entry.guid and "g:" + entry.guid, entry.url and "u:" + entry.url) if k}
        if keys & seen:
            continue
        seen |= keys
        kept.append(entry)
    return tuple(kept)


def _json_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_json_feed(body: bytes, *, url: str) -> Feed:
    """Read a JSON Feed (version 1 or 1.1).

    Raises:
        ParseError: Not JSON, not a JSON Feed, or no items.
    """
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ParseError(f"feed {url}: not valid JSON ({err.__class__.__name__})") from None
    if not isinstance(data, dict) or not _text(data.get("version")).startswith(_JSON_FEED_VERSION):
        raise ParseError(f"feed {url}: JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    entries = []
    base = _text(data.get("home_page_url")) or url
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        link = _text(item.get("url")) or _text(item.get("external_url"))
        raw_id = item.get("id")
        guid = str(raw_id).strip() if isinstance(raw_id, str | int) else ""
        summary = _text(item.get("summary")) or _text(item.get("content_text"))
        summary = summary or _plain(_text(item.get("content_html")))
        stamp = _text(item.get("date_modified")) or _text(item.get("date_published"))
        entries.append(
            Entry(
                guid=guid or None,
                url=urljoin(base, link) if link else None,
                title=_plain(_text(item.get("title"))),
                summary=summary,
                published=_json_time(item.get("date_published")),
                stamp=stamp,
            )
        )
    if not entries:
        raise ParseError(f"feed {url}: JSON Feed without items")
    return Feed(title=_text(data.get("title")), entries=_unique(entries))


def _entry_time(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = dict.get(entry, key)  # not entry.get: that maps updated to published, warning
        if value:
            year, month, day, hour, minute, second = value[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return None


def parse_feed(body: bytes, *, url: str, content_type: str = "") -> Feed:
    """Parse a feed's bytes as fetched: RSS, RDF, Atom or JSON Feed.

    Args:
        body: The bytes as served.
        url: The feed's URL (base of relative links).
        content_type: The ``Content-Type`` header as served (its charset is a hint).

    Raises:
        ParseError: An HTML page instead of a feed, not a feed at all, or no entries.
    """
    media = content_type.split(";")[0].strip().lower()
    if media in _JSON_TYPES or body.lstrip()[:1] == b"{":
        return parse_json_feed(body, url=url)
    if _HTML_START.match(body[:4096]):
        raise ParseError(
            f"feed {url}: the server sent an HTML page, not a feed (a bot check or login"
            " wall?); check the feed URL in a browser"
        )
    parsed = feedparser.parse(
        body,
        response_headers={
            "content-type": content_type or "application/xml",
            "content-location": url,
        },
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({reason})" if reason else ""
        raise ParseError(f"feed {url}: not an RSS, Atom or JSON feed{detail}")
    entries = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        entries.append(
            Entry(
                guid=(entry.get("id") or "").strip() or None,
                url=urljoin(url, link) if link else None,
                title=_plain(entry.get("title")),
                summary=_plain(entry.get("summary")),
                published=_entry_time(entry),
                stamp=dict.get(entry, "updated") or dict.get(entry, "published") or "",
            )
        )
    if not entries:
        raise ParseError(f"feed {url}: the feed has no entries")
    return Feed(title=_plain(parsed.feed.get("title")), entries=_unique(entries))


def feed_site(url: str) -> str:
    """Return the host of a feed's URL without ``www.`` (the outlet when nothing names one)."""
    return (urlsplit(url).hostname or "").removeprefix("www.")
