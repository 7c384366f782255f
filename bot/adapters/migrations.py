"""The schema of the bot's database, versioned, for both backends.

Never edit an entry that has shipped: add one. Each backend has its own list because the DDL
differs (identity columns, ``DOUBLE PRECISION``, ``ALTER TABLE`` forms); the queries on top are
the same SQL (``bot.adapters.database``). Both lists end in the same tables and columns:
``tests/adapters/test_database.py`` compares them.

PostgreSQL support began with SQLite's version 7, so PostgreSQL's first entry is that
schema in one step and later entries mirror SQLite's one for one.
"""

from __future__ import annotations

#: SQLite: entry i migrates a file from ``PRAGMA user_version`` i to i + 1.
SQLITE_MIGRATIONS: tuple[str, ...] = (
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
    # Shared store (issue 13): articles carry the Unix seconds they were added, so the carry
    # time compares numbers on both backends (SQLite's julianday has no PostgreSQL twin).
    """
    ALTER TABLE articles ADD COLUMN added_at REAL NOT NULL DEFAULT 0;
    -- julianday counts days from -4713; its float is exact to the millisecond only.
    UPDATE articles SET added_at = round((julianday(added) - 2440587.5) * 86400.0, 3);
    CREATE INDEX articles_added ON articles(added_at);
    """,
)


#: PostgreSQL: entry i migrates a database from ``kurzlage_schema.version`` i to i + 1.
POSTGRES_MIGRATIONS: tuple[str, ...] = (
    # SQLite's versions 1 to 7 in one step.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE digests (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        kind TEXT NOT NULL,
        created TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        url TEXT,
        outlet TEXT,
        published TEXT,
        text TEXT NOT NULL,
        added TEXT NOT NULL,
        digest_id BIGINT REFERENCES digests(id),
        paywalled INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX articles_new ON articles(digest_id, added);
    CREATE TABLE subscriptions (
        chat TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, added TEXT NOT NULL
    );
    CREATE TABLE disabled_chats (
        chat TEXT PRIMARY KEY, reason TEXT NOT NULL, disabled TEXT NOT NULL
    );
    CREATE TABLE deliveries (
        digest_id BIGINT NOT NULL REFERENCES digests(id), chat TEXT NOT NULL,
        PRIMARY KEY (digest_id, chat)
    );
    CREATE TABLE outbox (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        digest_id BIGINT REFERENCES digests(id),
        chat TEXT NOT NULL,
        kind TEXT NOT NULL,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        markup TEXT,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before DOUBLE PRECISION NOT NULL DEFAULT 0,
        error TEXT,
        message_id BIGINT,
        created TEXT NOT NULL,
        sent TEXT,
        uncertain INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX outbox_state ON outbox(state, chat, id);
    CREATE INDEX outbox_message ON outbox(chat, message_id);
    CREATE TABLE ingested_files (
        path TEXT PRIMARY KEY, mtime_ns BIGINT NOT NULL, size BIGINT NOT NULL
    );
    CREATE TABLE article_states (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        considered DOUBLE PRECISION NOT NULL,
        retired DOUBLE PRECISION
    );
    CREATE INDEX article_states_retired ON article_states(retired);
    CREATE TABLE editions (
        digest_id BIGINT PRIMARY KEY REFERENCES digests(id),
        created DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX editions_created ON editions(created);
    CREATE TABLE inbox_articles (article_id TEXT PRIMARY KEY, path TEXT NOT NULL);
    CREATE TABLE digest_slots (slot TEXT PRIMARY KEY, claimed TEXT NOT NULL);
    CREATE TABLE feed_state (
        url TEXT PRIMARY KEY,
        fetch_url TEXT,
        etag TEXT,
        last_modified TEXT,
        since TEXT NOT NULL,
        last_success TEXT,
        last_error TEXT,
        last_error_at TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        items_seen INTEGER NOT NULL DEFAULT 0,
        next_poll DOUBLE PRECISION NOT NULL DEFAULT 0,
        noticed INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE article_keys (key TEXT PRIMARY KEY, article_id TEXT NOT NULL);
    CREATE INDEX article_keys_article ON article_keys(article_id);
    CREATE TABLE article_hashes (
        article_id TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        stamp TEXT NOT NULL DEFAULT '',
        paywalled INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE failures (
        kind TEXT PRIMARY KEY, since TEXT NOT NULL, last TEXT NOT NULL, detail TEXT NOT NULL
    );
    """,
    # SQLite's version 8: the Unix seconds an article was added.
    """
    ALTER TABLE articles ADD COLUMN added_at DOUBLE PRECISION NOT NULL DEFAULT 0;
    UPDATE articles SET added_at = EXTRACT(EPOCH FROM added::timestamptz);
    CREATE INDEX articles_added ON articles(added_at);
    """,
)
