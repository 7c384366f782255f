"""PostgreSQL under the bot's storage: a connection pool, the same SQL, versioned schema.

The storage's queries are written once, in the SQL both backends understand (``?``
placeholders, ``INSERT … ON CONFLICT``, ``RETURNING``); :func:`translate` turns the
placeholders into psycopg's. Statements outside a transaction take a pooled connection for
themselves (autocommit); :meth:`Postgres.transaction` holds one connection for its block, per
thread, so the storage behaves as it does on SQLite: a block commits whole or not at all.

The pool checks a connection before lending it, so a connection the server or the network
cut is replaced, not reused: the next statement after an outage just works.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import RowMaker
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.adapters.migrations import POSTGRES_MIGRATIONS
from bot.errors import ConfigError

logger = logging.getLogger(__name__)

#: Migrations run under this transaction-level advisory lock, so two instances starting at
#: once on an empty database migrate it once ("KZMG" in ASCII).
MIGRATION_LOCK_KEY = 0x4B5A_4D47
#: The pool: one connection kept open, a few more for the threads that write at once (the
#: event loop, a command's worker thread, the feed poller).
POOL_MIN, POOL_MAX = 1, 4
#: Seconds to wait for a connection: at start, then for each statement.
CONNECT_TIMEOUT_SECONDS = 10.0
# A string literal, or a ``?`` placeholder outside one.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\?|%")


@functools.lru_cache(maxsize=512)
def translate(statement: str) -> str:
    """Return a statement with ``?`` placeholders as psycopg's ``%s`` (and ``%`` escaped).

    Question marks and percent signs inside string literals are left as they are.
    """

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        return "%s" if token == "?" else "%%" if token == "%" else token

    return _TOKENS.sub(swap, statement)


class Row(tuple[Any, ...]):
    """A result row readable by position and by column name, like ``sqlite3.Row``."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:  # noqa: D102
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._names[key])
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        """The column names, in order."""
        return list(self._names)


def _row_factory(cursor: psycopg.Cursor[Any]) -> RowMaker[Row]:
    names = {c.name: i for i, c in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


class Result:
    """What a statement gave: every row (fetched at once) and how many rows it changed."""

    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    def fetchone(self) -> Row | None:
        """The next row, or None after the last."""
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Row]:
        """The rows not fetched yet."""
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class Session:
    """Runs the storage's statements on one psycopg connection."""

    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        self._conn = conn

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Result:
        """Run one statement; its rows are fetched at once.

        Without parameters the statement goes as written (several statements may be one).
        """
        if params:
            cursor = self._conn.execute(translate(statement), tuple(params))
        else:
            cursor = self._conn.execute(statement)
        rows = cursor.fetchall() if cursor.description is not None else []
        return Result(rows, cursor.rowcount)

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> Result:
        """Run one statement for each parameter row; ``rowcount`` is their sum."""
        cursor = self._conn.cursor()
        cursor.executemany(translate(statement), [tuple(r) for r in rows])
        return Result([], max(cursor.rowcount, 0))


class Postgres:
    """The connection pool, the schema and the transactions of a PostgreSQL database.

    Args:
        url: The ``postgresql://`` URL (a password may come from ``KURZLAGE_DATABASE_URL``;
            see ``bot.settings``).

    Raises:
        ConfigError: The server cannot be reached, or the database is not one this
            version of Kurzlage can use.
    """

    def __init__(self, url: str) -> None:
        self._local = threading.local()
        # One plain connection first: a server that refuses (down, wrong password, no such
        # database) is told at once and why, not after the pool's retries and their warnings.
        try:
            psycopg.connect(
                url, connect_timeout=int(CONNECT_TIMEOUT_SECONDS), application_name="kurzlage"
            ).close()
        except psycopg.Error as err:
            raise ConfigError(
                f"config: bot.database {redact(url)} cannot be reached "
                f"({' '.join(str(err).split())}); check host, port, user and password "
                "(a password belongs in KURZLAGE_DATABASE_URL)"
            ) from None
        self._pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            url,
            min_size=POOL_MIN,
            max_size=POOL_MAX,
            kwargs={
                "autocommit": True,
                "row_factory": _row_factory,
                "connect_timeout": int(CONNECT_TIMEOUT_SECONDS),
                "application_name": "kurzlage",
            },
            check=ConnectionPool.check_connection,
            timeout=CONNECT_TIMEOUT_SECONDS,
            open=False,
            name="kurzlage",
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_SECONDS)
        except PoolTimeout:
            self._pool.close()
            raise ConfigError(
                f"config: bot.database {redact(url)} cannot be reached within "
                f"{CONNECT_TIMEOUT_SECONDS:.0f} s; check host, port, user and password "
                "(a password belongs in KURZLAGE_DATABASE_URL)"
            ) from None
        try:
            self._migrate(url)
        except ConfigError:
            self._pool.close()
            raise
        except psycopg.Error as err:
            self._pool.close()
            raise ConfigError(
                f"config: bot.database {redact(url)} cannot be used as the bot's database "
                f"({' '.join(str(err).split())}); name an empty database or a Kurzlage one"
            ) from None

    # -- statements ------------------------------------------------------------------------

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Result:
        """Run one statement: in this thread's transaction, else on its own (autocommit)."""
        session: Session | None = getattr(self._local, "session", None)
        if session is not None:
            return session.execute(statement, params)
        with self._pool.connection() as conn:
            return Session(conn).execute(statement, params)

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> Result:
        """Run one statement per parameter row, in this thread's transaction or on its own."""
        session: Session | None = getattr(self._local, "session", None)
        if session is not None:
            return session.executemany(statement, rows)
        with self._pool.connection() as conn, conn.transaction():
            return Session(conn).executemany(statement, rows)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Hold one connection for the block and commit it whole (nested blocks join it)."""
        session: Session | None = getattr(self._local, "session", None)
        if session is not None:
            yield session
            return
        with self._pool.connection() as conn, conn.transaction():
            self._local.session = Session(conn)
            try:
                yield self._local.session
            finally:
                self._local.session = None

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.close()

    # -- schema ----------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The schema version of the database (0 when it has none yet)."""
        row = self.execute("SELECT to_regclass('kurzlage_schema') IS NOT NULL").fetchone()
        if row is None or not row[0]:
            return 0
        found = self.execute("SELECT version FROM kurzlage_schema").fetchone()
        return int(found[0]) if found else 0

    def _migrate(self, url: str) -> None:
        with self.transaction() as db:
            # Whoever gets the lock first migrates; the other finds the work done.
            db.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK_KEY,))
            db.execute("CREATE TABLE IF NOT EXISTS kurzlage_schema (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM kurzlage_schema").fetchone()
            if row is None:
                db.execute("INSERT INTO kurzlage_schema (version) VALUES (0)")
            version = int(row[0]) if row else 0
            if version > len(POSTGRES_MIGRATIONS):
                raise ConfigError(
                    f"config: bot.database {redact(url)} has schema version {version}, newer "
                    f"than this Kurzlage ({len(POSTGRES_MIGRATIONS)}); update Kurzlage"
                )
            for step in range(version, len(POSTGRES_MIGRATIONS)):
                logger.info("Migrating %s to schema version %d", redact(url), step + 1)
                db.execute(POSTGRES_MIGRATIONS[step])
                db.execute("UPDATE kurzlage_schema SET version = ?", (step + 1,))


@contextmanager
def read_only(url: str, *, timeout: float = 5.0) -> Iterator[Session]:
    """A session on its own connection that may only read (for ``kurzlage health``)."""
    with psycopg.connect(
        url, connect_timeout=int(timeout), autocommit=True, row_factory=_row_factory
    ) as conn:
        conn.execute("SET default_transaction_read_only = on")
        yield Session(conn)


def redact(url: str) -> str:
    """Return a database URL as it may be shown: without its password."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1…@", url)


__all__ = ["Postgres", "Result", "Row", "Session", "read_only", "redact", "translate"]
