"""Admin commands (user ids in ``bot.admins``): /jetzt, /vorschau, /push and /status.

Anyone else gets a polite refusal and nothing happens. Posts go through the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime

from telegram import Chat, Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.adapters.fetch import RefusedError
from bot.adapters.jobs import ingest_inbox
from bot.adapters.posting import NoTargets, Posted
from bot.adapters.services import Services, services
from bot.adapters.telegram import is_admin, reply
from bot.errors import FetchError

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
# An http(s) link as the whole argument of /push: summarise that article.
_URL = re.compile(r"https?://\S+")


async def _refused(update: Update, s: Services) -> bool:
    """Refuse anyone but the bot's admins politely; True when refused."""
    if is_admin(update, s):
        return False
    await reply(update, [s.renderer.reply("not_admin")])
    return True


async def jetzt(update: Update, context: Context) -> None:
    """``/jetzt`` (admins): post a digest of what is new now."""
    s = services(context)
    if await _refused(update, s):
        return
    await ingest_inbox(s)
    try:
        posted = await s.publisher.post_digest(now=s.now())
    except NoTargets:
        await reply(update, [s.renderer.reply("no_targets")])
        return
    if posted is None:
        await reply(update, [s.renderer.reply("nothing_new")])
        return
    await reply(
        update,
        [
            s.renderer.reply(
                "posted",
                digest=posted.digest_id,
                stories=posted.stories,
                chats=len(s.storage.delivery_chats(posted.digest_id)),  # not switched-off ones
            )
        ],
    )
    await s.outbox.drain()


async def vorschau(update: Update, context: Context) -> None:
    """``/vorschau`` (admins): show the next digest privately, without posting it."""
    s = services(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or await _refused(update, s):
        return
    await ingest_inbox(s)
    digest = await s.publisher.build(now=s.now())
    if not digest.stories:
        await reply(update, [s.renderer.reply("nothing_new")])
        return
    try:
        for page in s.renderer.digest_messages(digest):
            await context.bot.send_message(user.id, page.text)
    except Forbidden:
        await reply(update, [s.renderer.reply("preview_needs_private_chat")])
        return
    if chat.type != Chat.PRIVATE:
        await reply(update, [s.renderer.reply("preview_sent")])


async def push(update: Update, context: Context) -> None:
    """``/push <text>`` or ``/push <url>`` (admins): post to every channel at once."""
    s = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or await _refused(update, s):
        return
    _, _, text = (message.text or "").partition(" ")
    text = text.strip()
    if not text:
        await reply(update, [s.renderer.reply("usage_push")])
        return
    if not s.settings.bot.channels:
        await reply(update, [s.renderer.reply("push_no_channels")])
        return
    if _URL.fullmatch(text):
        # Fetching may take up to fetch.deadline: it runs as a task of its own, so the bot
        # answers everyone else meanwhile (errors still reach the error handler).
        context.application.create_task(_push_url(update, s, text), update=update)
        return
    posted = s.publisher.post_text(text, author=user.full_name, now=s.now())
    await _posted(update, s, posted, failure=s.renderer.reply("push_too_long"))


async def _push_url(update: Update, s: Services, url: str) -> None:
    """Fetch a pushed link (refused inside the network), summarise it and post it."""
    try:
        article = await s.fetcher.fetch_article(url, guard=True)
    except RefusedError as err:
        logger.warning("/push refused: %s", err)
        await reply(update, [s.renderer.reply("push_refused")])
        return
    except FetchError as err:
        logger.warning("/push: %s", err)
        await reply(update, [s.renderer.reply("push_fetch_failed")])
        return
    earlier = s.storage.article_digest(article.id)
    if earlier is not None:  # each article reaches each chat at most once
        await reply(update, [s.renderer.reply("push_already_posted", digest=earlier)])
        return
    posted = await s.publisher.post_article(article, now=s.now())
    await _posted(update, s, posted, failure=s.renderer.reply("push_no_text"))


async def _posted(update: Update, s: Services, posted: Posted | None, *, failure: str) -> None:
    if posted is None:
        await reply(update, [failure])
        return
    chats = len(s.storage.delivery_chats(posted.digest_id))  # not switched-off ones
    await reply(update, [s.renderer.reply("push_posted", chats=chats)])
    await s.outbox.drain()


async def status(update: Update, context: Context) -> None:
    """``/status`` (admins): leader, last and next run, waiting articles, outbox, chats."""
    s = services(context)
    if await _refused(update, s):
        return
    # Two instances on PostgreSQL: who leads, as the server knows it (a network round trip).
    leader = (
        await asyncio.to_thread(s.leadership.election.current_leader)
        if s.leadership is not None
        else None
    )
    last_run = s.storage.meta("last_run")
    runs = (
        [job.next_t for job in context.job_queue.jobs() if job.name == "digest"]
        if context.job_queue
        else []
    )
    page = s.renderer.render(
        "status.html",
        leading=s.leadership is not None,
        leader=leader,
        last_run=datetime.fromisoformat(last_run) if last_run else None,
        next_run=min((t for t in runs if t is not None), default=None),
        schedule=s.settings.bot.schedule,
        timezone=s.settings.digest.timezone,
        waiting=s.storage.count_new_articles(),
        retired=s.storage.count_retired_articles(),
        carry_hours=s.settings.digest.carry_hours,
        outbox=s.storage.outbox_counts(),
        channels=s.settings.bot.channels,
        subscriptions=len(s.storage.subscriptions()),
        disabled=s.storage.disabled_chats(),
    )
    configured = {feed.url for feed in s.settings.feeds}
    failing = [f for f in s.storage.feed_states() if f.failures and f.url in configured]
    if failing:
        page += "\n\n" + s.renderer.render("feeds_status.html", failing=failing)
    await reply(update, [page])
