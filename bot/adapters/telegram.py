"""Telegram command and button handlers: parse the input, call the core, render, reply.

Replies to commands go straight back to the chat that asked. Posts (digests, pushes,
notices) go through the persisted outbox (``bot.adapters.outbox``). Job callbacks are in
``bot.adapters.jobs``, admin commands in ``bot.adapters.admin``, membership changes and
the error handler in ``bot.adapters.events``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, BotCommand, BotCommandScopeChat, Chat, ChatMember, Message, Update
from telegram.constants import MessageLimit
from telegram.error import RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.adapters.outbox import retry_seconds
from bot.adapters.render import Command, telegram_length
from bot.adapters.services import Services, services

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
# Deep-link payload of the channel buttons: q_<digest>_<story> (sources), z_… (figures).
_PAYLOAD = re.compile(r"([qz])_(\d{1,12})_(\d{1,3})")
_CALLBACK = re.compile(r"([qz]):(\d{1,12}):(\d{1,3})")
# The usage line of each kind of answer (macros of templates/replies.html).
_USAGE = {"q": "usage_quelle", "z": "usage_zahlen"}
# A reply hit by 429 is retried after Telegram's retry_after this many times before the
# error handler takes over (Telegram has never asked for more than two waits in a row here).
REPLY_ATTEMPTS = 5


async def retrying(send: Callable[[], Awaitable[object]]) -> None:
    """Send, waiting out 429s: a reply is paced by Telegram's answer, never dropped."""
    for attempt in range(REPLY_ATTEMPTS):
        try:
            await send()
            return
        except RetryAfter as err:
            if attempt == REPLY_ATTEMPTS - 1:
                raise
            await asyncio.sleep(retry_seconds(err.retry_after))


async def reply(update: Update, texts: Sequence[str]) -> None:
    """Answer in the chat the update came from, one message per text, in order."""
    message = update.effective_message
    if message is None:
        return
    for text in texts:
        await retrying(lambda text=text: message.reply_text(text))  # type: ignore[misc]


def is_admin(update: Update, s: Services) -> bool:
    """Tell whether the update's user is an operator of the bot (``bot.admins``)."""
    user = update.effective_user
    return user is not None and user.id in s.settings.bot.admins


def _chat_key(chat: Chat) -> str:
    return str(chat.id)


# -- the command menu ----------------------------------------------------------------------


async def register_commands(
    bot: Bot, commands: Sequence[Command], *, admins: Sequence[int]
) -> None:
    """Set Telegram's command menu: readers' commands for everyone, all for each admin.

    Admin commands are registered only for the admins' private chats (``BotCommandScopeChat``),
    so no reader's menu shows them. An admin who never started a chat with the bot cannot
    get a menu yet ("chat not found"); that is logged and the others still get theirs.
    """
    await bot.set_my_commands(
        [BotCommand(c.command, c.description) for c in commands if not c.admin]
    )
    everything = [BotCommand(c.command, c.description) for c in commands]
    for user_id in admins:
        try:
            await bot.set_my_commands(everything, scope=BotCommandScopeChat(user_id))
        except TelegramError as err:
            logger.warning("Could not set the admin command menu for %s: %s", user_id, err)


# -- /start, /hilfe ------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    """Greet, or answer a deep link ``q_<digest>_<story>`` / ``z_…`` from a channel button."""
    s = services(context)
    match = _PAYLOAD.fullmatch(context.args[0]) if context.args else None
    if match is None:
        await hilfe(update, context)
        return
    kind, digest_id, story = match.group(1), int(match.group(2)), int(match.group(3))
    await reply(update, _facts(s, kind, digest_id, story or None))


async def hilfe(update: Update, context: Context) -> None:
    """Explain what the bot does and list the commands."""
    s = services(context)
    await reply(update, [s.renderer.render("hilfe.html", admin=is_admin(update, s))])


# -- /quelle, /zahlen and their buttons ----------------------------------------------------


def _facts(
    s: Services, kind: str, digest_id: int | None, story: int | None, *, elsewhere: bool = False
) -> list[str]:
    """Return the /quelle or /zahlen pages, or one line saying why there are none.

    ``elsewhere``: the digest was not posted in the asking chat (it is the newest one
    overall), and the first page says so and which digest it is.
    """
    if digest_id is None:
        return [s.renderer.reply("no_digest")]
    stored = s.storage.digest(digest_id)
    if stored is None:
        return [s.renderer.reply("gone_digest")]
    digest = stored.digest
    if story is not None and not 1 <= story <= len(digest.stories):
        count = len(digest.stories)
        return [s.renderer.reply("no_such_story", count=count, kind=kind)]
    render = s.renderer.quelle if kind == "q" else s.renderer.zahlen
    pages = list(render(digest, story=story))
    if elsewhere:
        note = s.renderer.reply("latest_elsewhere", digest=digest_id, created=stored.created)
        joined = f"{note}\n\n{pages[0]}"
        if telegram_length(joined) <= MessageLimit.MAX_TEXT_LENGTH:
            pages[0] = joined
        else:
            pages.insert(0, note)
    return pages


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
        await reply(update, [s.renderer.reply(_USAGE[kind])])
        return
    digest_id = None
    if message.reply_to_message is not None:
        digest_id = s.storage.digest_of_message(
            _chat_key(chat), message.reply_to_message.message_id
        )
    elsewhere = False
    if digest_id is None:
        digest_id = s.storage.latest_digest_id(_chat_key(chat))
    if digest_id is None:  # nothing posted here yet: the newest digest anywhere, said so
        digest_id = s.storage.latest_digest_id()
        elsewhere = digest_id is not None
    number = story if isinstance(story, int) else None
    await reply(update, _facts(s, kind, digest_id, number, elsewhere=elsewhere))


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
        await retrying(lambda text=text: target.reply_text(text, do_quote=True))  # type: ignore[misc]


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
        await reply(update, [services(context).renderer.reply("group_admins_only")])
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
    new = s.storage.subscribe(_chat_key(chat), kind=kind, title=title, now=s.now())
    await reply(update, [s.renderer.reply("subscribed" if new else "already_subscribed")])


async def abbestellen(update: Update, context: Context) -> None:
    """``/abbestellen``: end this chat's subscription."""
    s = services(context)
    chat = await _managed_chat(update, context)
    if chat is None:
        return
    ended = s.storage.unsubscribe(_chat_key(chat))
    await reply(update, [s.renderer.reply("unsubscribed" if ended else "not_subscribed")])


async def unknown(update: Update, context: Context) -> None:
    """Any other command: say so, with where to look (in groups only when addressed to us)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    command = (message.text or "").split()[0] if message.text else ""
    if chat.type != Chat.PRIVATE and f"@{context.bot.username}".lower() not in command.lower():
        return  # meant for another bot in the group
    await reply(update, [services(context).renderer.reply("unknown_command")])
