"""Job callbacks of the JobQueue: pick up new articles, post digests, send the outbox.

``bot.app`` schedules them (cron times for digests, fixed intervals for the rest); the admin
commands ``/jetzt`` and ``/vorschau`` share :func:`ingest_inbox` with them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from telegram.ext import ContextTypes

from bot.adapters.services import Services, services

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


def ingest_inbox(s: Services) -> None:
    """Store new articles from the inbox, and from the seeds on the very first start."""
    moment = s.now()
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
    moment = s.now()
    ingest_inbox(s)
    posted = await s.publisher.post_digest(now=moment)
    s.storage.set_meta("last_run", moment.isoformat())
    if posted is None:
        logger.info("Digest run at %s: nothing new, nothing posted", moment)
        return
    await s.outbox.drain()


async def outbox_job(context: Context) -> None:
    """Send what waits in the outbox (after a restart, a retry delay, a re-enabled chat)."""
    await services(context).outbox.drain()
