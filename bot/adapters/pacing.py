"""Pacing of every message the bot sends, and the retries of replies and notices.

:class:`Pacing` is python-telegram-bot's rate limiter hook (``ApplicationBuilder.rate_limiter``),
so every request of the bot passes through it, outbox posts and command replies alike: one
place keeps Telegram's limits (core.telegram.org/bots/faq, "My bot is hitting limits"):

* about ``messages_per_second`` (30) messages per second over all chats;
* about one message per second into one chat (``private_messages_per_second``): a chat's
  pages and replies go out at least a second apart;
* at most ``group_messages_per_minute`` (20) per minute into one group or channel.

Each limit is a sliding window that holds a request's place from its start until one period
after its answer, so however the network delays requests, no window Telegram counts can hold
more than the limit. Windows run on one monotonic clock; wall-clock times are the callers'.

Messages that are not the outbox's (command replies, direct notices) also get the outbox's
transient-error policy here: a 429 waits its ``retry_after``; a dropped
connection or a 5xx is retried with backoff; a timeout, after which Telegram may already have
posted the message, is resent at most once (:data:`TIMEOUT_RESENDS`). The outbox passes a
:class:`Ticket` and handles errors itself, because it records every attempt in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from bot.adapters.options import BotSettings

logger = logging.getLogger(__name__)

JSONAnswer = bool | dict[str, Any] | list[dict[str, Any]]
# Added to every window against clock granularity at the window's edge. Re-run the fan-out
# benchmark (benchmarks/bench_fanout.py) after changing it: it must stay free of 429s.
WINDOW_MARGIN = 0.002
# A request that timed out may have reached Telegram: it is sent again at most this many
# times, so a message exists at most twice (see the README, "Reliability").
TIMEOUT_RESENDS = 1
# A reply waits out at most this many 429s in a row before the error handler takes over
# (Telegram has never asked for more than two waits in a row here); posts wait without limit.
REPLY_429_WAITS = 5
# Chats whose windows are kept before idle ones are dropped (a window is a few hundred bytes).
_CHATS_KEPT = 10_000
# Requests that post something: paced per chat. Everything else (getChatMember,
# answerCallbackQuery, setMyCommands) only counts against the overall window.
_POSTING = ("send", "copyMessage", "forwardMessage")


class NotClaimed(Exception):
    """The outbox's claim on a message failed when its turn came: it is not sent."""


@dataclass(slots=True)
class Ticket:
    """The outbox's ``rate_limit_args``: no retries here, and tells when the request started.

    ``claim``, when given, is called once the request's turn has come (its place in the
    limits taken, nothing more to wait for) and right before it goes out; False stops it
    with :class:`NotClaimed`. So the outbox claims a row only when it sends it: an instance
    that lost the lead while its sends waited for their turn sends none of them.
    """

    claim: Callable[[], bool] | None = None
    started: bool = False


@dataclass(slots=True)
class _Window:
    """At most ``limit`` requests in any ``period`` seconds, counted conservatively."""

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


def retry_seconds(retry_after: int | timedelta) -> float:
    """Return a ``RetryAfter.retry_after`` in seconds, whichever form PTB gives."""
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after


def uncertain(err: NetworkError) -> bool:
    """Tell whether Telegram may have received the request that failed with ``err``.

    A refused connection, a full pool or a 5xx answer means nothing was posted; a timeout
    while waiting for the answer, or a connection dropped after the request went out, means
    the message may be in the chat already.
    """
    cause = err.__cause__
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return False
    return isinstance(cause, httpx.TimeoutException | httpx.RemoteProtocolError | httpx.ReadError)


def backoff(settings: BotSettings, attempt: int) -> float:
    """Return the delay before retry number ``attempt`` (1-based): doubling, capped."""
    return float(min(settings.retry_max_delay, settings.retry_base_delay * 2 ** (attempt - 1)))


class Pacing(BaseRateLimiter[Ticket]):
    """Telegram's limits for every request of the bot (see the module docstring).

    Args:
        settings: The ``[bot]`` limits and retry delays.
        clock: The monotonic clock of the windows.
        period_scale: Multiplies the limits' periods (1 s, 60 s); tests shrink them.
        margin: Seconds added to every window.
    """

    def __init__(
        self,
        settings: BotSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        period_scale: float = 1.0,
        margin: float = WINDOW_MARGIN,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._scale = period_scale
        self._margin = margin
        self._global = _Window(settings.messages_per_second, period_scale + margin)
        self._chats: dict[str, tuple[_Window, ...]] = {}
        self._changed = asyncio.Condition()

    async def initialize(self) -> None:
        """Nothing to open: the windows live in memory."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONAnswer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Ticket | None,
    ) -> JSONAnswer:
        """Send within the limits; retry transient errors unless the outbox sends."""
        chat = data.get("chat_id") if endpoint.startswith(_POSTING) else None
        windows = (self._global, *self._chat_windows(str(chat))) if chat else (self._global,)
        if rate_limit_args is not None:  # the outbox: it handles and records errors
            return await self._paced(windows, callback, args, kwargs, rate_limit_args)
        if chat is None:  # getMe, getChatMember, setMyCommands…: PTB's and the caller's errors
            return await self._paced(windows, callback, args, kwargs, Ticket())
        failures = timeouts = waits = 0
        while True:
            try:
                return await self._paced(windows, callback, args, kwargs, Ticket())
            except RetryAfter as err:
                waits += 1
                if waits > REPLY_429_WAITS:
                    raise
                wait = retry_seconds(err.retry_after)
                logger.info("429 from Telegram on %s: waiting %.1f s", endpoint, wait)
                await asyncio.sleep(wait)
            except BadRequest:
                raise
            except NetworkError as err:  # timeouts, dropped connections, 5xx
                if uncertain(err):
                    timeouts += 1
                    if timeouts > TIMEOUT_RESENDS:
                        raise
                    logger.warning("%s: no answer (%s); sending it once more", endpoint, err)
                    continue
                failures += 1
                if failures >= self._settings.retries_per_drain:
                    raise
                delay = backoff(self._settings, failures)
                logger.warning("%s failed (%s); retry in %.1f s", endpoint, err, delay)
                await asyncio.sleep(delay)

    async def _paced(
        self,
        windows: tuple[_Window, ...],
        callback: Callable[..., Coroutine[Any, Any, JSONAnswer]],
        args: Any,
        kwargs: dict[str, Any],
        ticket: Ticket,
    ) -> JSONAnswer:
        async with self._changed:
            while True:
                waits = [w.wait(self._clock()) for w in windows]
                if all(w == 0.0 for w in waits):
                    break
                timeout = max((w for w in waits if w), default=None)
                with contextlib.suppress(TimeoutError):  # a window's place came free
                    await asyncio.wait_for(self._changed.wait(), timeout)
            for window in windows:
                window.start()
        try:
            if ticket.claim is not None and not ticket.claim():
                raise NotClaimed
            ticket.started = True
            return await callback(*args, **kwargs)
        finally:
            now = self._clock()
            for window in windows:
                window.finish(now)
            async with self._changed:
                self._changed.notify_all()

    def _chat_windows(self, chat: str) -> tuple[_Window, ...]:
        if chat not in self._chats:
            if len(self._chats) >= _CHATS_KEPT:
                self._forget_idle_chats()
            # Private chats have positive ids; groups and channels negative ids or @names.
            private = chat.isdigit()
            per_second = _Window(
                self._settings.private_messages_per_second, self._scale + self._margin
            )
            per_minute = _Window(
                self._settings.group_messages_per_minute, 60.0 * self._scale + self._margin
            )
            self._chats[chat] = (per_second,) if private else (per_second, per_minute)
        return self._chats[chat]

    def _forget_idle_chats(self) -> None:
        """Drop the windows of chats with nothing in them (memory stays bounded)."""
        now = self._clock()
        for chat, windows in list(self._chats.items()):
            if all(w.wait(now) == 0.0 and not w.ends and not w.open for w in windows):
                del self._chats[chat]
