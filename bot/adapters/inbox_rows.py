"""Inbox rows: which file versions were read, where each article came from, posted slots.

The reading itself is ``bot.adapters.files``; what to do with a file is
``bot.adapters.inbox``. This module only stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from bot.adapters.database import Database
from bot.adapters.edition_rows import article_from_row
from bot.core.models import Article


class InboxRows(Database):
    """Rows of the inbox: file marks, article origins, changed articles, digest slots."""

    def file_unchanged(self, path: str, *, mtime_ns: int, size: int) -> bool:
        """Tell whether an inbox file was already read in exactly this version."""
        row = self._db.execute(
            "SELECT 1 FROM ingested_files WHERE path = ? AND mtime_ns = ? AND size = ?",
            (path, mtime_ns, size),
        ).fetchone()
        return row is not None

    def mark_file(self, path: str, *, mtime_ns: int, size: int) -> None:
        """Remember that an inbox file was read in this version."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO ingested_files (path, mtime_ns, size) VALUES (?, ?, ?)"
                " ON CONFLICT (path) DO UPDATE"
                " SET mtime_ns = excluded.mtime_ns, size = excluded.size",
                (path, mtime_ns, size),
            )

    def stored_article(self, article_id: str) -> tuple[Article, bool] | None:
        """Return a stored article and whether it is still new (in no digest); None if unknown."""
        row = self._db.execute(
            "SELECT id, title, url, outlet, published, text, paywalled, digest_id"
            " FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return article_from_row(row), row["digest_id"] is None

    def replace_new_article(self, article: Article, *, now: datetime) -> bool:
        """Overwrite an article not yet shown with a changed version; False if it was shown."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE articles SET title = ?, url = ?, outlet = ?, published = ?, text = ?,"
                " added = ?, added_at = ?, paywalled = ? WHERE id = ? AND digest_id IS NULL",
                (
                    article.title,
                    article.url,
                    article.outlet,
                    article.published.isoformat() if article.published else None,
                    article.text,
                    now.isoformat(),
                    now.timestamp(),
                    int(article.paywalled),
                    article.id,
                ),
            )
            if cursor.rowcount:  # a changed article is fresh again, also when it was retired
                db.execute("DELETE FROM article_states WHERE article_id = ?", (article.id,))
            return cursor.rowcount > 0

    def article_origin(self, article_id: str) -> str | None:
        """Return the inbox file an article was stored from; None if not from the inbox."""
        row = self._db.execute(
            "SELECT path FROM inbox_articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def set_article_origin(self, article_id: str, path: str) -> None:
        """Remember the inbox file an article was stored from."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO inbox_articles (article_id, path) VALUES (?, ?)"
                " ON CONFLICT (article_id) DO UPDATE SET path = excluded.path",
                (article_id, path),
            )

    def posted_articles(self, *, after_digest: int) -> Iterator[tuple[int, str, str]]:
        """Yield (digest id, article id, text) of articles posted in digests after one."""
        rows = self._db.execute(
            "SELECT digest_id, id, text FROM articles WHERE digest_id > ? ORDER BY digest_id",
            (after_digest,),
        )
        for row in rows:
            yield int(row[0]), str(row[1]), str(row[2])

    def claim_slot(self, slot: str, *, now: datetime) -> bool:
        """Claim a scheduled digest time for posting; False if it was claimed before.

        The slot is the table's key, so of several instances at most one claims it; behind
        a leader fence (``fence_leader``) only the instance that still leads can.
        """
        fence, fenced = self._fenced()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO digest_slots (slot, claimed) SELECT ?, ?"
                f" WHERE 1 = 1{fence} ON CONFLICT (slot) DO NOTHING",
                (slot, now.isoformat(), *fenced),
            )
            return cursor.rowcount > 0

    def slot_claimed(self, slot: str) -> bool:
        """Whether a scheduled digest time was claimed (posted) already."""
        row = self._db.execute("SELECT 1 FROM digest_slots WHERE slot = ?", (slot,)).fetchone()
        return row is not None

    def release_slot(self, slot: str) -> None:
        """Give a claimed slot back (its digest could not be queued)."""
        with self._transaction() as db:
            db.execute("DELETE FROM digest_slots WHERE slot = ?", (slot,))
