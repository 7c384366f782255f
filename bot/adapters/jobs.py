"""Job callbacks of the JobQueue: pick up new articles, post digests, send the outbox.

``bot.app`` schedules them (cron times for digests, fixed intervals for the rest); the admin
commands ``/jetzt`` and ``/vorschau`` share :func:`ingest_inbox` with them.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from telegram.ext import ContextTypes

from bot.adapters.health import HEARTBEAT_KEY
from bot.adapters.instance import DatabaseWatch
from bot.adapters.leader import Leadership
from bot.adapters.posting import NoTargets, SlotTaken
from bot.adapters.services import Services, services

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
#: Pause before the second look at inbox files written just now (seconds): long enough for a
#: local copy to finish, short enough for /jetzt. Files still changing wait for the next look.
SECOND_LOOK_SECONDS = 1.0
#: How far back a digest run looks for the scheduled time it belongs to, in growing steps: a
#: run on time finds it within a minute; a catch-up after days of downtime further back.
SLOT_LOOKBACK = (
    timedelta(minutes=2),
    timedelta(days=1),
    timedelta(days=32),
    timedelta(days=367),
)
_SECOND = timedelta(seconds=1)


async def ingest_inbox(s: Services) -> None:
    """Store new articles from the inbox, and from the seeds on the very first start.

    A file seen for the first time and written to just now is looked at again after
    :data:`SECOND_LOOK_SECONDS` (awaited, so other updates go on), and read once it stayed
    the same; one still changing waits for the next ingest.
    """
    folders = [Path(s.settings.bot.inbox)]
    seeding = bool(s.settings.bot.seeds) and not s.storage.meta("seeded")
    if seeding:
        folders.insert(0, Path(s.settings.bot.seeds))
    waiting = [(await s.publisher.ingest(folder, now=s.now())).waiting for folder in folders]
    if any(waiting):
        await asyncio.sleep(SECOND_LOOK_SECONDS)
        waiting = [(await s.publisher.ingest(f, now=s.now())).waiting for f in folders]
    if seeding and not waiting[0]:
        s.storage.set_meta("seeded", s.now().isoformat())


async def ingest_job(context: Context) -> None:
    """Pick up new article files from the inbox (and the seeds on the very first start)."""
    s = services(context)
    await ingest_inbox(s)
    s.alerts.resolved("ingest")


def digest_slot(s: Services, *, now: datetime) -> str | None:
    """Return the scheduled time a digest run at ``now`` belongs to: the latest one so far.

    A scheduled run, and the catch-up of a missed one, both belong to the latest scheduled
    time before ``now``; None when the schedule never fired (yet).
    """
    zone = ZoneInfo(s.settings.digest.timezone)
    latest: datetime | None = None
    for expression in s.settings.bot.schedule:
        trigger = CronTrigger.from_crontab(expression, timezone=zone)
        for window in SLOT_LOOKBACK:
            fire = trigger.get_next_fire_time(None, now - window)
            if fire is None:  # never fires (31 February): no earlier start changes that
                break
            if fire > now:
                continue
            while (later := trigger.get_next_fire_time(fire, fire + _SECOND)) and later <= now:
                fire = later
            latest = fire if latest is None or fire > latest else latest
            break
    return latest.isoformat() if latest else None


async def digest_job(context: Context) -> None:
    """Post a digest of the new articles to every target chat; nothing when nothing is new.

    Each scheduled time is posted at most once, whichever process (or catch-up) runs it.
    """
    s = services(context)
    moment = s.now()
    slot = digest_slot(s, now=moment)
    if slot is not None and s.storage.slot_claimed(slot):
        logger.warning("Digest run for %s was already posted; not posting it again", slot)
        return
    await ingest_inbox(s)
    try:
        # The slot is claimed in the transaction that queues the digest: a process killed
        # before leaves it to the catch-up (of this process or of the next leader).
        posted = await s.publisher.post_digest(now=moment, slot=slot)
    except NoTargets:
        logger.warning(
            "Digest run: no channel configured and no chat subscribed; the articles keep waiting"
        )
        return
    except SlotTaken:
        logger.warning(
            "Digest run for %s was already posted, or this instance no longer leads;"
            " not posting it",
            slot,
        )
        return
    if slot is None:
        s.storage.set_meta("last_run", moment.isoformat())
    if posted is None:
        logger.info("Digest run at %s: nothing new, nothing posted", moment)
    else:
        await s.outbox.drain()
    s.alerts.resolved(context.job.name if context.job and context.job.name else "digest")


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


async def leader_job(context: Context) -> None:
    """Stop the application once this instance no longer leads (PostgreSQL, two instances).

    The check asks the server (in a thread: it blocks on the network). An instance whose
    lock session died claims nothing more meanwhile (``Database.fence_leader``); stopping
    also ends its getUpdates, which the new leader now makes.
    """
    job = context.job
    if job is None or not isinstance(job.data, Leadership):
        return
    leadership = job.data
    if leadership.lost or await asyncio.to_thread(leadership.election.is_leader):
        return
    leadership.lost = True
    logger.warning("Lost the lead to another instance: stopping polling, jobs and sends")
    context.application.stop_running()


async def feed_job(context: Context) -> None:
    """Poll the feeds that are due; send the admins' notices about failing feeds at once."""
    s = services(context)
    if s.poller is None:
        return
    before = s.poller.notices
    await s.poller.poll(now=s.now())
    if s.poller.notices != before:
        await s.outbox.drain()


async def outbox_job(context: Context) -> None:
    """Send what waits in the outbox (after a restart, a retry delay, a re-enabled chat)."""
    s = services(context)
    await s.outbox.drain()
    s.alerts.resolved("outbox")


async def heartbeat_job(context: Context) -> None:
    """Write the heartbeat ``kurzlage health`` checks: the bot runs and its loop is free."""
    s = services(context)
    s.storage.set_meta(HEARTBEAT_KEY, s.now().isoformat())
    s.alerts.resolved("heartbeat")
