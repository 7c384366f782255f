"""Leader election between instances that share one PostgreSQL database.

Telegram allows one ``getUpdates`` consumer per token, so of several instances only the leader
may poll, schedule and send. The leader holds a session-level advisory lock
(``pg_try_advisory_lock``) on a connection of its own: PostgreSQL frees the lock the moment
that session ends, whether the process exits, is killed, or its backend is terminated, and
within the keepalive timeout below when the machine or the network is gone. A standby calls
:meth:`LeaderElection.try_acquire` every few seconds (:meth:`LeaderElection.wait_until_leader`).

The leader also writes who it is (host name, pid, since) into ``kurzlage_leader`` for
``/status``; :meth:`LeaderElection.current_leader` reports that row only while its session
still holds the lock, so a dead leader's row is never shown as leading.

Every call blocks on the network: from the event loop, run it in a thread
(``asyncio.to_thread``).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import TupleRow, class_row

logger = logging.getLogger(__name__)

#: The advisory lock key all instances of one bot contend for ("KZLG" in ASCII). Advisory locks
#: are per database, so bots on different databases never meet; two bots sharing a database
#: pass different keys.
LEADER_LOCK_KEY = 0x4B5A_4C47
#: How often a standby tries to take over. With the keepalive timeout below this bounds the
#: takeover after a leader's death (issue 13: within 15 s); re-run tests/adapters/test_leader.py
#: and ``python -m benchmarks.run --only takeover`` after changing it.
POLL_INTERVAL_SECONDS = 3.0
#: Dead peers are noticed by TCP keepalives, on both sides of the leader's connection: the
#: server frees the lock of a leader whose machine vanished after idle + interval * count
#: = 5 + 2 * 3 = 11 s, and the leader's own check fails as fast, so with the poll interval a
#: standby leads within 11 + 3 = 14 s. TCP_USER_TIMEOUT_MS bounds a send nobody acknowledges.
KEEPALIVE_IDLE_SECONDS = 5
KEEPALIVE_INTERVAL_SECONDS = 2
KEEPALIVE_COUNT = 3
TCP_USER_TIMEOUT_MS = 11_000
#: How long after taking the lead a 409 Conflict (two getUpdates at once) is the previous
#: leader's last long poll: its check interval plus PTB's long-poll timeout (10 s), rounded up.
HANDOVER_SECONDS = 15.0
#: An unreachable server counts as "not leader" after this long rather than blocking a poll.
CONNECT_TIMEOUT_SECONDS = 5

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS kurzlage_leader (
    lock_key BIGINT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    since TIMESTAMPTZ NOT NULL,
    backend_pid INTEGER NOT NULL
)
"""
_RECORD_LEADER = """
INSERT INTO kurzlage_leader (lock_key, host, pid, since, backend_pid)
VALUES (%(key)s, %(host)s, %(pid)s, now(), pg_backend_pid())
ON CONFLICT (lock_key) DO UPDATE
SET host = EXCLUDED.host, pid = EXCLUDED.pid, since = EXCLUDED.since,
    backend_pid = EXCLUDED.backend_pid
RETURNING since
"""
# A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low), objsubid 1.
_HOLDS_LOCK = """
SELECT k.pid FROM pg_locks k
WHERE k.locktype = 'advisory' AND k.granted AND k.objsubid = 1
  AND k.classid = %(classid)s AND k.objid = %(objid)s
  AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""
_CURRENT_LEADER = f"""
SELECT host, pid, since FROM kurzlage_leader
WHERE lock_key = %(key)s AND backend_pid IN ({_HOLDS_LOCK})
"""


@dataclass(frozen=True, slots=True)
class LeaderInfo:
    """Which instance leads: its machine, its process and since when (server time)."""

    host: str
    pid: int
    since: datetime


class LeaderElection:
    """One instance's claim to lead, held on a dedicated PostgreSQL connection.

    Args:
        url: a libpq connection string or ``postgresql://`` URL of the shared database.
        key: the advisory lock key; instances of one bot share it.
        host: the name recorded for ``/status`` (default: this machine's host name).
        pid: the process recorded for ``/status`` (default: this process).
    """

    def __init__(
        self,
        url: str,
        *,
        key: int = LEADER_LOCK_KEY,
        host: str | None = None,
        pid: int | None = None,
    ) -> None:
        self._url = url
        self._key = key
        self._host = host if host is not None else socket.gethostname()
        self._pid = pid if pid is not None else os.getpid()
        self._conn: psycopg.Connection[TupleRow] | None = None
        self._since: datetime | None = None
        self._mutex = threading.Lock()  # one statement at a time on the connection
        self._unreachable = False  # logged once per outage, not at every poll

    @property
    def key(self) -> int:
        """The advisory lock key this instance contends for."""
        return self._key

    @property
    def backend_pid(self) -> int | None:
        """The server process of the session holding the lead; None while not leading.

        ``Database.fence_leader`` checks that this session still holds the lock.
        """
        with self._mutex:
            if self._since is None or self._conn is None or self._conn.closed:
                return None
            return self._conn.info.backend_pid

    @property
    def since(self) -> datetime | None:
        """Since when this instance leads (server time); None while not leading."""
        return self._since

    def try_acquire(self) -> bool:
        """Take the lead if nobody holds it; True if this instance leads now.

        An unreachable server is "not leader" (logged once per outage), never an exception: a
        standby keeps polling until the server is back.
        """
        with self._mutex:
            if self._since is not None:
                if self._lock_held():
                    return True
                self._drop_connection()  # lost the lead: start over on a new session
            try:
                since = self._lock_on_session()
            except psycopg.Error as err:
                self._drop_connection()  # and with the session, a lock it may have got
                self._report_unreachable(err)
                return False
            if self._unreachable:
                logger.info("leader election: %s reachable again", self._where())
                self._unreachable = False
            if since is None:
                return False  # a standby keeps its connection for the next poll
            self._since = since
            logger.info("leader election: leading as %s pid %d", self._host, self._pid)
            return True

    def is_leader(self) -> bool:
        """Whether this instance still leads: asks the server, so a lost connection shows."""
        with self._mutex:
            if self._since is None:
                return False
            if self._lock_held():
                return True
            logger.warning("leader election: lost the lead (%s)", self._where())
            self._drop_connection()
            return False

    def release(self) -> None:
        """Give up the lead (a standby takes over at its next poll) and close the connection."""
        with self._mutex:
            if self._conn is not None and self._since is not None:
                try:
                    self._conn.execute(
                        "DELETE FROM kurzlage_leader"
                        " WHERE lock_key = %s AND backend_pid = pg_backend_pid()",
                        (self._key,),
                    )
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (self._key,))
                except psycopg.Error as err:
                    # The session is gone already, and with it the lock.
                    logger.info("leader election: release: %s", str(err).strip())
            self._drop_connection()

    def wait_until_leader(
        self, stop: threading.Event, *, interval: float = POLL_INTERVAL_SECONDS
    ) -> bool:
        """Poll every ``interval`` seconds until this instance leads (True) or ``stop`` is set.

        Says once that it stands by, and which instance leads meanwhile.
        """
        said = False
        while not stop.is_set():
            if self.try_acquire():
                return True
            if not said and not self._unreachable:
                leader = self.current_leader()
                logger.info(
                    "leader election: standing by (%s leads)",
                    f"{leader.host} pid {leader.pid}" if leader else "another instance",
                )
                said = True
            stop.wait(interval)
        return False

    def current_leader(self) -> LeaderInfo | None:
        """Who leads now, as the leader recorded it; None while nobody does."""
        try:
            with self._connect() as conn:
                cursor = conn.cursor(row_factory=class_row(LeaderInfo))
                return cursor.execute(_CURRENT_LEADER, self._lock_params()).fetchone()
        except psycopg.errors.UndefinedTable:
            return None  # no instance has led on this database yet
        except psycopg.Error as err:
            logger.warning("leader election: %s: %s", self._where(), str(err).strip())
            return None

    def _lock_on_session(self) -> datetime | None:
        """Try the lock on the kept session, else on a new one; since when it leads, or None."""
        if self._conn is not None and not self._conn.closed:
            try:
                return self._lock_and_record(self._conn)
            except psycopg.Error:
                # The kept session died (a server restart, a cut connection): once more on a
                # new one, so the takeover does not wait for another poll.
                self._drop_connection()
        self._conn = self._connect()
        return self._lock_and_record(self._conn)

    def _lock_and_record(self, conn: psycopg.Connection[TupleRow]) -> datetime | None:
        """Try the lock on ``conn``; once held, record who leads; return since when, or None."""
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
        if row is None or not row[0]:
            return None
        conn.execute(_CREATE_TABLE)
        recorded = conn.execute(_RECORD_LEADER, self._who()).fetchone()
        if recorded is None or not isinstance(recorded[0], datetime):
            raise psycopg.DataError("kurzlage_leader: the leader's row was not recorded")
        return recorded[0]

    def _report_unreachable(self, err: psycopg.Error) -> None:
        if not self._unreachable:
            logger.warning("leader election: %s: %s", self._where(), " ".join(str(err).split()))
        self._unreachable = True

    def _lock_held(self) -> bool:
        """Whether this session holds the lock; False (not raised) when the session is gone."""
        if self._conn is None or self._conn.closed:
            return False
        try:
            rows = self._conn.execute(_HOLDS_LOCK, self._lock_params()).fetchall()
        except psycopg.Error:
            return False
        return any(backend == self._conn.info.backend_pid for (backend,) in rows)

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        conn = psycopg.connect(
            self._url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            keepalives=1,
            keepalives_idle=KEEPALIVE_IDLE_SECONDS,
            keepalives_interval=KEEPALIVE_INTERVAL_SECONDS,
            keepalives_count=KEEPALIVE_COUNT,
            tcp_user_timeout=TCP_USER_TIMEOUT_MS,
            application_name="kurzlage-leader",
        )
        # The server's side of the same keepalives: it frees the lock of a vanished leader.
        conn.execute(
            "SELECT set_config('tcp_keepalives_idle', %s, false),"
            " set_config('tcp_keepalives_interval', %s, false),"
            " set_config('tcp_keepalives_count', %s, false),"
            " set_config('tcp_user_timeout', %s, false)",
            tuple(
                str(value)
                for value in (
                    KEEPALIVE_IDLE_SECONDS,
                    KEEPALIVE_INTERVAL_SECONDS,
                    KEEPALIVE_COUNT,
                    TCP_USER_TIMEOUT_MS,
                )
            ),
        )
        return conn

    def _drop_connection(self) -> None:
        self._since = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _lock_params(self) -> dict[str, int]:
        return {
            "key": self._key,
            "classid": (self._key >> 32) & 0xFFFF_FFFF,
            "objid": self._key & 0xFFFF_FFFF,
        }

    def _who(self) -> dict[str, object]:
        return {"key": self._key, "host": self._host, "pid": self._pid}

    def _where(self) -> str:
        """The server as it may be logged: host, port and database, never the password."""
        params = conninfo_to_dict(self._url)
        return "postgresql at {}:{}/{}".format(
            params.get("host", "localhost"), params.get("port", 5432), params.get("dbname", "")
        )


@dataclass(slots=True)
class Leadership:
    """One term of leading: the election it was won in, and whether the lead was lost.

    ``kurzlage run`` builds the application for a term once :attr:`election` leads; the
    leader job (``bot.adapters.jobs.leader_job``) checks every :data:`POLL_INTERVAL_SECONDS`
    and sets :attr:`lost` before it stops the application, so the process stands by again
    instead of exiting.
    """

    election: LeaderElection
    lost: bool = False
    #: When the term began (``time.monotonic``).
    started: float = field(default_factory=time.monotonic)

    def handing_over(self) -> bool:
        """Whether the term is young enough for the previous leader to still be polling.

        A leader whose lock session was cut notices within :data:`POLL_INTERVAL_SECONDS`, and
        its last getUpdates can wait :data:`HANDOVER_SECONDS` more: until then a 409
        Conflict from Telegram is that handover, not a stranger using the token.
        """
        return time.monotonic() - self.started < HANDOVER_SECONDS
