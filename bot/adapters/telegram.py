"""Telegram handlers and job callbacks: parse the input, call the core, render, reply.

Replies to commands go straight back to the chat that asked. Posts (digests, pushes,
notices) go through the persisted outbox (``bot.adapters.outbox``).
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Chat, ChatMember, Message, Update
from telegram.error import Forbidden, RetryAfter
from telegram.ext import ContextTypes

from bot import messages
from bot.adapters.outbox import retry_seconds
from bot.core.models import Digest
from bot.errors import FetchError
from bot.serialize import digest_from_dict
from bot.services import Services, services

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
# Deep-link payload of the channel buttons: q_<digest>_<story> (sources), z_… (figures).
_PAYLOAD = re.compile(r"([qz])_(\d{1,12})_(\d{1,3})")
_CALLBACK = re.compile(r"([qz]):(\d{1,12}):(\d{1,3})")
_USAGE = {"q": messages.USAGE_QUELLE, "z": messages.USAGE_ZAHLEN}
# A reply hit by 429 is retried after Telegram's retry_after this many times before the
# error handler takes over (Telegram has never asked for more than two waits in a row here).
REPLY_ATTEMPTS = 5
# Error notices to admins are cut to this many characters (a traceback can be huge; the
# full one is in the log).
ERROR_NOTICE_CHARS = 1000


def _now(s: Services) -> datetime:
    return datetime.now(ZoneInfo(s.settings.digest.timezone))


async def _retrying(send: Callable[[], Awaitable[object]]) -> None:
    """Send, waiting out 429s: a reply is paced by Telegram's answer, never dropped."""
    for attempt in range(REPLY_ATTEMPTS):
        try:
            await send()
            return
        except RetryAfter as err:
            if attempt == REPLY_ATTEMPTS - 1:
                raise
            await asyncio.sleep(retry_seconds(err.retry_after))


async def _reply(update: Update, texts: Sequence[str]) -> None:
    message = update.effective_message
    if message is None:
        return
    for text in texts:
        await _retrying(lambda text=text: message.reply_text(text))  # type: ignore[misc]


def _is_admin(update: Update, s: Services) -> bool:
    user = update.effective_user
    return user is not None and user.id in s.settings.bot.admins


def _chat_key(chat: Chat) -> str:
    return str(chat.id)


# -- /start, /hilfe ------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    """Greet, or answer a deep link ``q_<digest>_<story>`` / ``z_…`` from a channel button."""
    s = services(context)
    match = _PAYLOAD.fullmatch(context.args[0]) if context.args else None
    if match is None:
        await hilfe(update, context)
        return
    kind, digest_id, story = match.group(1), int(match.group(2)), int(match.group(3))
    await _reply(update, _facts(s, kind, digest_id, story or None))


async def hilfe(update: Update, context: Context) -> None:
    """Explain what the bot does and list the commands."""
    s = services(context)
    await _reply(update, [s.renderer.render("hilfe.html", admin=_is_admin(update, s))])


# -- /quelle, /zahlen and their buttons ----------------------------------------------------


def _facts(s: Services, kind: str, digest_id: int | None, story: int | None) -> list[str]:
    """Return the /quelle or /zahlen pages, or one line saying why there are none."""
    if digest_id is None:
        return [messages.NO_DIGEST]
    stored = s.storage.digest(digest_id)
    if stored is None:
        return [messages.GONE_DIGEST]
    digest: Digest = digest_from_dict(dict(stored.data))
    if story is not None and not 1 <= story <= len(digest.stories):
        count = len(digest.stories)
        return [messages.NO_SUCH_STORY.format(count=count, usage=_USAGE[kind])]
    render = s.renderer.quelle if kind == "q" else s.renderer.zahlen
    return list(render(digest, story=story))


def _story_argument(args: Sequence[str] | None) -> int | str | None:
    """Return the story number, None without one, or "bad" for a wrong argument."""
    if not args:
        return None
    if len(args) == 1 and args[0].isdigit() and int(args[0]) >= 1:
        return int(args[0])
    return "bad"


async def _facts_command(update: Update, context: Context, kind: str) -> None:
    s = services(context)
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    story = _story_argument(context.args)
    if story == "bad":
        await _reply(update, [_USAGE[kind]])
        return
    digest_id = None
    if message.reply_to_message is not None:
        digest_id = s.storage.digest_of_message(
            _chat_key(chat), message.reply_to_message.message_id
        )
    if digest_id is None:
        digest_id = s.storage.latest_digest_id(_chat_key(chat))
    await _reply(update, _facts(s, kind, digest_id, story if isinstance(story, int) else None))


async def quelle(update: Update, context: Context) -> None:
    """``/quelle [N]``: the sources of the latest (or replied-to) digest, or of story N."""
    await _facts_command(update, context, "q")


async def zahlen(update: Update, context: Context) -> None:
    """``/zahlen [N]``: the key figures of the latest (or replied-to) digest, or of story N."""
    await _facts_command(update, context, "z")


async def button(update: Update, context: Context) -> None:
    """Answer a ``Quellen``/``Zahlen`` button in a group by replying to the digest post."""
    s = services(context)
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    match = _CALLBACK.fullmatch(query.data or "")
    if match is None or not isinstance(query.message, Message):
        return
    kind, digest_id, story = match.group(1), int(match.group(2)), int(match.group(3))
    target = query.message
    for text in _facts(s, kind, digest_id, story or None):
        await _retrying(lambda text=text: target.reply_text(text, do_quote=True))  # type: ignore[misc]


# -- subscriptions -------------------------------------------------------------------------


async def _may_manage(update: Update, context: Context) -> bool:
    """A private chat manages itself; in a group only its admins may."""
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None or chat.type == Chat.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin writing as the group
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def _managed_chat(update: Update, context: Context) -> Chat | None:
    """Return the chat if this user may manage its subscription, else say why and None."""
    chat = update.effective_chat
    if chat is None:
        return None
    if not await _may_manage(update, context):
        await _reply(update, [messages.GROUP_ADMINS_ONLY])
        return None
    return chat


async def abo(update: Update, context: Context) -> None:
    """``/abo``: subscribe this chat to digests."""
    s = services(context)
    chat = await _managed_chat(update, context)
    if chat is None:
        return
    kind = "private" if chat.type == Chat.PRIVATE else "group"
    title = chat.title or chat.full_name or str(chat.id)
    new = s.storage.subscribe(_chat_key(chat), kind=kind, title=title, now=_now(s))
    await _reply(update, [messages.SUBSCRIBED if new else messages.ALREADY_SUBSCRIBED])


async def abbestellen(update: Update, context: Context) -> None:
    """``/abbestellen``: end this chat's subscription."""
    s = services(context)
    chat = await _managed_chat(update, context)
    if chat is None:
        return
    ended = s.storage.unsubscribe(_chat_key(chat))
    await _reply(update, [messages.UNSUBSCRIBED if ended else messages.NOT_SUBSCRIBED])


# -- admin commands ------------------------------------------------------------------------


async def jetzt(update: Update, context: Context) -> None:
    """``/jetzt`` (admins): post a digest of what is new now."""
    s = services(context)
    if not _is_admin(update, s):
        await _reply(update, [messages.NOT_ADMIN])
        return
    _ingest(s)
    posted = s.publisher.post_digest(now=_now(s))
    if posted is None:
        await _reply(update, [messages.NOTHING_NEW])
        return
    await _reply(
        update,
        [
            messages.POSTED.format(
                digest=posted.digest_id, stories=posted.stories, chats=posted.chats
            )
        ],
    )
    await s.outbox.drain()


async def vorschau(update: Update, context: Context) -> None:
    """``/vorschau`` (admins): show the next digest privately, without posting it."""
    s = services(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or not _is_admin(update, s):
        await _reply(update, [messages.NOT_ADMIN])
        return
    _ingest(s)
    digest = s.publisher.build(now=_now(s))
    if not digest.stories:
        await _reply(update, [messages.NOTHING_NEW])
        return
    try:
        for page in s.renderer.digest_messages(digest):
            await _retrying(lambda text=page.text: context.bot.send_message(user.id, text))  # type: ignore[misc]
    except Forbidden:
        await _reply(update, [messages.PREVIEW_NEEDS_PRIVATE_CHAT])
        return
    if chat.type != Chat.PRIVATE:
        await _reply(update, [messages.PREVIEW_SENT])


async def push(update: Update, context: Context) -> None:
    """``/push <text>`` or ``/push <url>`` (admins): post to every channel at once."""
    s = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not _is_admin(update, s):
        await _reply(update, [messages.NOT_ADMIN])
        return
    _, _, text = (message.text or "").partition(" ")
    text = text.strip()
    if not text:
        await _reply(update, [messages.USAGE_PUSH])
        return
    if not s.settings.bot.channels:
        await _reply(update, [messages.PUSH_NO_CHANNELS])
        return
    if re.fullmatch(r"https?://\S+", text):
        try:
            article = await s.fetcher.fetch_article(text)
        except FetchError as err:
            logger.warning("/push: %s", err)
            await _reply(update, [messages.PUSH_FETCH_FAILED])
            return
        posted = s.publisher.post_article(article, now=_now(s))
        failure = messages.PUSH_NO_TEXT
    else:
        posted = s.publisher.post_text(text, author=user.full_name, now=_now(s))
        failure = messages.PUSH_TOO_LONG
    if posted is None:
        await _reply(update, [failure])
        return
    await _reply(update, [messages.PUSH_POSTED.format(chats=posted.chats)])
    await s.outbox.drain()


async def status(update: Update, context: Context) -> None:
    """``/status`` (admins): last and next run, waiting articles, outbox, disabled chats."""
    s = services(context)
    if not _is_admin(update, s):
        await _reply(update, [messages.NOT_ADMIN])
        return
    last_run = s.storage.meta("last_run")
    runs = (
        [job.next_t for job in context.job_queue.jobs() if job.name == "digest"]
        if context.job_queue
        else []
    )
    page = s.renderer.render(
        "status.html",
        last_run=datetime.fromisoformat(last_run) if last_run else None,
        next_run=min((t for t in runs if t is not None), default=None),
        schedule=s.settings.bot.schedule,
        timezone=s.settings.digest.timezone,
        waiting=s.storage.count_new_articles(),
        outbox=s.storage.outbox_counts(),
        channels=s.settings.bot.channels,
        subscriptions=len(s.storage.subscriptions()),
        disabled=s.storage.disabled_chats(),
    )
    await _reply(update, [page])


async def unknown(update: Update, context: Context) -> None:
    """Any other command: say so, with where to look (in groups only when addressed to us)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    command = (message.text or "").split()[0] if message.text else ""
    if chat.type != Chat.PRIVATE and f"@{context.bot.username}".lower() not in command.lower():
        return  # meant for another bot in the group
    await _reply(update, [messages.UNKNOWN_COMMAND])


# -- membership changes and errors ---------------------------------------------------------


async def my_chat_member(update: Update, context: Context) -> None:
    """Enable a chat again when the bot is made admin or member there; disable on removal."""
    s = services(context)
    change = update.my_chat_member
    if change is None:
        return
    chat = change.chat
    keys = [_chat_key(chat)] + ([f"@{chat.username}"] if chat.username else [])
    status = change.new_chat_member.status
    if status in (ChatMember.ADMINISTRATOR, ChatMember.MEMBER, ChatMember.OWNER):
        if any([s.storage.enable_chat(key) for key in keys]):
            logger.info("Chat %s enabled again", keys[0])
            await s.outbox.drain()
    elif status in (ChatMember.BANNED, ChatMember.LEFT):
        for key in keys:
            s.storage.disable_chat(key, reason=f"bot {status}", now=_now(s))


async def error_handler(update: object, context: Context) -> None:
    """Log every error with its traceback, tell the admins, and the user a short sorry."""
    logger.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return  # polling or job errors: the log has them, admins need no alert per retry
    s = services(context)
    detail = html.escape(f"{type(context.error).__name__}: {context.error}")[:ERROR_NOTICE_CHARS]
    for admin in s.settings.bot.admins:
        s.storage.enqueue_notice(
            str(admin),
            kind="private",
            text=messages.ERROR_NOTICE.format(error=detail),
            now=_now(s),
        )
    if update.effective_message is not None:
        await update.effective_message.reply_text(messages.SORRY)
    await s.outbox.drain()


# -- jobs ----------------------------------------------------------------------------------


def _ingest(s: Services) -> None:
    now = _now(s)
    if s.settings.bot.seeds and not s.storage.meta("seeded"):
        s.publisher.ingest(Path(s.settings.bot.seeds), now=now)
        s.storage.set_meta("seeded", now.isoformat())
    s.publisher.ingest(Path(s.settings.bot.inbox), now=now)


async def ingest_job(context: Context) -> None:
    """Pick up new article files from the inbox (and the seeds on the very first start)."""
    _ingest(services(context))


async def digest_job(context: Context) -> None:
    """Post a digest of the new articles to every target chat; nothing when nothing is new."""
    s = services(context)
    now = _now(s)
    _ingest(s)
    posted = s.publisher.post_digest(now=now)
    s.storage.set_meta("last_run", now.isoformat())
    if posted is None:
        logger.info("Digest run at %s: nothing new, nothing posted", now)
        return
    await s.outbox.drain()


async def outbox_job(context: Context) -> None:
    """Send what waits in the outbox (after a restart, a retry delay, a re-enabled chat)."""
    await services(context).outbox.drain()
