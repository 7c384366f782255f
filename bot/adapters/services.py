"""The long-lived services of the running bot, kept under one ``bot_data`` key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from telegram.ext import CallbackContext

from bot.adapters.fetch import Fetcher
from bot.adapters.outbox import Outbox
from bot.adapters.poller import FeedPoller
from bot.adapters.posting import Publisher
from bot.adapters.render import Renderer
from bot.adapters.storage import Storage
from bot.core.language import Language
from bot.settings import Settings

#: The one ``bot_data`` key; everything else the handlers need hangs off :class:`Services`.
SERVICES_KEY = "kurzlage"


@dataclass(frozen=True, slots=True)
class Services:
    """Everything handlers and jobs share.

    Opened in ``post_init``, closed in ``post_shutdown``; never pickled (no PTB persistence).
    """

    settings: Settings
    storage: Storage
    renderer: Renderer
    outbox: Outbox
    publisher: Publisher
    fetcher: Fetcher
    client: httpx.AsyncClient
    lang: Language
    poller: FeedPoller | None = None


def services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    """Return the services of the running application.

    Raises:
        RuntimeError: Called before ``post_init`` stored them (a wiring bug).
    """
    found = context.bot_data.get(SERVICES_KEY)
    if not isinstance(found, Services):
        raise RuntimeError("Services are missing from bot_data: post_init has not run")
    return found
