"""The database under the bot's storage: SQLite or PostgreSQL, one set of queries.

``bot.database`` names either a file (SQLite, the zero-setup default: one file in WAL mode,
opened once per process, schema version in ``PRAGMA user_version``) or a
``postgresql://`` URL (``bot.adapters.postgres``: the shared store of several instances, schema
version in ``kurzlage_schema``). :mod:`bot.adapters.migrations` brings either up to date at
open.

The storage's queries are the same SQL on both: ``?`` placeholders, ``INSERT … ON CONFLICT``,
``RETURNING``, times as ISO 8601 text or Unix seconds. What differs is said here once:
:attr:`Database.skip_locked` (row locks exist on PostgreSQL only) and the leader fence
(:meth:`Database.fence_leader`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import psycopg

from bot.adapters.migrations import POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS
from bot.adapters.postgres import Postgres
from bot.errors import ConfigError

logger = logging.getLogger(__name__)

#: SQLite's migrations (kept under this name for the tests that build old files).
MIGRATIONS = SQLITE_MIGRATIONS
#: What the storage raises when the database itself fails (locked, full, gone, cut off).
DATABASE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, psycopg.Error, OSError)
#: The URL schemes that name a PostgreSQL database rather than a file.
URL_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: str) -> bool:
    """Tell whether ``bot.database`` names a PostgreSQL server (else it is a SQLite file)."""
    return location.strip().lower().startswith(URL_SCHEMES)


class Cursor(Protocol):
    """What a statement gives on either backend."""

    @property
    def rowcount(self) -> int:
        """Rows the statement changed."""

    def fetchone(self) -> Any:
        """The next row (by position and by name), or None."""

    def fetchall(self) -> list[Any]:
        """The remaining rows."""

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """Runs statements: a ``sqlite3.Connection`` or a ``bot.adapters.postgres`` session."""

    def execute(self, statement: str, params: Sequence[Any] = ..., /) -> Cursor:
        """Run one statement."""

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]], /) -> Cursor:
        """Run one statement per parameter row."""


class Database:
    """The bot's database: connection, schema migrations, transactions, a key-value table.

    Args:
        location: A SQLite file (its folder is created when missing) or a
            ``postgresql://`` URL.

    Raises:
        ConfigError: The database cannot be opened or is not one this Kurzlage can use.
    """

    def __init__(self, location: str | os.PathLike[str]) -> None:
        text = os.fspath(location)
        self._depth = 0
        self._fence: tuple[int, int] | None = None
        self._postgres: Postgres | None = None
        self.path: Path | None = None
        if is_database_url(text):
            self.backend = "postgresql"
            self._postgres = Postgres(text.strip())
            return
        self.backend = "sqlite"
        self.path = path = Path(text)
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
        self._sqlite = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._sqlite.row_factory = sqlite3.Row
        self._sqlite.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable against process crashes in WAL mode (only power loss can lose the
        # last commits); FULL would fsync on every sent message.
        self._sqlite.execute("PRAGMA synchronous = NORMAL")
        self._sqlite.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    @property
    def _db(self) -> Connection:
        """Where a statement runs: the open transaction of this thread, else on its own."""
        if self._postgres is not None:
            return self._postgres
        return self._sqlite

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        if self._postgres is not None:
            return self._postgres.schema_version
        return int(self._sqlite.execute("PRAGMA user_version").fetchone()[0])

    @property
    def latest_version(self) -> int:
        """The schema version this Kurzlage writes."""
        return len(POSTGRES_MIGRATIONS if self._postgres is not None else SQLITE_MIGRATIONS)

    @property
    def skip_locked(self) -> str:
        """``FOR UPDATE SKIP LOCKED`` where rows can be locked (PostgreSQL), else nothing."""
        return " FOR UPDATE SKIP LOCKED" if self._postgres is not None else ""

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(SQLITE_MIGRATIONS):
            raise ConfigError(
                f"config: bot.database {self.path} has schema version {version}, newer than "
                f"this Kurzlage ({len(SQLITE_MIGRATIONS)}); update Kurzlage"
            )
        for step in range(version, len(SQLITE_MIGRATIONS)):
            logger.info("Migrating %s to schema version %d", self.path, step + 1)
            self._sqlite.executescript(
                f"BEGIN IMMEDIATE; {SQLITE_MIGRATIONS[step]}; PRAGMA user_version = {step + 1};"
                " COMMIT;"
            )

    def close(self) -> None:
        """Close the database (every pooled connection on PostgreSQL)."""
        if self._postgres is not None:
            self._postgres.close()
        else:
            self._sqlite.close()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        if self._postgres is not None:
            with self._postgres.transaction() as session:
                yield session
            return
        if self._depth:
            self._depth += 1
            try:
                yield self._sqlite
            finally:
                self._depth -= 1
            return
        self._sqlite.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self._sqlite
        except BaseException:
            self._sqlite.execute("ROLLBACK")
            raise
        else:
            self._sqlite.execute("COMMIT")
        finally:
            self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes so they are committed together or not at all."""
        with self._transaction():
            yield

    # -- the leader's fence ----------------------------------------------------------------

    def fence_leader(self, lock_key: int, backend_pid: int) -> None:
        """Let claims succeed only while ``backend_pid`` holds the leader's advisory lock.

        From now on an outbox claim (:meth:`OutboxRows.claim_message`) and a digest slot claim
        (:meth:`InboxRows.claim_slot`) check, in the same statement, that the leader's
        session (``bot.adapters.leader``) still holds the lock ``lock_key``: an instance that
        lost the lead (its connection cut, the standby leading) claims nothing more, so it
        can send at most the one message per chat already in flight. SQLite ignores it (one
        process per file, ``bot.adapters.instance``).
        """
        if self._postgres is not None:
            self._fence = (lock_key, backend_pid)

    def _fenced(self) -> tuple[str, tuple[int, ...]]:
        """The fence's SQL condition (`` AND …``) and its parameters; empty without one."""
        if self._fence is None:
            return "", ()
        key, pid = self._fence
        # A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low 32).
        return (
            " AND EXISTS (SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory'"
            " AND k.granted AND k.objsubid = 1 AND k.classid = ? AND k.objid = ?"
            " AND k.pid = ?)",
            ((key >> 32) & 0xFFFF_FFFF, key & 0xFFFF_FFFF, pid),
        )

    # -- meta ------------------------------------------------------------------------------

    def meta(self, key: str) -> str:
        """Return a stored value, or an empty string when it was never set."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else ""

    def set_meta(self, key: str, value: str) -> None:
        """Store a value under ``key``."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


__all__ = [
    "DATABASE_ERRORS",
    "MIGRATIONS",
    "Connection",
    "Cursor",
    "Database",
    "is_database_url",
]
