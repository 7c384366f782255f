"""Job callbacks of the JobQueue: pick up new articles, post digests, send the outbox.

``bot.app`` schedules them (cron times for digests, fixed intervals for the rest); the admin
commands ``/jetzt`` and ``/vorschau`` share :func:`ingest_inbox` with them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram.ext import ContextTypes

from bot.adapters.instance import DatabaseWatch
from bot.adapters.services import Services, services

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


def now(s: Services) -> datetime:
    """Return the current time in the digest time zone (aware)."""
    return datetime.now(ZoneInfo(s.settings.digest.timezone))


def ingest_inbox(s: Services) -> None:
    """Store new articles from the inbox, and from the seeds on the very first start."""
    moment = now(s)
    if s.settings.bot.seeds and not s.storage.meta("seeded"):
        s.publisher.ingest(Path(s.settings.bot.seeds), now=moment)
        s.storage.set_meta("seeded", moment.isoformat())
    s.publisher.ingest(Path(s.settings.bot.inbox), now=moment)


async def ingest_job(context: Context) -> None:
    """Pick up new article files from the inbox (and the seeds on the very first start)."""
    ingest_inbox(services(context))


async def digest_job(context: Context) -> None:
    """Post a digest of the new articles to every target chat; nothing when nothing is new."""
    s = services(context)
    moment = now(s)
    ingest_inbox(s)
    posted = s.publisher.post_digest(now=moment)
    s.storage.set_meta("last_run", moment.isoformat())
    if posted is None:
        logger.info("Digest run at %s: nothing new, nothing posted", moment)
        return
    await s.outbox.drain()


def database_gone_line(watch: DatabaseWatch) -> str:
    """Return the one line saying the database file went away under the running bot."""
    return (
        f"database {watch.database} was deleted or replaced while the bot ran; stopped "
        "(a restart creates it anew; the inbox marker keeps old files from being posted again)"
    )


async def database_job(context: Context) -> None:
    """Stop the bot once its database file is deleted or replaced (writes would be lost)."""
    job = context.job
    if job is None or not isinstance(job.data, DatabaseWatch) or not job.data.replaced():
        return
    logger.critical("%s", database_gone_line(job.data))
    context.application.stop_running()


async def outbox_job(context: Context) -> None:
    """Send what waits in the outbox (after a restart, a retry delay, a re-enabled chat)."""
    await services(context).outbox.drain()
