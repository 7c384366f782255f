"""Delivery of the persisted outbox to Telegram: in order, retried, resumable.

Every message the bot posts on its own (digests, pushes, notices to admins) is first written
to the outbox table, then sent from there by :meth:`Outbox.drain`:

* **Pacing** is the bot's rate limiter's (``bot.adapters.pacing``), shared with command
  replies. A chat's messages go out in order, one at a time; different chats go out
  concurrently (``send_concurrency`` requests in flight).
* **429** waits the ``retry_after`` Telegram names and sends the same message again.
* **Transient errors** that certainly posted nothing (refused connection, 5xx) retry with
  exponential backoff; after ``retries_per_drain`` failures the message waits for the next
  round. Nothing is dropped.
* **Uncertain attempts** (a timeout waiting for the answer, a connection dropped after the
  request went out, a send cut off by shutdown or a crash) may have posted the message. Such
  a message is sent again at most ``TIMEOUT_RESENDS`` time(s); after that it is kept as
  ``unclear``, never sent blindly again, counted by /status and health, and the admins are
  told. So no message exists in a chat more than twice.
* **403** (bot kicked, not admin, blocked) and "chat not found" disable the chat, keep its
  unsent messages for when it is enabled again, and tell the admins.
* **Other 400s** (Telegram refuses the message itself) mark it ``failed``, kept and counted by
  /status, and tell the admins: sending it again could never succeed.

Crash guarantee. Right before each request, once its place in the limits is taken, the row
is claimed (marked ``sending``) and committed (``Ticket.claim``); a row already sent,
cancelled, or claimed by another instance is not sent, and an instance that no longer leads
claims nothing (``Storage.claim_message``, ``fence_leader``), not even rows that were waiting
for their turn when it lost the lead. When
Telegram answers, its message id is committed with state ``sent``. A process killed at any
point *between* two sends resumes with no duplicate and no loss. The one window that cannot
be closed with the Bot API (it has no idempotency key and no way to read a chat's history) is
a kill or timeout after Telegram accepted a message and before its answer was committed: the
row is then resent once, so one duplicate per message in flight is possible (at most one per
chat, since a chat's messages go one at a time); none is ever lost.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.adapters.options import BotSettings
from bot.adapters.pacing import (
    TIMEOUT_RESENDS,
    NotClaimed,
    Ticket,
    backoff,
    retry_seconds,
    uncertain,
)
from bot.adapters.render import Renderer
from bot.adapters.storage import OutboxMessage, Storage

logger = logging.getLogger(__name__)

__all__ = ["DrainReport", "Outbox", "chat_id", "retry_seconds"]


@dataclass(frozen=True, slots=True)
class DrainReport:
    """What one :meth:`Outbox.drain` did."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    waiting: int = 0
    disabled: tuple[str, ...] = ()


def chat_id(chat: str) -> int | str:
    """Return the Bot API form of a stored chat: a number, or ``@name`` as it is."""
    return chat if chat.startswith("@") else int(chat)


class Outbox:
    """Sends the outbox; one instance per process.

    Args:
        storage: Where the messages wait.
        bot: The Telegram bot sending them, with :class:`bot.adapters.pacing.Pacing` as its
            rate limiter.
        settings: ``[bot]``: admins, link previews, concurrency and retry timing.
        renderer: Renders the notices to admins.
        now: The wall clock (aware) for stored times and retry due times.
    """

    def __init__(
        self,
        storage: Storage,
        bot: ExtBot[Ticket],
        *,
        settings: BotSettings,
        renderer: Renderer,
        now: Callable[[], datetime],
    ) -> None:
        self._storage = storage
        self._bot = bot
        self._settings = settings
        self._renderer = renderer
        self._now = now
        self._admins = tuple(str(a) for a in settings.admins)
        self._previews = LinkPreviewOptions(is_disabled=not settings.link_previews)
        self._drain_lock = asyncio.Lock()
        self._requests = asyncio.Semaphore(settings.send_concurrency)
        self._counts: dict[str, int] = {}
        self._disabled: list[str] = []
        self._tasks: set[asyncio.Task[bool]] = set()
        self._closing = False

    async def drain(self) -> DrainReport:
        """Send every due message of every enabled chat; return when none is left to try."""
        async with self._drain_lock:
            self._counts = {"sent": 0, "failed": 0, "retried": 0}
            self._disabled = []
            while not self._closing:
                moment = self._now().timestamp()
                due = [m for m in self._storage.unsent_messages() if m.not_before <= moment]
                if not due:
                    break
                by_chat: dict[str, list[OutboxMessage]] = {}
                for message in due:
                    by_chat.setdefault(message.chat, []).append(message)
                tasks = [
                    asyncio.ensure_future(self._deliver_chat(queue)) for queue in by_chat.values()
                ]
                self._tasks.update(tasks)
                try:
                    results = await asyncio.gather(*tasks, return_exceptions=True)
                finally:
                    self._tasks.difference_update(tasks)
                for result in results:
                    if isinstance(result, Exception):
                        raise result
                if not any(r is True for r in results):
                    break
            return DrainReport(
                sent=self._counts["sent"],
                failed=self._counts["failed"],
                retried=self._counts["retried"],
                waiting=len(self._storage.unsent_messages()),
                disabled=tuple(self._disabled),
            )

    async def close(self, *, grace: float) -> None:
        """Start no new send; give those in flight ``grace`` seconds, then cut them off.

        A send cut off counts as uncertain (Telegram may have posted it): it is resent at most
        once after the restart.
        """
        self._closing = True
        running = [t for t in self._tasks if not t.done()]
        if not running:
            return
        _, late = await asyncio.wait(running, timeout=grace)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        if late:
            logger.warning(
                "Shutdown: deliveries to %d chat(s) cut off, resumed at restart", len(late)
            )

    async def _deliver_chat(self, queue: Sequence[OutboxMessage]) -> bool:
        """Send one chat's messages in order; return whether any reached a final state."""
        progress = False
        for message in queue:
            if self._closing:
                break
            done = await self._deliver(message)
            progress = progress or done != "later"
            if done in ("later", "disabled"):
                break
        return progress

    async def _deliver(self, message: OutboxMessage) -> str:
        """Send one message until it is sent, refused, held, or has to wait for later."""
        # A row still ``sending`` was cut off by a crash: that attempt may have been posted.
        doubts = message.uncertain + (message.state == "sending")
        attempts = message.attempts
        tries = 0
        while True:
            if doubts > TIMEOUT_RESENDS:
                return self._hold(message, doubts)
            # Claimed when its turn comes, right before the request (``Ticket.claim``), not
            # while it waits for a place: a sender that lost the lead meanwhile sends none.
            ticket = Ticket(
                claim=functools.partial(self._storage.claim_message, message.id, uncertain=doubts)
            )
            try:
                sent = await self._request(message, ticket)
            except NotClaimed:
                # Sent, cancelled or claimed meanwhile, or this instance no longer leads.
                return "later"
            except asyncio.CancelledError:  # shutdown: the row stays, marked as in doubt
                if ticket.started:  # claimed, maybe posted; else not ours to touch
                    self._storage.mark_pending(
                        message.id,
                        attempts=attempts,
                        not_before=0.0,
                        error="cut off by shutdown",
                        uncertain=doubts + 1,
                    )
                raise
            except RetryAfter as err:
                wait = retry_seconds(err.retry_after)
                logger.info("429 from Telegram for %s: waiting %.1f s", message.chat, wait)
                self._counts["retried"] += 1
                await asyncio.sleep(wait)
                continue
            except Forbidden as err:
                return self._refused(message, err, disable=True)
            except BadRequest as err:
                disable = "chat not found" in err.message.lower()
                return self._refused(message, err, disable=disable)
            except NetworkError as err:  # timeouts, connection errors, 5xx
                self._counts["retried"] += 1
                if uncertain(err):
                    doubts += 1
                    logger.warning("No answer from Telegram for %s (%s)", message.chat, err)
                    continue
                attempts, tries = attempts + 1, tries + 1
                delay = backoff(self._settings, attempts)
                logger.warning(
                    "Sending to %s failed (%s); retry in %.1f s", message.chat, err, delay
                )
                if tries >= self._settings.retries_per_drain:
                    self._storage.mark_pending(
                        message.id,
                        attempts=attempts,
                        not_before=self._now().timestamp() + delay,
                        error=str(err),
                        uncertain=doubts,
                    )
                    return "later"
                await asyncio.sleep(delay)
                continue
            except TelegramError as err:  # e.g. ChatMigrated: needs a person to look
                return self._refused(message, err, disable=False)
            self._storage.mark_sent(message.id, telegram_id=sent, now=self._now())
            self._counts["sent"] += 1
            return "sent"

    async def _request(self, message: OutboxMessage, ticket: Ticket) -> int:
        markup = (
            InlineKeyboardMarkup.de_json(dict(message.markup), self._bot)
            if message.markup
            else None
        )
        async with self._requests:
            sent = await self._bot.send_message(
                chat_id=chat_id(message.chat),
                text=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=self._previews,
                read_timeout=self._settings.send_timeout,
                rate_limit_args=ticket,
            )
        return sent.message_id

    def _hold(self, message: OutboxMessage, doubts: int) -> str:
        """Keep a message that may already be in its chat instead of sending it blindly."""
        logger.error("Not resending to %s: %d attempts without an answer", message.chat, doubts)
        self._storage.mark_unclear(message.id, uncertain=doubts)
        self._counts["failed"] += 1
        if not (message.digest_id is None and message.chat in self._admins):
            text = self._renderer.reply("unclear_notice", chat=message.chat)
            self._enqueue_for_admins(text)
        return "unclear"

    def _refused(self, message: OutboxMessage, err: TelegramError, *, disable: bool) -> str:
        reason = err.message
        is_notice_to_admin = message.digest_id is None and message.chat in self._admins
        if disable and not is_notice_to_admin:
            logger.warning("Disabling chat %s: %s", message.chat, reason)
            self._storage.mark_pending(
                message.id, attempts=message.attempts, not_before=0.0, error=reason
            )
            if self._storage.disable_chat(message.chat, reason=reason, now=self._now()):
                self._disabled.append(message.chat)
                self._notify_admins("chat_disabled_notice", message.chat, reason)
            return "disabled"
        logger.error("Telegram refused a message to %s: %s", message.chat, reason)
        self._storage.mark_failed(message.id, error=reason)
        self._counts["failed"] += 1
        if not is_notice_to_admin:
            self._notify_admins("message_refused_notice", message.chat, reason)
        return "failed"

    def _notify_admins(self, notice: str, chat: str, reason: str) -> None:
        self._enqueue_for_admins(self._renderer.reply(notice, chat=chat, reason=reason))

    def _enqueue_for_admins(self, text: str) -> None:
        now = self._now()
        with self._storage.transaction():
            for admin in self._admins:
                self._storage.enqueue_notice(admin, kind="private", text=text, now=now)
