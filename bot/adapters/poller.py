"""Polling the configured feeds: new entries' pages fetched, extracted and stored once.

One round polls every feed that is due, all at once (the fetcher bounds requests overall and
per host), so a slow or broken feed never holds up the others: each feed's failure is caught
here, recorded, and answered with a longer pause (doubling, capped at ``fetch.max_backoff``).
After ``fetch.notice_after_failures`` failures in a row, or ``fetch.notice_after_hours``
without success, the admins get one notice, and one when the feed works again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from bot.adapters.feeds import Entry, Feed, feed_site, parse_feed
from bot.adapters.fetch import MAX_WAIT_SECONDS, Fetched, Fetcher, StatusError, page_from_bytes
from bot.adapters.options import FeedSettings, FetchSettings
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from bot.core.models import Article
from bot.core.urls import article_id, content_hash, identity_keys
from bot.errors import FetchError, ParseError

logger = logging.getLogger(__name__)

# A teaser shorter than this is no article text: an entry whose page cannot be fetched is
# then skipped rather than stored as a headline alone (one full German news sentence with
# who and what, as a teaser is, rarely has fewer than 80 characters).
MIN_TEASER_CHARS = 80


@dataclass(frozen=True, slots=True)
class FeedReport:
    """What polling one feed gave.

    Attributes:
        url: The feed as configured.
        state: ``new`` (new or changed articles stored), ``unchanged``, ``error``, or
            ``waiting`` (not due: backing off or still fresh).
        new: Articles stored for the first time.
        updated: Articles whose text changed before they were shown.
        entries: Entries in the feed (0 for 304).
        reason: The error's one line, or pages that could not be read.
        left: New entries beyond ``fetch.pages_per_poll``, fetched at the next poll.
    """

    url: str
    state: Literal["new", "unchanged", "error", "waiting"]
    new: int = 0
    updated: int = 0
    entries: int = 0
    reason: str = ""
    left: int = 0


@dataclass(frozen=True, slots=True)
class _Fetched:
    article: Article
    keys: tuple[str, ...]
    stamp: str
    paywalled: bool


class FeedPoller:
    """Poll feeds into the storage and tell the admins about failing ones.

    Args:
        fetcher: Fetches within the ``[fetch]`` limits.
        storage: Where articles, feed health and identity keys are kept.
        feeds: The configured feeds.
        renderer: Renders the admins' notices (macros of ``templates/replies.html``).
        admins: Who gets the notices (``bot.admins``); none on the command line.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        storage: Storage,
        *,
        feeds: Sequence[FeedSettings],
        renderer: Renderer | None = None,
        admins: Sequence[int] = (),
    ) -> None:
        self._fetcher = fetcher
        self._storage = storage
        self._feeds = tuple(feeds)
        self._renderer = renderer
        self._admins = tuple(admins)
        self.notices = 0
        # Articles a feed of the running round fetches: another feed carrying the same
        # article leaves it to that one (feeds are polled at once; asyncio makes the check
        # and the claim one step).
        self._claimed: set[str] = set()

    @property
    def _settings(self) -> FetchSettings:
        return self._fetcher.settings

    async def poll(self, *, now: datetime, force: bool = False) -> tuple[FeedReport, ...]:
        """Poll every due feed (every feed with ``force``); one report per feed, in order."""
        try:
            return tuple(
                await asyncio.gather(
                    *(self._poll_feed(feed, now=now, force=force) for feed in self._feeds)
                )
            )
        finally:
            self._claimed.clear()

    async def _poll_feed(self, feed: FeedSettings, *, now: datetime, force: bool) -> FeedReport:
        state = self._storage.feed_state(feed.url, now=now)
        if not force and state.next_poll > now.timestamp():
            return FeedReport(url=feed.url, state="waiting")
        try:
            fetched = await self._fetcher.get(
                state.fetch_url or feed.url, etag=state.etag, last_modified=state.last_modified
            )
            if fetched.status == 304:
                self._succeeded(feed, fetched, now=now, items=None)
                return FeedReport(url=feed.url, state="unchanged")
            parsed = await asyncio.to_thread(
                parse_feed, fetched.body, url=fetched.url, content_type=fetched.content_type
            )
        except (FetchError, ParseError) as err:
            return self._failed(feed, err, now=now)
        report = await self._store_entries(feed, parsed, now=now)
        if report.left:  # asked again in full next time, not answered 304 with entries unread
            fetched = replace(fetched, etag=None, last_modified=None, fresh_for=None)
        self._succeeded(feed, fetched, now=now, items=len(parsed.entries))
        return report

    def _succeeded(
        self, feed: FeedSettings, fetched: Fetched, *, now: datetime, items: int | None
    ) -> None:
        wait = min(max(self._settings.poll_interval, fetched.fresh_for or 0), MAX_WAIT_SECONDS)
        before = self._storage.feed_state(feed.url, now=now)
        self._storage.record_feed_success(
            feed.url,
            now=now,
            next_poll=now.timestamp() + wait,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            fetch_url=fetched.moved_to,
            items=items,
        )
        if fetched.moved_to:
            logger.info("Feed %s moved permanently to %s", feed.url, fetched.moved_to)
        if before.noticed:
            self._storage.set_feed_noticed(feed.url, noticed=False)
            self._notify("recovered", feed.url, failures=before.failures, error="", now=now)

    def _failed(
        self, feed: FeedSettings, err: FetchError | ParseError, *, now: datetime
    ) -> FeedReport:
        reason = str(err)
        before = self._storage.feed_state(feed.url, now=now)
        failures = before.failures + 1
        wait = min(
            self._settings.poll_interval * 2 ** min(failures - 1, 20), self._settings.max_backoff
        )
        if isinstance(err, StatusError) and err.retry_after:
            wait = max(wait, err.retry_after)
        state = self._storage.record_feed_failure(
            feed.url, now=now, error=reason, next_poll=now.timestamp() + wait
        )
        logger.warning("Feed failed (%d in a row, next try in %d s): %s", failures, wait, reason)
        good = state.last_success or state.since
        too_long = now - good >= timedelta(hours=self._settings.notice_after_hours)
        if not state.noticed and (
            state.failures >= self._settings.notice_after_failures or too_long
        ):
            self._storage.set_feed_noticed(feed.url, noticed=True)
            self._notify("failing", feed.url, failures=state.failures, error=reason, now=now)
        return FeedReport(url=feed.url, state="error", reason=reason)

    def _notify(self, kind: str, url: str, *, failures: int, error: str, now: datetime) -> None:
        if self._renderer is None or not self._admins:
            return
        if kind == "failing":
            text = self._renderer.reply("feed_failing", url=url, failures=failures, error=error)
        else:
            text = self._renderer.reply("feed_recovered", url=url)
        with self._storage.transaction():
            for admin in self._admins:
                self._storage.enqueue_notice(str(admin), kind="private", text=text, now=now)
        self.notices += 1

    async def _store_entries(
        self, feed: FeedSettings, parsed: Feed, *, now: datetime
    ) -> FeedReport:
        todo: list[tuple[Entry, tuple[str, ...]]] = []
        for entry in parsed.entries:
            keys = identity_keys(url=entry.url, guid=entry.guid)
            if not keys:
                continue
            known = self._storage.known_article(keys)
            if known is not None and (known.stamp == entry.stamp or known.shown):
                self._storage.add_article_keys(known.id, keys)
                continue
            if keys[0] in self._claimed:
                continue
            self._claimed.add(keys[0])
            todo.append((entry, keys))
        budget = self._settings.pages_per_poll
        outlet = feed.outlet or None
        results = await asyncio.gather(
            *(
                fetch_entry(self._fetcher, entry, keys, outlet=outlet, feed=parsed, url=feed.url)
                for entry, keys in todo[:budget]
            )
        )
        new = updated = 0
        failed: list[str] = []
        for result in results:
            if isinstance(result, str):
                failed.append(result)
                continue
            stored = self._storage.store_web_article(
                result.article,
                keys=result.keys,
                content_hash=content_hash(result.article.title, result.article.text),
                stamp=result.stamp,
                paywalled=result.paywalled,
                now=now,
            )
            new += stored == "new"
            updated += stored == "updated"
        reason = f"{len(failed)} pages unreadable: {failed[0]}" if failed else ""
        state: Literal["new", "unchanged"] = "new" if new or updated else "unchanged"
        return FeedReport(
            url=feed.url,
            state=state,
            new=new,
            updated=updated,
            entries=len(parsed.entries),
            reason=reason,
            left=max(0, len(todo) - budget),
        )


async def fetch_entry(
    fetcher: Fetcher,
    entry: Entry,
    keys: tuple[str, ...],
    *,
    outlet: str | None,
    feed: Feed,
    url: str,
) -> _Fetched | str:
    """Fetch and extract an entry's page; its teaser when the page fails; else say why not.

    Args:
        fetcher: The fetcher.
        entry: The feed entry.
        keys: Its identity keys (:func:`bot.core.urls.identity_keys`).
        outlet: The outlet configured for the feed, if any.
        feed: The parsed feed (its title names the outlet of a teaser-only article).
        url: The feed's URL.
    """
    paywalled = False
    article: Article | None = None
    reason = "no link"
    if entry.url:
        try:
            fetched = await fetcher.get(entry.url, html_only=True)
            article, page = await asyncio.to_thread(
                page_from_bytes, fetched, url=entry.url, outlet=outlet, guid=entry.guid
            )
            paywalled = page.paywalled
        except (FetchError, ParseError) as err:
            reason = str(err)
            logger.info("Page of a feed entry unreadable, teaser used if any: %s", err)
    if article is None:
        if len(entry.summary) < MIN_TEASER_CHARS:
            return reason
        article = Article(
            id=article_id(keys),
            text=entry.summary,
            title=entry.title,
            url=entry.url,
            outlet=outlet or feed.title or feed_site(url),
        )
    article = Article(
        id=article_id(keys),
        text=article.text,
        title=article.title or entry.title,
        url=article.url,
        outlet=article.outlet,
        published=article.published or entry.published,
        paywalled=paywalled,
    )
    return _Fetched(article=article, keys=keys, stamp=entry.stamp, paywalled=paywalled)


def _is_page(fetched: Fetched) -> bool:
    media = fetched.content_type.split(";")[0].strip().lower()
    head = fetched.body[:512].lstrip().lower()
    return media in {"text/html", "application/xhtml+xml"} and not head.startswith(
        (b"<?xml", b"<rss", b"<feed", b"<rdf")
    )


async def read_url(fetcher: Fetcher, url: str, *, limit: int) -> tuple[list[Article], list[str]]:
    """Read a URL typed on the command line: a page is one article, a feed its entries' pages.

    Returns:
        The articles, and one line per problem (the feed's, or a page's of the feed).
    """
    try:
        fetched = await fetcher.get(url)
        if _is_page(fetched):
            article, _ = await asyncio.to_thread(page_from_bytes, fetched, url=url)
            return [article], []
        parsed = await asyncio.to_thread(
            parse_feed, fetched.body, url=fetched.url, content_type=fetched.content_type
        )
    except (FetchError, ParseError) as err:
        return [], [str(err)]
    keyed = [(e, identity_keys(url=e.url, guid=e.guid)) for e in parsed.entries[:limit]]
    results = await asyncio.gather(
        *(fetch_entry(fetcher, e, k, outlet=None, feed=parsed, url=url) for e, k in keyed if k)
    )
    articles = [r.article for r in results if not isinstance(r, str)]
    errors = [f"{url}: entry skipped: {r}" for r in results if isinstance(r, str)]
    return articles, errors
