"""Failures reach the admins: one German notice per kind of failure, rate-limited.

Jobs (ingesting the inbox, posting a digest, sending the outbox) run without a user who
could see an error, so the error handler hands their exceptions to :meth:`Alerts.report`:
the first failure of a kind (where it happened and the exception's type, e.g. ``ingest`` and
``OSError`` for a full disk) notifies every admin; the same kind again within
:data:`ALERT_INTERVAL` only goes to the log. Each failure is also recorded with since when
it fails (``kurzlage health`` reads that), and cleared when that job next succeeds.

A notice goes through the outbox like every post. When the database itself is the failure
(locked, full, deleted, corrupt), it goes to the admins directly instead: the fallback needs
nothing but Telegram, and the rate limit lives in memory for the same reason.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram import Bot
from telegram.error import TelegramError

from bot.adapters.database import DATABASE_ERRORS
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage

logger = logging.getLogger(__name__)

# One notice per kind of failure per this many seconds: a failing job repeats every
# ingest_interval (60 s) or outbox_interval (30 s); an hour keeps that to one message an hour.
ALERT_INTERVAL = 3600.0
# A notice names the error in at most this many characters (type and first line); the
# full traceback is in the log.
DETAIL_CHARS = 300


def describe(error: BaseException | None) -> str:
    """Return an error's type and first line, shortened for a notice."""
    if error is None:
        return "?"
    text, name = str(error), type(error).__name__
    # Some messages name their type already (Telegram's "Conflict: terminated by …").
    detail = (text if text.startswith(f"{name}:") else f"{name}: {text}").splitlines()[0]
    return detail if len(detail) <= DETAIL_CHARS else detail[: DETAIL_CHARS - 1] + "…"


class Alerts:
    """Tell the admins about failures, through the outbox or, failing that, directly.

    Args:
        storage: The database (may be the thing that fails).
        bot: Sends the fallback notices.
        renderer: Renders the notices.
        admins: User ids told.
        drain: Sends the outbox (``Outbox.drain``).
        now: The wall clock (aware), for stored times.
        clock: Monotonic clock of the rate limit.
        interval: Seconds between two notices of one kind.
    """

    def __init__(
        self,
        storage: Storage,
        bot: Bot,
        renderer: Renderer,
        *,
        admins: tuple[int, ...],
        drain: Callable[[], Awaitable[object]],
        now: Callable[[], datetime],
        clock: Callable[[], float] = time.monotonic,
        interval: float = ALERT_INTERVAL,
    ) -> None:
        self._storage = storage
        self._bot = bot
        self._renderer = renderer
        self._admins = admins
        self._drain = drain
        self._now = now
        self._clock = clock
        self._interval = interval
        self._last: dict[str, float] = {}

    async def report(self, error: BaseException | None, *, where: str) -> bool:
        """Record a failure of ``where``; notify the admins unless this kind was just told.

        Returns:
            Whether a notice went out.
        """
        kind = f"{where}:{type(error).__name__}"
        detail = describe(error)
        try:
            self._storage.record_failure(kind, detail=detail, now=self._now())
        except DATABASE_ERRORS as err:  # the database is the failure
            logger.warning("Could not record the failure %s: %s", kind, err)
        last = self._last.get(kind)
        if last is not None and self._clock() - last < self._interval:
            logger.info(
                "Failure %s again: admins were told %.0f s ago", kind, self._clock() - last
            )
            return False
        self._last[kind] = self._clock()
        text = self._renderer.reply(
            "failure_notice", where=where, error=detail, minutes=round(self._interval / 60)
        )
        await self.notify(text)
        return True

    def resolved(self, where: str) -> None:
        """Forget the failures of ``where``: it just worked."""
        try:
            self._storage.clear_failures(where)
        except DATABASE_ERRORS as err:  # the database is the failure
            logger.warning("Could not clear the failures of %s: %s", where, err)

    async def notify(self, text: str) -> None:
        """Send ``text`` to every admin: through the outbox, or directly if that fails."""
        try:
            with self._storage.transaction():
                for admin in self._admins:
                    self._storage.enqueue_notice(
                        str(admin), kind="private", text=text, now=self._now()
                    )
        except DATABASE_ERRORS as err:  # the database is the failure
            logger.warning("Outbox unusable (%s): telling the admins directly", err)
            for admin in self._admins:
                try:
                    await self._bot.send_message(admin, text)
                except TelegramError as send_error:
                    logger.error("Could not tell admin %s: %s", admin, send_error)
            return
        await self._drain()
