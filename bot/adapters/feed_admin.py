"""``/feeds`` (admins): the configured feeds with their health.

The settings file is the source of truth for which feeds are polled; this command only shows
them (adding or removing a feed is an edit of ``[[feeds]]`` and a restart).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import MessageLimit
from telegram.ext import ContextTypes

from bot.adapters.render import telegram_length
from bot.adapters.services import services
from bot.adapters.telegram import is_admin, reply

Context = ContextTypes.DEFAULT_TYPE


async def feeds(update: Update, context: Context) -> None:
    """``/feeds`` (admins): each configured feed, its last success and its failures."""
    s = services(context)
    if not is_admin(update, s):
        await reply(update, [s.renderer.reply("not_admin")])
        return
    states = {state.url: state for state in s.storage.feed_states()}
    pairs = [(feed, states.get(feed.url)) for feed in s.settings.feeds]
    pages: list[str] = []
    current: list[Any] = []
    for pair in pairs:  # as many feeds per message as fit, in the settings' order
        page = s.renderer.render("feeds.html", feeds=[*current, pair])
        if current and telegram_length(page) > MessageLimit.MAX_TEXT_LENGTH:
            pages.append(s.renderer.render("feeds.html", feeds=current))
            current = []
        current.append(pair)
    pages.append(s.renderer.render("feeds.html", feeds=current))
    await reply(update, pages)
