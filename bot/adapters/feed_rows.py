"""Feed rows: per-feed HTTP state and health, and the identity of articles from the web.

Polling and its decisions are in ``bot.adapters.poller``; this module only stores. An article
from a feed is known by its keys (normalised URL, guid): the same article in two feeds, or
twice in one, is one row of ``articles``; a changed text replaces the stored one only while
the article has not been in a digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.adapters.database import Database
from bot.core.models import Article

#: What storing a fetched article did.
Stored = Literal["new", "updated", "unchanged", "shown"]


@dataclass(frozen=True, slots=True)
class FeedState:
    """A feed's HTTP state and health.

    Attributes:
        url: The feed as configured.
        fetch_url: Where a permanent redirect pointed (polled instead of ``url``), or None.
        etag: ``ETag`` of the last answer, for ``If-None-Match``.
        last_modified: ``Last-Modified`` of the last answer, for ``If-Modified-Since``.
        since: First poll.
        last_success: Last good answer (200 or 304), or None.
        last_error: The last failure's one-line reason, or None.
        last_error_at: When it failed last.
        failures: Consecutive failures.
        items_seen: Entries in the last good feed.
        next_poll: Unix seconds before which the feed is not polled again.
        noticed: The admins were told it fails (and get told when it recovers).
    """

    url: str
    fetch_url: str | None
    etag: str | None
    last_modified: str | None
    since: datetime
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    failures: int
    items_seen: int
    next_poll: float
    noticed: bool


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """An article already stored under one of an entry's keys."""

    id: str
    hash: str
    stamp: str
    shown: bool


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _state(row: Any) -> FeedState:
    return FeedState(
        url=row["url"],
        fetch_url=row["fetch_url"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        since=datetime.fromisoformat(row["since"]),
        last_success=_time(row["last_success"]),
        last_error=row["last_error"],
        last_error_at=_time(row["last_error_at"]),
        failures=int(row["failures"]),
        items_seen=int(row["items_seen"]),
        next_poll=float(row["next_poll"]),
        noticed=bool(row["noticed"]),
    )


class FeedRows(Database):
    """The feed part of the storage (see :class:`bot.adapters.storage.Storage`)."""

    def feed_state(self, url: str, *, now: datetime) -> FeedState:
        """Return a feed's state, created on first use."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO feed_state (url, since) VALUES (?, ?) ON CONFLICT (url) DO NOTHING",
                (url, now.isoformat()),
            )
            row = db.execute("SELECT * FROM feed_state WHERE url = ?", (url,)).fetchone()
        return _state(row)

    def feed_states(self) -> tuple[FeedState, ...]:
        """Return every feed polled so far, by URL."""
        rows = self._db.execute("SELECT * FROM feed_state ORDER BY url").fetchall()
        return tuple(_state(r) for r in rows)

    def record_feed_success(
        self,
        url: str,
        *,
        now: datetime,
        next_poll: float,
        etag: str | None,
        last_modified: str | None,
        fetch_url: str | None,
        items: int | None,
    ) -> None:
        """Record a good answer: failures reset, HTTP state kept for the next poll."""
        with self._transaction() as db:
            db.execute(
                "UPDATE feed_state SET last_success = ?, failures = 0, next_poll = ?,"
                " etag = ?, last_modified = ?, fetch_url = COALESCE(?, fetch_url),"
                " items_seen = COALESCE(?, items_seen) WHERE url = ?",
                (now.isoformat(), next_poll, etag, last_modified, fetch_url, items, url),
            )

    def record_feed_failure(
        self, url: str, *, now: datetime, error: str, next_poll: float
    ) -> FeedState:
        """Record a failure and return the feed's state after it."""
        with self._transaction() as db:
            db.execute(
                "UPDATE feed_state SET failures = failures + 1, last_error = ?,"
                " last_error_at = ?, next_poll = ? WHERE url = ?",
                (error, now.isoformat(), next_poll, url),
            )
            row = db.execute("SELECT * FROM feed_state WHERE url = ?", (url,)).fetchone()
        return _state(row)

    def set_feed_noticed(self, url: str, *, noticed: bool) -> None:
        """Remember whether the admins were told that the feed fails."""
        with self._transaction() as db:
            db.execute("UPDATE feed_state SET noticed = ? WHERE url = ?", (int(noticed), url))

    def known_article(self, keys: tuple[str, ...]) -> KnownArticle | None:
        """Return the stored article under the first of ``keys`` that is known, else None."""
        for key in keys:
            row = self._db.execute(
                "SELECT k.article_id, h.hash, h.stamp, a.digest_id FROM article_keys k"
                " JOIN articles a ON a.id = k.article_id"
                " LEFT JOIN article_hashes h ON h.article_id = k.article_id WHERE k.key = ?",
                (key,),
            ).fetchone()
            if row is not None:
                return KnownArticle(
                    id=row[0], hash=row[1] or "", stamp=row[2] or "", shown=row[3] is not None
                )
        return None

    def add_article_keys(self, article_id: str, keys: tuple[str, ...]) -> None:
        """Know an article under more keys (another feed's link or guid)."""
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO article_keys (key, article_id) VALUES (?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                [(key, article_id) for key in keys],
            )

    def store_web_article(
        self,
        article: Article,
        *,
        keys: tuple[str, ...],
        content_hash: str,
        stamp: str,
        paywalled: bool,
        now: datetime,
    ) -> Stored:
        """Store a fetched article once: new, updated while unshown, or left as it is.

        An article already in a digest keeps its stored text ("shown"): a changed text is
        then news of its own, which the digest decides about, not the store.
        """
        with self._transaction() as db:
            known = self.known_article(keys)
            if known is None:
                cursor = db.execute(
                    "INSERT INTO articles"
                    " (id, title, url, outlet, published, text, added, added_at, paywalled)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    (
                        article.id,
                        article.title,
                        article.url,
                        article.outlet,
                        article.published.isoformat() if article.published else None,
                        article.text,
                        now.isoformat(),
                        now.timestamp(),
                        int(paywalled or article.paywalled),
                    ),
                )
                target, result = article.id, "new" if cursor.rowcount else "unchanged"
            elif known.hash == content_hash:
                target, result = known.id, "unchanged"
            elif known.shown:
                target, result = known.id, "shown"
            else:
                db.execute(
                    "UPDATE articles SET title = ?, url = ?, outlet = ?, published = ?, text = ?,"
                    " paywalled = ? WHERE id = ? AND digest_id IS NULL",
                    (
                        article.title,
                        article.url,
                        article.outlet,
                        article.published.isoformat() if article.published else None,
                        article.text,
                        int(paywalled or article.paywalled),
                        known.id,
                    ),
                )
                target, result = known.id, "updated"
            self.add_article_keys(target, keys)
            if result in {"new", "updated"}:
                db.execute(
                    "INSERT INTO article_hashes (article_id, hash, stamp, paywalled)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE"
                    " SET hash = excluded.hash, stamp = excluded.stamp,"
                    " paywalled = excluded.paywalled",
                    (target, content_hash, stamp, int(paywalled)),
                )
            else:
                db.execute(
                    "UPDATE article_hashes SET stamp = ? WHERE article_id = ?", (stamp, target)
                )
        return result  # type: ignore[return-value]
