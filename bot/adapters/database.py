"""The SQLite file under the bot's storage: connection, versioned schema, transactions.

One file in WAL mode, opened once per process. The schema version is ``PRAGMA user_version``;
:data:`MIGRATIONS` brings any older file up to date at open.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import ConfigError

logger = logging.getLogger(__name__)

# Each entry migrates the schema from version i to i + 1; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE digests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,             -- 'digest' or 'push'
        created TEXT NOT NULL,
        data TEXT NOT NULL              -- bot.adapters.serialize.digest_to_dict as JSON
    );
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        url TEXT,
        outlet TEXT,
        published TEXT,
        text TEXT NOT NULL,
        added TEXT NOT NULL,
        digest_id INTEGER REFERENCES digests(id)   -- NULL while the article is new
    );
    CREATE INDEX articles_new ON articles(digest_id, added);
    CREATE TABLE stories (
        digest_id INTEGER NOT NULL REFERENCES digests(id),
        number INTEGER NOT NULL,        -- 1-based, as /quelle N counts
        title TEXT NOT NULL,
        PRIMARY KEY (digest_id, number)
    );
    CREATE TABLE story_sentences (
        digest_id INTEGER NOT NULL, story INTEGER NOT NULL, position INTEGER NOT NULL,
        text TEXT NOT NULL, source TEXT NOT NULL,
        PRIMARY KEY (digest_id, story, position)
    );
    CREATE TABLE story_sources (
        digest_id INTEGER NOT NULL, story INTEGER NOT NULL, position INTEGER NOT NULL,
        article_id TEXT NOT NULL, title TEXT NOT NULL, outlet TEXT, url TEXT,
        PRIMARY KEY (digest_id, story, position)
    );
    CREATE TABLE story_figures (
        digest_id INTEGER NOT NULL, story INTEGER NOT NULL, position INTEGER NOT NULL,
        value REAL NOT NULL, text TEXT NOT NULL, label TEXT NOT NULL, source TEXT NOT NULL,
        PRIMARY KEY (digest_id, story, position)
    );
    CREATE TABLE subscriptions (
        chat TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, added TEXT NOT NULL
    );
    CREATE TABLE disabled_chats (
        chat TEXT PRIMARY KEY, reason TEXT NOT NULL, disabled TEXT NOT NULL
    );
    CREATE TABLE deliveries (
        digest_id INTEGER NOT NULL REFERENCES digests(id), chat TEXT NOT NULL,
        PRIMARY KEY (digest_id, chat)
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        digest_id INTEGER REFERENCES digests(id),  -- NULL for notices to admins
        chat TEXT NOT NULL,
        kind TEXT NOT NULL,             -- 'channel', 'group' or 'private': sets the pacing
        position INTEGER NOT NULL,      -- order within one chat's part of a digest
        text TEXT NOT NULL,
        markup TEXT,                    -- InlineKeyboardMarkup.to_dict() as JSON
        state TEXT NOT NULL DEFAULT 'pending',  -- pending, sending, sent, failed
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before REAL NOT NULL DEFAULT 0,
        error TEXT,
        message_id INTEGER,
        created TEXT NOT NULL,
        sent TEXT
    );
    CREATE INDEX outbox_state ON outbox(state, chat, id);
    CREATE INDEX outbox_message ON outbox(chat, message_id);
    CREATE TABLE ingested_files (
        path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL
    );
    """,
    # Editions over time (bot.core.editions): when an article was first considered and when
    # it was retired unshown; which digests were editions, for the stories they continue.
    """
    CREATE TABLE article_states (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        considered REAL NOT NULL,       -- Unix seconds of the first edition that considered it
        retired REAL                    -- Unix seconds it was retired unshown; NULL before
    );
    CREATE INDEX article_states_retired ON article_states(retired);
    CREATE TABLE editions (
        digest_id INTEGER PRIMARY KEY REFERENCES digests(id),
        created REAL NOT NULL           -- Unix seconds
    );
    CREATE INDEX editions_created ON editions(created);
    """,
    # The digest lives in one serialised form (digests.data); these row copies were written
    # on every save and never read.
    """
    DROP TABLE story_figures;
    DROP TABLE story_sources;
    DROP TABLE story_sentences;
    DROP TABLE stories;
    """,
    # Inbox and schedule (issue 12, items 2 and 5): which inbox file each article came from,
    # and the scheduled digest times already posted (each at most once, whoever fires it).
    """
    CREATE TABLE inbox_articles (
        article_id TEXT PRIMARY KEY,    -- an article stored from an inbox file
        path TEXT NOT NULL              -- that file; another file with the id is a collision
    );
    CREATE TABLE digest_slots (
        slot TEXT PRIMARY KEY,          -- a scheduled digest time, ISO 8601 with offset
        claimed TEXT NOT NULL
    );
    """,
    # Feeds (bot.adapters.feed_rows): health and HTTP state per configured feed, and the
    # identity of articles from the web (normalised URL and guid keys, content hash).
    """
    CREATE TABLE feed_state (
        url TEXT PRIMARY KEY,           -- as configured
        fetch_url TEXT,                 -- where a permanent redirect (301, 308) pointed
        etag TEXT,
        last_modified TEXT,
        since TEXT NOT NULL,            -- first poll
        last_success TEXT,
        last_error TEXT,
        last_error_at TEXT,
        failures INTEGER NOT NULL DEFAULT 0,   -- consecutive
        items_seen INTEGER NOT NULL DEFAULT 0, -- entries in the last good answer
        next_poll REAL NOT NULL DEFAULT 0,     -- Unix seconds
        noticed INTEGER NOT NULL DEFAULT 0     -- 1 while the admins know it is failing
    );
    CREATE TABLE article_keys (
        key TEXT PRIMARY KEY,           -- 'url:<normalised URL>' or 'guid:<guid>'
        article_id TEXT NOT NULL
    );
    CREATE INDEX article_keys_article ON article_keys(article_id);
    CREATE TABLE article_hashes (
        article_id TEXT PRIMARY KEY,
        hash TEXT NOT NULL,             -- bot.core.urls.content_hash of title and text
        stamp TEXT NOT NULL DEFAULT '', -- the feed entry's update time as written
        paywalled INTEGER NOT NULL DEFAULT 0
    );
    """,
    # Delivery: attempts that may have been posted (bot.adapters.outbox), and failures of
    # jobs by kind with since when they fail (bot.adapters.alerts, `kurzlage health`).
    """
    ALTER TABLE outbox ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE failures (
        kind TEXT PRIMARY KEY, since TEXT NOT NULL, last TEXT NOT NULL, detail TEXT NOT NULL
    );
    """,
    # Paywall: an article keeps its page's paywall flag, so the sources of an edition made
    # from stored articles are marked (taken over from what article_hashes recorded).
    """
    ALTER TABLE articles ADD COLUMN paywalled INTEGER NOT NULL DEFAULT 0;
    UPDATE articles SET paywalled = 1
        WHERE id IN (SELECT article_id FROM article_hashes WHERE paywalled = 1);
    """,
)


class Database:
    """The SQLite file: connection, schema migrations, transactions and a key-value table.

    Args:
        path: The database file; its folder is created when missing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._open(path)
        except (sqlite3.DatabaseError, OSError) as err:  # not SQLite, or not ours to write
            raise ConfigError(
                f"config: bot.database {path} cannot be opened as the bot's database ({err}); "
                "name a new file or a Kurzlage database"
            ) from None

    def _open(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are explicit (``_transaction``), so a crash never
        # leaves half of a digest or half of an enqueue behind.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable against process crashes in WAL mode (only power loss can lose the
        # last commits); FULL would fsync on every sent message.
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._depth = 0
        self._migrate()

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        for version in range(self.schema_version, len(MIGRATIONS)):
            logger.info("Migrating %s to schema version %d", self.path, version + 1)
            self._db.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[version]}; PRAGMA user_version = {version + 1};"
                " COMMIT;"
            )

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self._depth:
            self._depth += 1
            try:
                yield self._db
            finally:
                self._depth -= 1
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes so they are committed together or not at all."""
        with self._transaction():
            yield

    # -- meta ------------------------------------------------------------------------------

    def meta(self, key: str) -> str:
        """Return a stored value, or an empty string when it was never set."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else ""

    def set_meta(self, key: str, value: str) -> None:
        """Store a value under ``key``."""
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
