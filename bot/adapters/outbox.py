"""Delivery of the persisted outbox to Telegram: paced, retried, resumable.

Every message the bot posts on its own (digests, pushes, notices to admins) is first written
to the outbox table, then sent from there by :meth:`Outbox.drain`:

* **Pacing** follows Telegram's limits as sliding windows: ``messages_per_second`` over all
  chats, ``group_messages_per_minute`` into one group or channel, ``private_messages_per_second``
  into one private chat. A chat's messages go out in order, one at a time; different chats go
  out concurrently (``send_concurrency`` requests in flight).
* **429** waits the ``retry_after`` Telegram names and sends the same message again.
* **Transient errors** (timeouts, network errors, 5xx) retry with exponential backoff; after
  ``retries_per_drain`` failures the message waits for the next round. Nothing is dropped.
* **403** (bot kicked, not admin, blocked) and "chat not found" disable the chat, keep its
  unsent messages for when it is enabled again, and tell the admins.
* **Other 400s** (Telegram refuses the message itself) mark it ``failed``, kept and counted by
  /status, and tell the admins: sending it again could never succeed.

Crash guarantee. Before each request the row is marked ``sending`` and committed; when
Telegram answers, its message id is committed with state ``sent``. A process killed at any
point *between* two sends resumes with no duplicate and no loss: sent rows are never sent
again, unsent rows are sent after restart. The one window that cannot be closed with the Bot
API (it has no idempotency key and no way to read a channel's history) is a kill after Telegram
accepted a message and before the commit that follows its answer - a few milliseconds per
message - or a timeout after Telegram received the request. A row left ``sending`` is resent
after restart, so in that window the guarantee is at-least-once: a message may appear twice,
none is ever lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.adapters.options import BotSettings
from bot.adapters.render import Renderer
from bot.adapters.storage import OutboxMessage, Storage

logger = logging.getLogger(__name__)

# Added to every pacing window against clock granularity at the window's edge (the windows
# already count a request from its start to its answer, see ``_Window``). Re-run the fan-out
# benchmark (benchmarks/bench_fanout.py) after changing it: it must stay free of 429s.
WINDOW_MARGIN = 0.002


@dataclass(frozen=True, slots=True)
class Pacing:
    """Rate limits and retry timing of the outbox (see ``BotSettings`` for each field)."""

    messages_per_second: int = 30
    group_messages_per_minute: int = 20
    private_messages_per_second: int = 1
    concurrency: int = 30
    retry_base_delay: float = 1.0
    retry_max_delay: float = 60.0
    retries_per_drain: int = 5
    margin: float = WINDOW_MARGIN
    #: Multiplies the limits' periods (1 s, 60 s); tests shrink them, production keeps 1.
    period_scale: float = 1.0

    @classmethod
    def from_settings(cls, settings: BotSettings) -> Pacing:
        """Return the pacing configured in ``[bot]``."""
        return cls(
            messages_per_second=settings.messages_per_second,
            group_messages_per_minute=settings.group_messages_per_minute,
            private_messages_per_second=settings.private_messages_per_second,
            concurrency=settings.send_concurrency,
            retry_base_delay=settings.retry_base_delay,
            retry_max_delay=settings.retry_max_delay,
            retries_per_drain=settings.retries_per_drain,
        )


@dataclass(slots=True)
class _Window:
    """At most ``limit`` requests in any ``period`` seconds, counted conservatively.

    A request holds its place from the moment it starts until ``period`` after its answer:
    Telegram sees it arrive somewhere in between, so however the network delays requests,
    no window Telegram counts can hold more than ``limit`` of them.
    """

    limit: int
    period: float
    ends: deque[float] = field(default_factory=deque)
    open: int = 0

    def wait(self, now: float) -> float | None:
        """Seconds until a place is free, 0 if one is, None if all wait for an answer."""
        while self.ends and self.ends[0] <= now - self.period:
            self.ends.popleft()
        if len(self.ends) + self.open < self.limit:
            return 0.0
        return self.ends[0] + self.period - now if self.ends else None

    def start(self) -> None:
        self.open += 1

    def finish(self, now: float) -> None:
        self.open -= 1
        self.ends.append(now)


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


def retry_seconds(retry_after: int | timedelta) -> float:
    """Return a ``RetryAfter.retry_after`` in seconds, whichever form PTB gives."""
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after


class Outbox:
    """Sends the outbox; one instance per process.

    Args:
        storage: Where the messages wait.
        bot: The Telegram bot sending them.
        pacing: Limits and retry timing.
        admins: User ids told about disabled chats and refused messages.
        link_previews: Whether posts show link previews.
        renderer: Renders the notices to the admins (``templates/replies.html``).
    """

    def __init__(
        self,
        storage: Storage,
        bot: Bot,
        *,
        pacing: Pacing,
        admins: Sequence[int],
        link_previews: bool = False,
        renderer: Renderer | None = None,
    ) -> None:
        self._storage = storage
        self._renderer = renderer or Renderer()
        self._bot = bot
        self._pacing = pacing
        self._admins = tuple(str(a) for a in admins)
        self._previews = LinkPreviewOptions(is_disabled=not link_previews)
        self._global = _Window(pacing.messages_per_second, pacing.period_scale + pacing.margin)
        self._chats: dict[str, _Window] = {}
        self._global_lock = asyncio.Lock()
        self._drain_lock = asyncio.Lock()
        self._requests = asyncio.Semaphore(pacing.concurrency)
        self._answered = asyncio.Event()
        self._clock: Callable[[], float] = time.monotonic
        self._counts: dict[str, int] = {}
        self._disabled: list[str] = []

    async def drain(self) -> DrainReport:
        """Send every due message of every enabled chat; return when none is left to try."""
        async with self._drain_lock:
            self._counts = {"sent": 0, "failed": 0, "retried": 0}
            self._disabled = []
            while True:
                due = [m for m in self._storage.unsent_messages() if m.not_before <= time.time()]
                if not due:
                    break
                by_chat: dict[str, list[OutboxMessage]] = {}
                for message in due:
                    by_chat.setdefault(message.chat, []).append(message)
                progress = await asyncio.gather(
                    *(self._deliver_chat(chat, queue) for chat, queue in by_chat.items())
                )
                if not any(progress):
                    break
            return DrainReport(
                sent=self._counts["sent"],
                failed=self._counts["failed"],
                retried=self._counts["retried"],
                waiting=len(self._storage.unsent_messages()),
                disabled=tuple(self._disabled),
            )

    async def _deliver_chat(self, chat: str, queue: Sequence[OutboxMessage]) -> bool:
        """Send one chat's messages in order; return whether any reached a final state."""
        progress = False
        for message in queue:
            done = await self._deliver(message)
            progress = progress or done != "later"
            if done in ("later", "disabled"):
                break
        return progress

    async def _deliver(self, message: OutboxMessage) -> str:
        """Send one message until it is sent, refused, or has to wait for a later round."""
        self._storage.mark_sending(message.id)
        attempts = message.attempts
        tries = 0
        while True:
            try:
                sent = await self._send(message)
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
                attempts, tries = attempts + 1, tries + 1
                delay = min(
                    self._pacing.retry_max_delay,
                    self._pacing.retry_base_delay * 2 ** (attempts - 1),
                )
                logger.warning(
                    "Sending to %s failed (%s); retry in %.1f s", message.chat, err, delay
                )
                self._counts["retried"] += 1
                if tries >= self._pacing.retries_per_drain:
                    self._storage.mark_pending(
                        message.id,
                        attempts=attempts,
                        not_before=time.time() + delay,
                        error=str(err),
                    )
                    return "later"
                await asyncio.sleep(delay)
                continue
            except TelegramError as err:  # e.g. ChatMigrated: needs a person to look
                return self._refused(message, err, disable=False)
            self._storage.mark_sent(message.id, telegram_id=sent, now=datetime.now(UTC))
            self._counts["sent"] += 1
            return "sent"

    async def _send(self, message: OutboxMessage) -> int:
        chat_window = self._chat_window(message)
        # A chat's messages go one at a time (one task per chat), so its window is never
        # waiting for an answer, and one sleep frees a place.
        await asyncio.sleep(chat_window.wait(self._clock()) or 0.0)
        async with self._requests:
            async with self._global_lock:
                await self._acquire_global()
                self._global.start()
                chat_window.start()
            try:
                return await self._request(message)
            finally:
                now = self._clock()
                self._global.finish(now)
                chat_window.finish(now)
                self._answered.set()

    async def _acquire_global(self) -> None:
        """Wait for a free place in the overall window (the caller holds the lock)."""
        while (wait := self._global.wait(self._clock())) != 0.0:
            if wait is None:
                self._answered.clear()
                await self._answered.wait()
            else:
                await asyncio.sleep(wait)

    async def _request(self, message: OutboxMessage) -> int:
        markup = (
            InlineKeyboardMarkup.de_json(dict(message.markup), self._bot)
            if message.markup
            else None
        )
        sent = await self._bot.send_message(
            chat_id=chat_id(message.chat),
            text=message.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=self._previews,
        )
        return sent.message_id

    def _chat_window(self, message: OutboxMessage) -> _Window:
        if message.chat not in self._chats:
            limit, period = (
                (self._pacing.private_messages_per_second, 1.0)
                if message.kind == "private"
                else (self._pacing.group_messages_per_minute, 60.0)
            )
            period *= self._pacing.period_scale
            self._chats[message.chat] = _Window(limit, period + self._pacing.margin)
        return self._chats[message.chat]

    def _refused(self, message: OutboxMessage, err: TelegramError, *, disable: bool) -> str:
        reason = err.message
        is_notice_to_admin = message.digest_id is None and message.chat in self._admins
        now = datetime.now(UTC)
        if disable and not is_notice_to_admin:
            logger.warning("Disabling chat %s: %s", message.chat, reason)
            self._storage.mark_pending(
                message.id, attempts=message.attempts, not_before=0.0, error=reason
            )
            if self._storage.disable_chat(message.chat, reason=reason, now=now):
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
        text = self._renderer.reply(notice, chat=chat, reason=reason)
        now = datetime.now(UTC)
        with self._storage.transaction():
            for admin in self._admins:
                self._storage.enqueue_notice(admin, kind="private", text=text, now=now)
