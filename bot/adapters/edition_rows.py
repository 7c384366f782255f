"""Edition rows: which articles an edition considers, which were retired unshown, and editions.

The rule is ``bot.core.editions``' (documented there and in ``config/kurzlage.toml``): an
edition considers every article not shown yet that is *fresh* (no edition considered it
before) or still within ``digest.carry_hours`` of being added; an article that was considered
and not shown by then is *retired* at the next edition and counted in ``/status``. An article
is shown at most once because ``articles.digest_id`` is set only while it is NULL
(``Storage.save_digest``).

Times used in comparisons are Unix seconds (``articles.added_at``; ``articles.added`` keeps
the same time as ISO 8601 text with its offset).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.adapters.database import Database
from bot.core.models import Article

# An article not shown and not retired: the join of every query below.
_UNSHOWN = (
    "FROM articles a LEFT JOIN article_states s ON s.article_id = a.id"
    " WHERE a.digest_id IS NULL AND s.retired IS NULL"
)


@dataclass(frozen=True, slots=True)
class EditionPool:
    """The articles an edition considers.

    Attributes:
        fresh: Articles no edition has considered yet (added since the previous one), oldest
            first. An edition is posted only when there is at least one.
        carried: Articles considered before, not shown, still within the carry time.
    """

    fresh: tuple[Article, ...]
    carried: tuple[Article, ...]

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every article the edition considers: the carried ones, then the fresh ones."""
        return (*self.carried, *self.fresh)


def article_from_row(row: Any) -> Article:
    """Return the article of a row of the ``articles`` table."""
    return Article(
        id=row["id"],
        text=row["text"],
        title=row["title"],
        url=row["url"],
        outlet=row["outlet"],
        published=datetime.fromisoformat(row["published"]) if row["published"] else None,
        paywalled=bool(row["paywalled"]),
    )


def _cutoff(now: datetime, carry_hours: int) -> float:
    return (now - timedelta(hours=carry_hours)).timestamp()


class EditionRows(Database):
    """The article states and editions of the bot's database (mixed into ``Storage``)."""

    def new_articles(self) -> tuple[Article, ...]:
        """Return the articles not shown in a digest and not retired, oldest first."""
        rows = self._db.execute(f"SELECT a.* {_UNSHOWN} ORDER BY a.added_at, a.id").fetchall()
        return tuple(article_from_row(r) for r in rows)

    def count_new_articles(self) -> int:
        """Return how many articles wait for a digest (not shown, not retired)."""
        row = self._db.execute(f"SELECT COUNT(*) {_UNSHOWN}")
        return int(row.fetchone()[0])

    def edition_pool(self, *, now: datetime, carry_hours: int) -> EditionPool:
        """Return the articles an edition at ``now`` considers: fresh ones and carried ones."""
        rows = self._db.execute(
            f"SELECT a.*, s.article_id AS seen {_UNSHOWN}"
            f" AND (s.article_id IS NULL OR a.added_at > ?) ORDER BY a.added_at, a.id",
            (_cutoff(now, carry_hours),),
        ).fetchall()
        return EditionPool(
            fresh=tuple(article_from_row(r) for r in rows if r["seen"] is None),
            carried=tuple(article_from_row(r) for r in rows if r["seen"] is not None),
        )

    def record_edition(
        self,
        digest_id: int | None,
        *,
        considered: Sequence[str],
        now: datetime,
        carry_hours: int,
    ) -> int:
        """Record an edition: what it considered, and retire what waited out the carry time.

        Call it after the digest is saved (its articles are shown then), in the same
        transaction.

        Args:
            digest_id: The edition's digest; None when it posted nothing.
            considered: Ids of the fresh articles it considered (their carry time runs from
                when they were added; each gets at least this one chance).
            now: The edition's time.
            carry_hours: ``digest.carry_hours``.

        Returns:
            How many articles were retired now.
        """
        stamp = now.timestamp()
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO article_states (article_id, considered) VALUES (?, ?)"
                " ON CONFLICT (article_id) DO NOTHING",
                [(article_id, stamp) for article_id in considered],
            )
            if digest_id is not None:
                db.execute(
                    "INSERT INTO editions (digest_id, created) VALUES (?, ?)", (digest_id, stamp)
                )
            cursor = db.execute(
                "UPDATE article_states SET retired = ? WHERE retired IS NULL AND article_id IN"
                " (SELECT a.id FROM articles a WHERE a.digest_id IS NULL"
                " AND a.added_at <= ?)",
                (stamp, _cutoff(now, carry_hours)),
            )
            return cursor.rowcount

    def recent_editions(self, *, since: datetime) -> tuple[int, ...]:
        """Return the digest ids of the editions posted at or after ``since``, oldest first."""
        rows = self._db.execute(
            "SELECT digest_id FROM editions WHERE created >= ? ORDER BY digest_id",
            (since.timestamp(),),
        )
        return tuple(int(r[0]) for r in rows.fetchall())

    def articles(self, ids: Sequence[str]) -> tuple[Article, ...]:
        """Return the stored articles with these ids, in the order given (unknown ids skipped)."""
        found: dict[str, Article] = {}
        wanted = list(dict.fromkeys(ids))
        # SQLite allows 999 parameters per statement in old builds: ask in chunks.
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT * FROM articles WHERE id IN ({marks})", chunk)
            found.update((r["id"], article_from_row(r)) for r in rows.fetchall())
        return tuple(found[i] for i in wanted if i in found)

    def count_retired_articles(self) -> int:
        """Return how many articles were retired unshown after their carry time."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM article_states s JOIN articles a ON a.id = s.article_id"
            " WHERE s.retired IS NOT NULL AND a.digest_id IS NULL"
        )
        return int(row.fetchone()[0])
