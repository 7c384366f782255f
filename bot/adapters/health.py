"""``kurzlage health``: is the running bot alive, delivering, and free of lasting failures?

Read from the database only (opened read-only, never created or migrated; a SQLite file or
the PostgreSQL database of ``bot.database``), so it works from a second process such as
Docker's HEALTHCHECK while the bot runs:

* the heartbeat, written every ``bot.outbox_interval`` seconds by its own job, is fresh;
* the outbox is moving: no message due for an enabled chat has waited longer than
  :data:`OUTBOX_STUCK_SECONDS`;
* no kind of failure (``bot.adapters.alerts``) has lasted longer than
  :data:`FAILING_SECONDS` without the job succeeding once, and no feed (``feed_state``) has
  failed for longer than its threshold since its last good poll (``fetch.notice_after_hours``,
  when the admins are told as well).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg

from bot.adapters.database import Connection, is_database_url
from bot.adapters.options import BotSettings
from bot.adapters.postgres import read_only, redact

#: Meta key of the heartbeat, written by ``bot.adapters.jobs.heartbeat_job``.
HEARTBEAT_KEY = "heartbeat"

# The heartbeat may be this many intervals old, plus HEARTBEAT_SLACK seconds for a busy
# machine (a job that waits for the scheduler's thread).
HEARTBEAT_ROUNDS = 2
HEARTBEAT_SLACK = 90.0
# A due message waiting this long means delivery is stuck: a digest to 100 chats takes well
# under a minute, and retries back off to at most retry_max_delay (60 s) between rounds.
OUTBOX_STUCK_SECONDS = 15 * 60.0
# A failure that lasted this long without one success is not a blip (three ingest or digest
# rounds and more, or a feed down for half an hour).
FAILING_SECONDS = 30 * 60.0
# A feed's own threshold: the hours after which the admins are told it fails
# (``fetch.notice_after_hours``, default 24); the command passes the configured value.
FEED_FAILING_HOURS = 24.0


@dataclass(frozen=True, slots=True)
class Health:
    """The verdict and its one line (why not, or what was checked)."""

    ok: bool
    line: str


def check_health(
    settings: BotSettings, *, now: datetime, feed_hours: float = FEED_FAILING_HOURS
) -> Health:
    """Check the bot's database at ``settings.database`` against the rules above.

    Args:
        settings: ``[bot]``: where the database is, the heartbeat's interval.
        now: The current time (aware).
        feed_hours: Hours a feed may fail since its last good poll.
    """
    if is_database_url(settings.database):
        return _check_postgres(settings, now=now, feed_hours=feed_hours)
    path = Path(settings.database)
    if not path.is_file():
        return Health(False, f"no database at {path}: the bot has not started here")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            return _check(db, settings, now=now, feed_hours=feed_hours)
        finally:
            db.close()
    except sqlite3.Error as err:
        return Health(False, f"cannot read the database {path}: {err}")


def _check_postgres(settings: BotSettings, *, now: datetime, feed_hours: float) -> Health:
    where = redact(settings.database)
    try:
        with read_only(settings.database) as db:
            row = db.execute("SELECT to_regclass('kurzlage_schema') IS NOT NULL").fetchone()
            if row is None or not row[0]:
                return Health(False, f"no Kurzlage database at {where}: the bot has not run here")
            return _check(db, settings, now=now, feed_hours=feed_hours)
    except psycopg.Error as err:
        return Health(False, f"cannot read the database {where}: {' '.join(str(err).split())}")


def _check(db: Connection, settings: BotSettings, *, now: datetime, feed_hours: float) -> Health:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (HEARTBEAT_KEY,)).fetchone()
    if row is None:
        return Health(False, "no heartbeat yet: the bot has not run here")
    age = (now - datetime.fromisoformat(row[0])).total_seconds()
    limit = HEARTBEAT_ROUNDS * settings.outbox_interval + HEARTBEAT_SLACK
    if age > limit:
        minutes = int(age // 60)
        return Health(False, f"heartbeat is {minutes} min old (limit {limit:.0f} s): bot stopped")
    oldest = db.execute(
        "SELECT MIN(created) FROM outbox WHERE state IN ('pending', 'sending')"
        " AND chat NOT IN (SELECT chat FROM disabled_chats)"
    ).fetchone()[0]
    if oldest is not None:
        waited = (now - datetime.fromisoformat(oldest)).total_seconds()
        if waited > OUTBOX_STUCK_SECONDS:
            return Health(False, f"outbox stuck: a message has waited {int(waited // 60)} min")
    for kind, since, detail in db.execute("SELECT kind, since, detail FROM failures"):
        lasted = (now - datetime.fromisoformat(since)).total_seconds()
        if lasted > FAILING_SECONDS:
            return Health(False, f"{kind} failing for {int(lasted // 60)} min: {detail}")
    if (
        not isinstance(db, sqlite3.Connection)
        or db.execute("SELECT 1 FROM sqlite_master WHERE name = 'feed_state'").fetchone()
    ):
        for url, since, error in db.execute(
            "SELECT url, COALESCE(last_success, since), COALESCE(last_error, '?')"
            " FROM feed_state WHERE failures > 0"
        ):
            lasted = (now - datetime.fromisoformat(since)).total_seconds()
            if lasted > feed_hours * 3600:
                return Health(False, f"feed {url} failing for {int(lasted // 3600)} h: {error}")
    return Health(True, "ok: heartbeat fresh, outbox moving, no lasting failure")
