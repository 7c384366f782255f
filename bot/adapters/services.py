"""The long-lived services of the running bot, kept under one ``bot_data`` key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from telegram.ext import CallbackContext

from bot.adapters.alerts import Alerts
from bot.adapters.fetch import Fetcher
from bot.adapters.leader import Leadership
from bot.adapters.options import Settings
from bot.adapters.outbox import Outbox
from bot.adapters.poller import FeedPoller
from bot.adapters.posting import Publisher
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from bot.adapters.worker import BuildWorker
from bot.core.language import Language

#: The one ``bot_data`` key; everything else the handlers need hangs off :class:`Services`.
SERVICES_KEY = "kurzlage"

#: A clock: returns the current time as an aware datetime (any zone).
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Return the current time (aware, UTC): the clock of the running bot."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    """Everything handlers and jobs share.

    Opened in ``post_init``, closed in ``post_shutdown``; never pickled (no PTB persistence).
    ``clock`` is the bot's one clock: handlers and jobs ask :meth:`now`, never ``datetime``.
    """

    settings: Settings
    storage: Storage
    renderer: Renderer
    outbox: Outbox
    publisher: Publisher
    fetcher: Fetcher
    client: httpx.AsyncClient
    lang: Language
    alerts: Alerts
    worker: BuildWorker
    clock: Clock = system_clock
    poller: FeedPoller | None = None
    #: The term this instance leads in (two instances on PostgreSQL); None: it runs alone.
    leadership: Leadership | None = None

    def now(self) -> datetime:
        """Return the current time, aware, in ``digest.timezone``."""
        return self.clock().astimezone(ZoneInfo(self.settings.digest.timezone))


def services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    """Return the services of the running application.

    Raises:
        RuntimeError: Called before ``post_init`` stored them (a wiring bug).
    """
    found = context.bot_data.get(SERVICES_KEY)
    if not isinstance(found, Services):
        raise RuntimeError("Services are missing from bot_data: post_init has not run")
    return found
