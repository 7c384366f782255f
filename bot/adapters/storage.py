"""Storage: articles, digests, subscriptions, disabled chats and the outbox.

On SQLite or PostgreSQL (``bot.adapters.database``), with the same queries.

Two invariants make "each article reaches each chat at most once" structural rather than a
matter of care:

* an article joins at most one digest (``articles.digest_id`` is set only while it is NULL);
* a digest is queued for a chat at most once (primary key of ``deliveries``).

Times are stored as ISO 8601 text with their offset; outbox due times as Unix seconds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.adapters.edition_rows import EditionPool, EditionRows
from bot.adapters.failure_rows import FailureRows
from bot.adapters.feed_rows import FeedRows
from bot.adapters.inbox_rows import InboxRows
from bot.adapters.outbox_rows import OutboxCounts, OutboxMessage, OutboxRows
from bot.adapters.serialize import digest_from_dict, digest_to_dict
from bot.core.models import Article, Digest

__all__ = [
    "Chat",
    "EditionPool",
    "OutboxCounts",
    "OutboxMessage",
    "Storage",
    "StoredDigest",
]


@dataclass(frozen=True, slots=True)
class StoredDigest:
    """A digest as stored: its id, kind and creation time, and the digest as posted."""

    id: int
    kind: str
    created: datetime
    digest: Digest


@dataclass(frozen=True, slots=True)
class Chat:
    """A subscribed or disabled chat."""

    chat: str
    kind: str
    title: str
    since: datetime


class Storage(OutboxRows, EditionRows, InboxRows, FeedRows, FailureRows):
    """The bot's database; one instance per process.

    Args:
        location: A SQLite file (it and its folder are created when missing) or a
            ``postgresql://`` URL.
    """

    # -- articles --------------------------------------------------------------------------

    def add_articles(self, articles: Sequence[Article], *, now: datetime) -> int:
        """Store articles not seen before (by id) as new; return how many were added."""
        with self._transaction() as db:
            cursor = db.executemany(
                "INSERT INTO articles"
                " (id, title, url, outlet, published, text, added, added_at, paywalled)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                [
                    (
                        a.id,
                        a.title,
                        a.url,
                        a.outlet,
                        a.published.isoformat() if a.published else None,
                        a.text,
                        now.isoformat(),
                        now.timestamp(),
                        int(a.paywalled),
                    )
                    for a in articles
                ],
            )
            return cursor.rowcount

    def article_digest(self, article_id: str) -> int | None:
        """Return the digest an article went into, or None while it is new or unknown."""
        row = self._db.execute("SELECT digest_id FROM articles WHERE id = ?", (article_id,))
        found = row.fetchone()
        return int(found[0]) if found and found[0] is not None else None

    # -- digests ---------------------------------------------------------------------------

    def save_digest(self, digest: Digest, *, kind: str, created: datetime) -> int:
        """Store a digest and mark the articles of its stories as no longer new.

        Args:
            digest: The digest, kept in its one serialised form
                (``bot.adapters.serialize.digest_to_dict`` as JSON); :meth:`digest` gives it
                back as it was posted.
            kind: ``digest`` for scheduled or /jetzt digests, ``push`` for admin posts.
            created: When it was made (aware).

        Returns:
            The new digest id.
        """
        data = json.dumps(digest_to_dict(digest), ensure_ascii=False)
        with self._transaction() as db:
            row = db.execute(
                "INSERT INTO digests (kind, created, data) VALUES (?, ?, ?) RETURNING id",
                (kind, created.isoformat(), data),
            ).fetchone()
            digest_id = int(row[0])
            article_ids = {s.id for story in digest.stories for s in story.sources}
            db.executemany(
                "UPDATE articles SET digest_id = ? WHERE id = ? AND digest_id IS NULL",
                [(digest_id, article_id) for article_id in sorted(article_ids)],
            )
        return digest_id

    def digest(self, digest_id: int) -> StoredDigest | None:
        """Return a stored digest, or None when there is no digest with that id."""
        row = self._db.execute("SELECT * FROM digests WHERE id = ?", (digest_id,)).fetchone()
        if row is None:
            return None
        return StoredDigest(
            id=row["id"],
            kind=row["kind"],
            created=datetime.fromisoformat(row["created"]),
            digest=digest_from_dict(json.loads(row["data"])),
        )

    def latest_digest_id(self, chat: str | None = None) -> int | None:
        """Return the newest digest sent to ``chat``, or without a chat the newest at all.

        None when there is none: the caller decides whether to fall back to the newest
        overall, and says so to the user.
        """
        if chat is not None:
            row = self._db.execute(
                "SELECT MAX(digest_id) FROM outbox WHERE chat = ? AND state = 'sent'", (chat,)
            ).fetchone()
        else:
            row = self._db.execute("SELECT MAX(id) FROM digests").fetchone()
        return int(row[0]) if row[0] is not None else None

    def digest_of_message(self, chat: str, message_id: int) -> int | None:
        """Return the digest a sent message belongs to, or None for any other message."""
        row = self._db.execute(
            "SELECT digest_id FROM outbox WHERE chat = ? AND message_id = ?", (chat, message_id)
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def article_count(self, digest_id: int) -> int:
        """Return how many articles went into a digest."""
        row = self._db.execute("SELECT COUNT(*) FROM articles WHERE digest_id = ?", (digest_id,))
        return int(row.fetchone()[0])

    # -- chats -----------------------------------------------------------------------------

    def subscribe(self, chat: str, *, kind: str, title: str, now: datetime) -> bool:
        """Subscribe a chat to digests (and enable it again); False if it already was."""
        with self._transaction() as db:
            db.execute("DELETE FROM disabled_chats WHERE chat = ?", (chat,))
            cursor = db.execute(
                "INSERT INTO subscriptions (chat, kind, title, added)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (chat) DO NOTHING",
                (chat, kind, title, now.isoformat()),
            )
            return cursor.rowcount > 0

    def unsubscribe(self, chat: str) -> bool:
        """End a chat's subscription and cancel its unsent digests; False if it had none.

        Messages already on their way (``sending``) are left alone: they may have reached
        Telegram. Cancelled messages keep their row with state ``cancelled``.
        """
        with self._transaction() as db:
            ended = db.execute("DELETE FROM subscriptions WHERE chat = ?", (chat,)).rowcount > 0
            if ended:
                db.execute(
                    "UPDATE outbox SET state = 'cancelled', error = 'unsubscribed'"
                    " WHERE chat = ? AND state = 'pending' AND digest_id IS NOT NULL",
                    (chat,),
                )
            return ended

    def subscriptions(self) -> tuple[Chat, ...]:
        """Return the subscribed chats, oldest first."""
        rows = self._db.execute("SELECT * FROM subscriptions ORDER BY added, chat").fetchall()
        return tuple(
            Chat(r["chat"], r["kind"], r["title"], datetime.fromisoformat(r["added"]))
            for r in rows
        )

    def disable_chat(self, chat: str, *, reason: str, now: datetime) -> bool:
        """Stop delivering to a chat, keeping its pending messages; False if it already was."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO disabled_chats (chat, reason, disabled) VALUES (?, ?, ?)"
                " ON CONFLICT (chat) DO NOTHING",
                (chat, reason, now.isoformat()),
            )
            return cursor.rowcount > 0

    def enable_chat(self, chat: str) -> bool:
        """Deliver to a disabled chat again, pending messages first; False if it was not."""
        with self._transaction() as db:
            return db.execute("DELETE FROM disabled_chats WHERE chat = ?", (chat,)).rowcount > 0

    def disabled_chats(self) -> tuple[Chat, ...]:
        """Return the disabled chats with the reason as title, oldest first."""
        rows = self._db.execute("SELECT * FROM disabled_chats ORDER BY disabled, chat")
        return tuple(
            Chat(r["chat"], "disabled", r["reason"], datetime.fromisoformat(r["disabled"]))
            for r in rows.fetchall()
        )
